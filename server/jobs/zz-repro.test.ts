import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { outbox } from '../db/schema';
import { deliverOnce, type Mailer } from './delivery';
import { createTestApp, FakeClock } from '../test/harness';

it('stale worker after lease expiry', async () => {
  const clock = new FakeClock('2026-03-02T10:00:00+08:00');
  const t = await createTestApp({ clock, config: { smtpUrl: 'smtp://unused' } });
  const [row] = await t.services.db.insert(outbox).values({ channel: 'email', email: 'x@example.test', subject: 's', body: 'b', kind: 'escalation', nextAttemptAt: clock.now(), createdAt: clock.now() }).returning();
  const sent: string[] = [];
  let release!: (ok: boolean) => void;
  const slow: Mailer = { send: () => new Promise<void>((res, rej) => { release = (ok) => { sent.push('A'); ok ? res() : rej(new Error('socket timeout after 10 min')); }; }) };
  const fast: Mailer = { async send() { sent.push('B'); } };
  const a = deliverOnce(t.services.db, slow, clock.now());
  while (!release) await new Promise((r) => setTimeout(r, 10));
  clock.advance(3);
  await deliverOnce(t.services.db, fast, clock.now());
  console.log('after B:', (await t.services.db.select().from(outbox).where(eq(outbox.id, row!.id)))[0]);
  release(false);
  await a;
  const after = (await t.services.db.select().from(outbox).where(eq(outbox.id, row!.id)))[0]!;
  console.log('after stale A failed:', after);
  clock.advance(1);
  await deliverOnce(t.services.db, fast, clock.now());
  console.log('sends:', sent, (await t.services.db.select().from(outbox).where(eq(outbox.id, row!.id)))[0]!.status);
  await t.close();
});
