/**
 * Inbound mail ingest rate (issue 10): 2,000 mixed real-shaped messages in a real Dovecot mailbox
 * (server/test/mail-servers.ts), taken in by one poll of the real poller — IMAP fetch, parse,
 * ingest transaction, \Seen flag and stored UID per message — on PGlite and, with DATABASE_URL,
 * on a scratch PostgreSQL database. Prints messages per second end to end and what became of them.
 *
 * The mix: new fault reports in Chinese (GB18030 8-bit and UTF-8 base64/quoted-printable, some
 * with a small PNG or log attachment) from known contacts and from unknown senders, replies
 * threading to earlier reports (In-Reply-To/References, quoted history), auto-replies and a few
 * Postfix bounces.
 *
 *   npm run bench:mail
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:mail
 *   BENCH_MAIL_MESSAGES=500 npm run bench:mail
 */
import os from 'node:os';
import iconv from 'iconv-lite';
import { contacts, customers, tickets } from '../server/db/schema';
import { createMailPoller } from '../server/modules/mail/poller';
import { mailboxForImapUser } from '../server/modules/mail/poller-fixtures';
import { systemClock } from '../server/platform/clock';
import { startImapServer } from '../server/test/mail-servers';
import { benchDatabase, startBenchApp } from './lib/app';
import { runBenchmark, withScratchDatabase } from './scratch-database';

const COUNT = Number(process.env.BENCH_MAIL_MESSAGES ?? 2000);
const SECRET = 'bench-secret-for-mailbox-passwords-0123456789';
const CUSTOMERS = 50;
const CONTACTS_PER_CUSTOMER = 4;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const FAULTS = ['打印机卡纸，报错 E-200', '空调外机异响，制冷效果差', 'UPS 电池告警，请派工程师检查', '服务器风扇故障，温度过高', '门禁读卡器无响应', '投影仪无法开机', '复印机显示“定影器错误”', '冷水机组压力偏高'];

