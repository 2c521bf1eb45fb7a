/**
 * Test-only child process for poller-crash.process.test.ts: polls one mailbox with the real
 * poller on the database named by the environment (DATABASE_URL, else FUWUTAI_DATA_DIR's PGlite),
 * and, when asked, kills itself with SIGKILL in the middle of the batch. The crash hook lives here,
 * in the IMAP session this script hands the poller — not in product code:
 * - FW_CRASH=before-mark:K  dies after the K-th message is committed, before it is flagged;
 * - FW_CRASH=after-mark:K   dies after the K-th message is flagged, before its UID is stored;
 * - FW_CRASH=random:MS      dies at a random moment within MS ms after the first message is committed.
 * Without FW_CRASH it polls to the end and prints the result as one JSON line.
 */
import { createServices } from '../../app';
import { openDatabase } from '../../db/client';
import { systemClock } from '../../platform/clock';
import { loadConfig } from '../../platform/config';
import { openMailbox } from './imap';
import { createMailPoller } from './poller';

const die = () => process.kill(process.pid, 'SIGKILL');

async function main() {
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  await database.migrate();
  const services = createServices({ config, database, clock: systemClock, logger: false });
  const [mode, arg] = (process.env.FW_CRASH ?? '').split(':');
  const at = Number(arg);
  let marked = 0;
  const poller = createMailPoller({
    db: database.db,
    clock: systemClock,
    secret: config.secret,
    ingest: services.mailIngest,
    quarantine: services.mailQuarantine,
    maxBytes: 1024 * 1024,
    loopMark: 'desk.example',
    batch: 5,
    async open(settings, options) {
      const session = await openMailbox(settings, options);
      return {
        get idle() {
          return session.idle;
        },
        get closed() {
          return session.closed;
        },
        fetchNew: (state, o) => session.fetchNew(state, o),
        waitForNew: (o) => session.waitForNew(o),
        close: () => session.close(),
        async markProcessed(uid, uidValidity) {
          marked++;
          if (mode === 'random' && marked === 1) setTimeout(die, Math.floor(Math.random() * at)).unref();
          if (mode === 'before-mark' && marked === at) die();
          const done = await session.markProcessed(uid, uidValidity);
          if (mode === 'after-mark' && marked === at) die();
          return done;
        },
      };
    },
  });
  const result = await poller.poll(process.env.FW_MAILBOX_ID!);
  process.stdout.write(`${JSON.stringify({ taken: result.taken, outcomes: result.outcomes, error: result.error })}\n`);
  await database.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
