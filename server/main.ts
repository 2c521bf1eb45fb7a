/**
 * Process entry: configuration, database (migrated), the app, background jobs, and a graceful
 * shutdown on SIGINT/SIGTERM. `--demo` fills an empty database with demo data first.
 */
import { buildApp, createServices } from './app';
import pretty from 'pino-pretty';
import { ensureAdmin, firstStartBanner } from './bootstrap';
import { openDatabase } from './db/client';
import { createSmtpMailer } from './jobs/delivery';
import { registerPlatformJobs } from './jobs/platform-jobs';
import { purgeUploadTemps, RETENTION } from './jobs/purge';
import { createJobRegistry, startScheduler } from './jobs/scheduler';
import { registerTestJobs } from './jobs/test-jobs';
import { createRenewalReminders } from './modules/contracts/reminders';
import { ensureTimeRuleDefaults } from './modules/time-rules/seed';
import { systemClock } from './platform/clock';
import { loadConfig } from './platform/config';
import { claimDataDir } from './ops/data-dir-lock';

async function main() {
  const config = loadConfig();
  // An embedded database folder is one process's (server/ops/data-dir-lock.ts): backup/restore read this.
  const releaseDataDir = config.databaseUrl ? () => {} : claimDataDir(config.dataDir, { port: config.port });
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  await database.migrate();
  // People read a terminal; anything else (files, journald, a log shipper) gets one JSON object a line.
  const logger = process.stdout.isTTY
    ? { stream: pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true }) }
    : undefined;
  const deps = { config, database, clock: systemClock, ...(logger ? { logger } : {}) };
  const services = createServices(deps);
  const app = await buildApp(deps, services);

  await ensureTimeRuleDefaults(services.db, systemClock.now());
  const admin = await ensureAdmin(services, config.adminPassword);
  if (admin.generatedAdminPassword) {
    // Shown once, on lines of its own, so the first person can log in (and must then change it);
    // set FUWUTAI_ADMIN_PASSWORD to choose it instead.
    process.stdout.write(firstStartBanner(admin.generatedAdminPassword));
    app.log.warn('Created user "admin" with a generated password (shown above); it must be changed at first login');
  }
  if (process.argv.includes('--demo')) {
    const { loadDemoData } = await import('./demo/load-demo');
    const result = await loadDemoData(deps);
    app.log.info(result.skipped ? 'Demo data already present; nothing added' : `Demo data loaded: ${result.summary}`);
  }

  // Uploads a killed process left half-written; the hourly housekeeping job catches later ones.
  await purgeUploadTemps(services.attachments.tmpDir, systemClock.now(), RETENTION.uploadTempAtStartMs);

  // Recurring and delayed work (server/jobs/scheduler.ts): declared here, claimed by any process.
  const jobRegistry = createJobRegistry({ timeZone: config.timeZone });
  registerPlatformJobs(jobRegistry, {
    engine: services.engine,
    clock: systemClock,
    mailer: config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : null,
    senders: services.mailSenders,
    sweepIntervalMs: config.sweepIntervalMs,
    sweepBatchSize: database.kind === 'pglite' ? 10 : 50,
    deliveryIntervalMs: config.deliveryIntervalMs,
    uploadTmpDir: services.attachments.tmpDir,
    autoClose: services.autoClose,
    renewalReminders: createRenewalReminders({
      db: services.db,
      audit: services.audit,
      timeZone: config.timeZone,
      emailEnabled: Boolean(config.smtpUrl),
      publicUrl: config.publicUrl,
    }),
  });
  // Inbound mail: one job per enabled mailbox (its lease is the mailbox's), IDLE watchers inside them.
  services.mailJobs.register(jobRegistry);
  if (config.testJobs) registerTestJobs(jobRegistry);
  const scheduler = await startScheduler({
    db: services.db,
    registry: jobRegistry,
    clock: systemClock,
    log: app.log,
    pollMs: config.jobPollMs,
    leaseMs: config.jobLeaseMs,
    releaseLeasesAtStart: database.kind === 'pglite',
  });
  if (!config.smtpUrl) app.log.info('FUWUTAI_SMTP_URL is not set: notifications are in-app only');
  // Domain-event consumers (notifications, live push): woken by NOTIFY from any process.
  const consumers = await services.consumers.start({ database, pollMs: config.eventPollMs, log: app.log });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${signal} received, shutting down`);
    // The IDLE watchers end first, so their runs finish and scheduler.stop() records them.
    services.mailJobs.stop();
    await Promise.allSettled([scheduler.stop(), consumers.stop()]);
    await app.close();
    await database.close();
    releaseDataDir();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  app.log.info(`Fuwutai is serving http://localhost:${config.port} on ${database.kind}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