let rng = 42;
const random = () => {
  rng = (rng * 1103515245 + 12345) % 2 ** 31;
  return rng / 2 ** 31;
};
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
const b64 = (data: Buffer) => data.toString('base64').replace(/.{76}/g, '$&\r\n');
const word = (text: string, charset: 'utf-8' | 'gb18030') => `=?${charset}?B?${(charset === 'utf-8' ? Buffer.from(text) : iconv.encode(text, 'gb18030')).toString('base64')}?=`;
const qp = (text: string) =>
  [...Buffer.from(text)].map((byte) => (byte >= 33 && byte <= 126 && byte !== 61 ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('').replace(/.{72}/g, '$&=\r\n');

interface Sent {
  messageId: string;
  from: string;
  subject: string;
}

/** The messages, in arrival order, as raw bytes. */
function generate(count: number, senders: string[]): Buffer[] {
  const out: Buffer[] = [];
  const reports: Sent[] = [];
  const date = 'Mon, 07 Dec 2026 10:00:00 +0800';
  for (let i = 0; i < count; i++) {
    const roll = random();
    const messageId = `bench-${i}-${Math.floor(random() * 1e9)}@mail.example`;
    const head = (from: string, subject: string, extra: string[] = []) => [`From: ${from}`, `To: ${word('服务台', 'utf-8')} <desk@bench.example>`, `Subject: ${subject}`, `Message-ID: <${messageId}>`, `Date: ${date}`, 'MIME-Version: 1.0', ...extra];
    if (roll < 0.01 && reports.length) {
      // A bounce of our mail to one of the senders.
      const to = pick(reports).from;
      const boundary = `bounce-${i}`;
      out.push(
        Buffer.from(
          [
            ...head('MAILER-DAEMON@mx.bench.example (Mail Delivery System)', 'Undelivered Mail Returned to Sender', ['Auto-Submitted: auto-replied', `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`]),
            '',
            `--${boundary}`,
            'Content-Type: text/plain; charset=utf-8',
            '',
            `<${to}>: host mail.example said: 550 5.1.1 User unknown`,
            `--${boundary}`,
            'Content-Type: message/delivery-status',
            '',
            'Reporting-MTA: dns; mx.bench.example',
            '',
            `Final-Recipient: rfc822; ${to}`,
            'Action: failed',
            'Status: 5.1.1',
            'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
            `--${boundary}`,
            'Content-Type: text/rfc822-headers',
            '',
            `To: ${to}`,
            'Subject: [FW-2026-000001] 已受理',
            `--${boundary}--`,
            '',
          ].join('\r\n'),
        ),
      );
    } else if (roll < 0.1 && reports.length) {
      const to = pick(reports);
      out.push(
        Buffer.from(
          [
            ...head(`<${to.from}>`, word(`自动回复: ${to.subject}`, 'utf-8'), ['Auto-Submitted: auto-replied', 'X-Auto-Response-Suppress: All', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64']),
            '',
            b64(Buffer.from('您好，我正在休假，12 月 14 日回来后会尽快回复。')),
            '',
          ].join('\r\n'),
        ),
      );
    } else if (roll < 0.35 && reports.length) {
      const earlier = pick(reports);
      const body = `重启后仍然有问题，麻烦再看看。\r\n\r\n在 2026-12-07 10:00，服务台 写道：\r\n> 您好，已收到您的报修。\r\n> ${earlier.subject}\r\n`;
      out.push(
        Buffer.from(
          [
            ...head(`<${earlier.from}>`, word(`回复: ${earlier.subject}`, 'utf-8'), [
              `In-Reply-To: <${earlier.messageId}>`,
              `References: <${earlier.messageId}>`,
              'Content-Type: text/plain; charset=utf-8',
              'Content-Transfer-Encoding: quoted-printable',
            ]),
            '',
            qp(body),
            '',
          ].join('\r\n'),
        ),
      );
    } else {
      const from = random() < 0.85 ? pick(senders) : `visitor${i}@unknown${i % 7}.example`;
      const subject = `${pick(FAULTS)}（${i} 号）`;
      const text = `您好：\r\n\r\n${subject}。设备位于 3 号楼 2 层机房，请尽快安排工程师上门。\r\n\r\n谢谢\r\n王工\r\n电话 138 0000 ${String(i).padStart(4, '0')}\r\n`;
      const gb = random() < 0.5;
      const charset = gb ? 'gb18030' : 'utf-8';
      const textPart = gb
        ? ['Content-Type: text/plain; charset="GB18030"', 'Content-Transfer-Encoding: 8bit', '', iconv.encode(text, 'gb18030').toString('latin1')]
        : ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', b64(Buffer.from(text))];
      const attach = random() < 0.2;
      let lines: string[];
      if (attach) {
        const boundary = `part-${i}`;
        const file = random() < 0.5 ? { name: 'screen.png', type: 'image/png', data: PNG } : { name: 'error.log', type: 'text/plain', data: Buffer.from(`E-200 at ${i}\n`.repeat(40)) };
        lines = [
          ...head(`${word('王工', charset)} <${from}>`, word(subject, charset), [`Content-Type: multipart/mixed; boundary="${boundary}"`]),
          '',
          `--${boundary}`,
          ...textPart,
          `--${boundary}`,
          `Content-Type: ${file.type}; name="${file.name}"`,
          `Content-Disposition: attachment; filename="${file.name}"`,
          'Content-Transfer-Encoding: base64',
          '',
          b64(file.data),
          `--${boundary}--`,
          '',
        ];
      } else {
        // A single-part message: the text part's headers are the message's own.
        lines = [...head(`${word('王工', charset)} <${from}>`, word(subject, charset)), ...textPart, ''];
      }
      // Everything but a GB18030 body is ASCII; that body is its bytes as latin1 characters.
      out.push(Buffer.from(lines.join('\r\n'), 'latin1'));
      reports.push({ messageId, from, subject });
    }
  }
  return out;
}

async function run(label: string, imapUser: string, server: Awaited<ReturnType<typeof startImapServer>>, messages: Buffer[], url?: string) {
  const { database, dataDir, cleanup } = await benchDatabase(url);
  const app = await startBenchApp(database, { dataDir });
  try {
    const db = database.db;
    // Known senders: 50 customers with 4 contacts each.
    for (let c = 0; c < CUSTOMERS; c++) {
      const [customer] = await db.insert(customers).values({ name: `客户 ${c}`, code: `MAILC${c}` }).returning({ id: customers.id });
      for (let k = 0; k < CONTACTS_PER_CUSTOMER; k++) {
        const email = `contact${c}-${k}@customer${c}.example`;
        await db.insert(contacts).values({ customerId: customer!.id, name: `联系人 ${c}-${k}`, email });
      }
    }
    const user = server.users.find((u) => u.user === imapUser)!;
    const box = await mailboxForImapUser(db, SECRET, server, user, { address: 'desk@bench.example', useIdle: false });
    const services = app.services;
    const poller = createMailPoller({ db, clock: systemClock, secret: SECRET, ingest: services.mailIngest, quarantine: services.mailQuarantine, maxBytes: 1024 * 1024, loopMark: 'bench.example', batch: 50 });
    const started = performance.now();
    const result = await poller.poll(box.id);
    const seconds = (performance.now() - started) / 1000;
    if (result.error) throw new Error(`poll stopped: ${result.error.key} ${result.error.detail}`);
    const rate = result.taken / seconds;
    console.log(`${label.padEnd(11)} ${result.taken} messages in ${seconds.toFixed(1)} s = ${rate.toFixed(1)} messages/s   ${JSON.stringify(result.outcomes)}`);
    if (result.taken !== messages.length) throw new Error(`took ${result.taken} of ${messages.length}`);
    // The Chinese came through (GB18030 and UTF-8 alike): every new ticket's title is one of the faults.
    const titles = await db.select({ title: tickets.title }).from(tickets);
    const readable = titles.filter((t) => FAULTS.some((fault) => t.title.startsWith(fault))).length;
    if (readable !== (result.outcomes.ticket_created ?? 0)) throw new Error(`${readable} of ${result.outcomes.ticket_created} ticket titles decoded`);
  } finally {
    await app.close();
    cleanup();
  }
}

runBenchmark(async () => {
  const load = () => os.loadavg().map((n) => n.toFixed(2)).join(' ');
  console.log(`mail ingest: ${COUNT} messages, one poll end to end (IMAP fetch → parse → ingest → \\Seen → UID), Node ${process.version}, ${os.cpus().length} cores, load ${load()}`);
  const senders = Array.from({ length: CUSTOMERS * CONTACTS_PER_CUSTOMER }, (_, n) => `contact${Math.floor(n / CONTACTS_PER_CUSTOMER)}-${n % CONTACTS_PER_CUSTOMER}@customer${Math.floor(n / CONTACTS_PER_CUSTOMER)}.example`);
  const messages = generate(COUNT, senders);
  const server = await startImapServer({ users: [{ user: 'pglite', password: 'bench-pw' }, { user: 'postgres', password: 'bench-pw' }] });
  try {
    const targets = ['pglite', ...(process.env.DATABASE_URL ? ['postgres'] : [])];
    for (const user of targets) {
      const client = await server.connect(user);
      try {
        for (const raw of messages) await client.append('INBOX', raw);
      } finally {
        await client.logout();
      }
    }
    await run('PGlite', 'pglite', server, messages);
    if (!process.env.DATABASE_URL) console.log('PostgreSQL  skipped (set DATABASE_URL to a server where a scratch database may be created)');
    else await withScratchDatabase('fw_bench_mail', (url) => run('PostgreSQL', 'postgres', server, messages, url));
  } finally {
    await server.close();
  }
  console.log(`load at end ${load()}`);
});
