/**
 * The platform's own recurring jobs: the SLA due-time sweep, the outbox delivery, and the hourly
 * housekeeping that keeps session, login, push and job-history tables from growing forever.
 * Each is idempotent per slot: the sweep and the outbox claim their own rows (SKIP LOCKED,
 * unique firings, leased messages), and deleting what is already gone deletes nothing.
 */
import type { RenewalReminders } from '../modules/contracts/reminders';
import type { SlaEngine } from '../modules/sla/engine';
import type { AutoClose } from '../modules/tickets/auto-close';
import type { Clock } from '../platform/clock';
import { deliverOnce, type Mailer, type SenderTransports } from './delivery';
import { purgeExpired, purgeUploadTemps, RETENTION } from './purge';
import type { JobRegistry } from './scheduler';
import { sweepOnce } from './sweep';

export const JOB_NAMES = { sweep: 'sla.sweep', delivery: 'outbox.delivery', purge: 'housekeeping.purge', autoClose: 'tickets.auto_close', renewalReminders: 'contracts.renewal_reminders' } as const;

/** Resolved tickets the customer left unanswered close by themselves (tickets/auto-close.ts); minutes late is fine. */
export const AUTO_CLOSE_EVERY_SECONDS = 600;

/** Interval jobs count whole seconds; a sub-second setting (tests used 200 ms) becomes one second. */
export const wholeSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export function registerPlatformJobs(
  registry: JobRegistry,
  deps: {
    engine: SlaEngine;
    clock: Clock;
    mailer: Mailer | null;
    /** Customer mail's per-mailbox identities and attachments (modules/mail/outgoing.ts). */
    senders?: SenderTransports;
    sweepIntervalMs: number;
    /** Tickets per sweep transaction: small on PGlite, whose one connection requests share. */
    sweepBatchSize: number;
    deliveryIntervalMs: number;
    /** The attachments' temporary folder (housekeeping removes files abandoned by a crash). */
    uploadTmpDir?: string;
    autoClose?: AutoClose;
    /** Contract renewal reminders (modules/contracts/reminders.ts), daily at 08:00 in the desk's time zone. */
    renewalReminders?: RenewalReminders;
  },
): void {
  registry.registerJob({
    name: JOB_NAMES.sweep,
    everySeconds: wholeSeconds(deps.sweepIntervalMs),
    async run({ db, log }) {
      const result = await sweepOnce(db, deps.engine, deps.clock, deps.sweepBatchSize);
      if (result.fired) log.info(result, 'sweep fired timers');
    },
  });
  registry.registerJob({
    name: JOB_NAMES.delivery,
    everySeconds: wholeSeconds(deps.deliveryIntervalMs),
    async run({ db, log, now }) {
      const result = await deliverOnce(db, deps.mailer, now(), undefined, deps.senders);
      if (result.failed || result.retried) log.warn(result, 'some deliveries failed');
    },
  });
  const { autoClose } = deps;
  if (autoClose) {
    registry.registerJob({
      name: JOB_NAMES.autoClose,
      everySeconds: AUTO_CLOSE_EVERY_SECONDS,
      async run({ log, now }) {
        const result = await autoClose.run(now(), { onError: (ticketId, error) => log.error({ err: error, ticketId }, 'auto-close failed for a ticket') });
        if (result.warned || result.closed || result.failed) log.info(result, 'auto-close: warned and closed resolved tickets');
      },
    });
  }
  const { renewalReminders } = deps;
  if (renewalReminders) {
    // Daily in working hours; idempotent per slot and per day (contract_reminders), a missed day is caught up.
    registry.registerJob({
      name: JOB_NAMES.renewalReminders,
      cron: '0 8 * * *',
      async run({ log, now }) {
        const result = await renewalReminders.run(now(), { onError: (contractId, error) => log.error({ err: error, contractId }, 'renewal reminder failed for a contract') });
        if (result.reminded || result.failed) log.info(result, 'renewal reminders sent');
      },
    });
  }
  // Hourly, so the history of the every-few-seconds jobs stays small too; quiet at half past.
  registry.registerJob({
    name: JOB_NAMES.purge,
    cron: '30 * * * *',
    async run({ db, log, now }) {
      const purged = {
        ...(await purgeExpired(db, now())),
        uploadTemps: deps.uploadTmpDir ? await purgeUploadTemps(deps.uploadTmpDir, now(), RETENTION.uploadTempMs) : 0,
      };
      if (Object.values(purged).some((n) => n > 0)) log.info(purged, 'purged expired rows');
    },
  });
}
