/**
 * The platform's own recurring jobs: the SLA due-time sweep, the outbox delivery, and the hourly
 * housekeeping that keeps session, login, push and job-history tables from growing forever.
 * Each is idempotent per slot: the sweep and the outbox claim their own rows (SKIP LOCKED,
 * unique firings, leased messages), and deleting what is already gone deletes nothing.
 */
import type { SlaEngine } from '../modules/sla/engine';
import type { Clock } from '../platform/clock';
import { deliverOnce, type Mailer } from './delivery';
import { purgeExpired, purgeUploadTemps, RETENTION } from './purge';
import type { JobRegistry } from './scheduler';
import { sweepOnce } from './sweep';

export const JOB_NAMES = { sweep: 'sla.sweep', delivery: 'outbox.delivery', purge: 'housekeeping.purge' } as const;

/** Interval jobs count whole seconds; a sub-second setting (tests used 200 ms) becomes one second. */
export const wholeSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export function registerPlatformJobs(
  registry: JobRegistry,
  deps: {
    engine: SlaEngine;
    clock: Clock;
    mailer: Mailer | null;
    sweepIntervalMs: number;
    /** Tickets per sweep transaction: small on PGlite, whose one connection requests share. */
    sweepBatchSize: number;
    deliveryIntervalMs: number;
    /** The attachments' temporary folder (housekeeping removes files abandoned by a crash). */
    uploadTmpDir?: string;
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
      const result = await deliverOnce(db, deps.mailer, now());
      if (result.failed || result.retried) log.warn(result, 'some deliveries failed');
    },
  });
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
