/**
 * Runs the background jobs on timers: the due-time sweep every `sweepIntervalMs` and the outbox
 * delivery more often. Each loop waits for its run to finish before scheduling the next, so runs
 * never overlap in one process; other processes coordinate through the database alone.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/client';
import type { SlaEngine } from '../modules/sla/engine';
import type { Clock } from '../platform/clock';
import { deliverOnce, type Mailer } from './delivery';
import { sweepOnce } from './sweep';

export interface Job {
  stop(): Promise<void>;
}

function every(intervalMs: number, run: () => Promise<void>, log: FastifyBaseLogger, name: string): Job {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    running = run()
      .catch((error) => log.error({ err: error }, `${name} failed`))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export function startJobs(options: {
  db: Db;
  engine: SlaEngine;
  clock: Clock;
  mailer: Mailer | null;
  sweepIntervalMs: number;
  /** Tickets per sweep transaction: small on PGlite, whose one connection requests share. */
  sweepBatchSize: number;
  deliveryIntervalMs: number;
  log: FastifyBaseLogger;
}): Job[] {
  const { db, engine, clock, mailer, log } = options;
  return [
    every(
      options.sweepIntervalMs,
      async () => {
        const result = await sweepOnce(db, engine, clock, options.sweepBatchSize);
        if (result.fired) log.info(result, 'sweep fired timers');
      },
      log,
      'sweep',
    ),
    every(
      options.deliveryIntervalMs,
      async () => {
        const result = await deliverOnce(db, mailer, clock.now());
        if (result.failed || result.retried) log.warn(result, 'some deliveries failed');
      },
      log,
      'delivery',
    ),
  ];
}
