import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../platform/clock';
import { createTestApp, PASSWORD, type TestApp } from '../../test/harness';
import { createPasswordHasher, type PasswordHasher } from './password';

let t: TestApp;
const clock = new FakeClock('2026-03-02T09:00:00+08:00');

/** Counts password checks: "equal work" and "how many guesses were checked" without timing anything. */
const verified: string[] = [];
const inner = createPasswordHasher('test');
const countingHasher: PasswordHasher = {
  hash: (password) => inner.hash(password),
  async verify(hashed, password) {
    verified.push(password);
    return inner.verify(hashed, password);
  },
};

beforeAll(async () => {
  t = await createTestApp({ clock, deps: { hasher: countingHasher } });
});
afterAll(() => t?.close());

async function login(username: string, password: string, ip = '10.0.0.1') {
  return t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });
}

describe('login and sessions', () => {
  it('sets an HTTP-only SameSite cookie and /api/me answers', async () => {
    const user = await t.factory.user({ role: 'engineer', name: '王工' });
    const res = await login(user.username, PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'fw_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const me = await t.app.inject({ url: '/api/me', headers: { cookie: `fw_session=${cookie.value}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ username: user.username, name: '王工', role: 'engineer' });
    expect(me.json().permissions).toContain('tickets.update');
  });

  it('accepts the username in any case', async () => {
    const user = await t.factory.user({ role: 'qa' });
    expect((await login(user.username.toUpperCase(), PASSWORD)).statusCode).toBe(200);
  });

  it('answers 401 without a session, with a wrong password, and for an unknown user', async () => {
    expect((await t.anonymous().get('/api/me')).status).toBe(401);
    expect((await t.anonymous().get('/api/tickets')).status).toBe(401);
    const user = await t.factory.user({ role: 'engineer' });
    const wrong = await login(user.username, 'not-the-password', '10.0.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toEqual({ code: 'unauthenticated', key: 'auth.wrong_credentials', message: 'Wrong username or password' });
    expect((await login('nobody-here', 'whatever', '10.0.0.2')).statusCode).toBe(401);
  });

  it('ignores a forged cookie', async () => {
    const res = await t.app.inject({ url: '/api/me', headers: { cookie: 'fw_session=forged' } });
    expect(res.statusCode).toBe(401);
  });

  it('logout ends the session', async () => {
    const client = await t.as('dispatcher');
    expect((await client.get('/api/me')).status).toBe(200);
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('sessions expire after their lifetime without use', async () => {
    const client = await t.as('dispatcher');
    clock.advance(t.config.sessionTtlHours * 60 + 1);
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('a disabled user is logged out at once', async () => {
    const admin = await t.as('admin');
    const client = await t.as('engineer');
    expect((await admin.patch(`/api/users/${client.user.id}`, { active: false })).status).toBe(200);
    expect((await client.get('/api/me')).status).toBe(401);
  });
});

describe('login rate limits', () => {
  it('after 5 failures, from any address, the account waits 1 min, then 2, 4, 8, 15 at most; a success ends the streak', async () => {
    const user = await t.factory.user({ role: 'engineer' });
    for (let i = 0; i < 4; i++) expect((await login(user.username, 'bad', `10.1.0.${i}`)).statusCode).toBe(401);
    expect((await login(user.username, 'bad', '10.1.0.5')).statusCode).toBe(401);
    const locked = await login(user.username, PASSWORD, '10.1.0.99');
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('60');
    expect(locked.json().error).toMatchObject({ code: 'rate_limited', key: 'auth.too_many_failures', params: { minutes: 1 } });
    for (const [waited, minutes] of [[1, 2], [2, 4], [4, 8], [8, 15], [15, 15]] as const) {
      clock.advance(waited);
      expect((await login(user.username, 'bad', '10.1.0.7')).statusCode).toBe(401);
      const waiting = await login(user.username, PASSWORD, '10.1.0.99');
      expect(waiting.statusCode).toBe(429);
      expect(waiting.headers['retry-after']).toBe(String(minutes * 60));
    }
    clock.advance(15);
    expect((await login(user.username, PASSWORD, '10.1.0.99')).statusCode).toBe(200);
    // The success ended the streak: one more failure does not lock.
    expect((await login(user.username, 'bad', '10.1.0.7')).statusCode).toBe(401);
    expect((await login(user.username, PASSWORD, '10.1.0.99')).statusCode).toBe(200);
  });

  it('holds under concurrency: of 25 parallel guesses at most 5 are checked, the others answer 429', async () => {
    const user = await t.factory.user({ role: 'engineer' });
    verified.length = 0;
    const guesses = [...Array.from({ length: 24 }, (_, i) => `wrong-guess-${i}`), PASSWORD];
    const answers = await Promise.all(guesses.map((password, i) => login(user.username, password, `10.5.${i}.1`)));
    const statuses = answers.map((a) => a.statusCode);
    const wrongChecked = statuses.filter((s) => s === 401).length;
    expect(verified.length).toBeLessThanOrEqual(5);
    expect(wrongChecked).toBeGreaterThan(0);
    expect(wrongChecked).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
    expect(statuses.every((s) => s === 401 || s === 429 || s === 200)).toBe(true);
    for (const a of answers.filter((x) => x.statusCode === 429)) expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('checks a disabled account\'s password like any other (no faster refusal), and an unknown name too', async () => {
    const admin = await t.as('admin');
    const user = await t.factory.user({ role: 'engineer' });
    expect((await admin.patch(`/api/users/${user.id}`, { active: false })).status).toBe(200);
    verified.length = 0;
    const disabled = await login(user.username, 'some-guess-1', '10.6.0.1');
    expect(disabled.statusCode).toBe(401);
    expect(disabled.json().error.key).toBe('auth.wrong_credentials');
    expect(verified).toEqual(['some-guess-1']);
    // Even the right password of a disabled account costs one check and tells nothing more.
    const right = await login(user.username, PASSWORD, '10.6.0.1');
    expect(right.statusCode).toBe(401);
    expect(right.json().error.key).toBe('auth.wrong_credentials');
    expect((await login('nobody-at-all', 'some-guess-2', '10.6.0.1')).statusCode).toBe(401);
    expect(verified).toEqual(['some-guess-1', PASSWORD, 'some-guess-2']);
  });

  it('limits one address guessing many accounts', async () => {
    for (let i = 0; i < 30; i++) await login(`ghost${i}`, 'bad', '10.2.0.1');
    const user = await t.factory.user({ role: 'engineer' });
    expect((await login(user.username, PASSWORD, '10.2.0.1')).statusCode).toBe(429);
    expect((await login(user.username, PASSWORD, '10.2.0.2')).statusCode).toBe(200);
  });
});

describe('password change', () => {
  it('is throttled like login: 25 parallel wrong current passwords → at most 5 checked, the others 429 with Retry-After', async () => {
    const client = await t.as('engineer');
    verified.length = 0;
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) => client.post('/api/auth/password', { currentPassword: `guess-${i}`, newPassword: 'a-new-long-secret-1' })),
    );
    expect(verified.length).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => a.status === 400).length).toBeLessThanOrEqual(5);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(20);
    expect(refused[0]!.body.error.key).toBe('auth.too_many_failures');
    expect(Number(refused[0]!.headers['retry-after'])).toBeGreaterThan(0);
    // The same streak holds the login: the account waits there too.
    expect((await login(client.user.username, PASSWORD, '10.7.0.1')).statusCode).toBe(429);
    clock.advance(2);
    expect((await client.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a-new-long-secret-1' })).status).toBe(204);
  });

  it('refuses short, common and personal new passwords with a field key', async () => {
    const user = await t.factory.user({ role: 'engineer', name: 'Zhangsanfeng' });
    const session = (await login(user.username, PASSWORD, '10.8.0.1')).cookies.find((c) => c.name === 'fw_session')!;
    const change = async (newPassword: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: { cookie: `fw_session=${session.value}` },
        payload: { currentPassword: PASSWORD, newPassword },
      });
      return { status: res.statusCode, body: res.json() };
    };
    const short = await change('aaaaaaaa');
    expect(short.status).toBe(400);
    expect(short.body.error.details.fields[0]).toMatchObject({ path: 'body.newPassword', key: 'field.too_small' });
    for (const common of ['password1234', 'QWERTYUIOP', 'aaaaaaaaaaaa']) {
      const res = await change(common);
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields[0]).toMatchObject({ path: 'newPassword', key: 'field.password_common' });
    }
    for (const personal of [`x-${user.username}-1`, 'my-ZhangSanFeng!']) {
      const res = await change(personal);
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields[0]).toMatchObject({ path: 'newPassword', key: 'field.password_personal' });
    }
    const demo = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie: `fw_session=${session.value}` }, payload: { currentPassword: PASSWORD, newPassword: 'fuwutai-demo' } });
    expect(demo.statusCode).toBe(204); // the demo password passes the policy
  });

  it('needs the current password, then works and ends other sessions', async () => {
    const client = await t.as('engineer');
    const other = await login(client.user.username, PASSWORD, '10.3.0.1');
    const otherCookie = `fw_session=${other.cookies.find((c) => c.name === 'fw_session')!.value}`;

    const wrong = await client.post('/api/auth/password', { currentPassword: 'nope', newPassword: 'new-password-123' });
    expect(wrong.status).toBe(400);
    const short = await client.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short-pw1' });
    expect(short.status).toBe(400);
    expect(short.body.error.details.fields[0].path).toBe('body.newPassword');

    expect((await client.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'new-password-123' })).status).toBe(204);
    expect((await client.get('/api/me')).status).toBe(200);
    expect((await t.app.inject({ url: '/api/me', headers: { cookie: otherCookie } })).statusCode).toBe(401);
    expect((await login(client.user.username, PASSWORD, '10.3.0.2')).statusCode).toBe(401);
    expect((await login(client.user.username, 'new-password-123', '10.3.0.2')).statusCode).toBe(200);
  });
});

describe('first start', () => {
  it('creates admin once, with a generated password when none is configured', async () => {
    const { ensureAdmin } = await import('../../bootstrap');
    const first = await ensureAdmin(t.services, undefined);
    expect(first.createdAdmin).toBe(true);
    expect(first.generatedAdminPassword).toMatch(/^[\w-]{16}$/);
    expect((await login('admin', first.generatedAdminPassword!, '10.4.0.1')).statusCode).toBe(200);
    expect(await ensureAdmin(t.services, 'other')).toEqual({ createdAdmin: false });
  });
});

describe('passwords are stored as argon2id', () => {
  it('never in clear', async () => {
    const user = await t.factory.user({ role: 'engineer' });
    const { users } = await import('../../db/schema');
    const { eq } = await import('drizzle-orm');
    const [row] = await t.services.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row!.passwordHash).not.toContain(PASSWORD);
  });
});
