/**
 * buildApp(deps): the Fastify application with its plugins and every module's routes. No
 * listening, no jobs, no process concerns — main.ts owns those, tests call this directly.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from './db/client';
import { createAudit } from './modules/audit';
import { auditRoutes } from './modules/audit/routes';
import { createSetupService } from './modules/setup/service';
import { setupRoutes } from './modules/setup/routes';
import { createPasswordHasher, type PasswordHasher } from './modules/auth/password';
import { installPasswordChangeGate } from './modules/auth/password-change-gate';
import { authRoutes } from './modules/auth/routes';
import { createAuthService, SESSION_COOKIE, type LoginLimits } from './modules/auth/service';
import { centerRoutes } from './modules/centers/routes';
import { createCenterService } from './modules/centers/service';
import { customerRoutes } from './modules/customers/routes';
import { createCustomerService } from './modules/customers/service';
import { createAttachmentService } from './modules/tickets/attachments';
import { ticketRoutes } from './modules/tickets/routes';
import { createMacroService } from './modules/macros/service';
import { macroRoutes } from './modules/macros/routes';
import { createAssigneeService } from './modules/assignees/service';
import { assigneeRoutes } from './modules/assignees/routes';
import { createTicketOverview } from './modules/ticket-overview/service';
import { ticketOverviewRoutes } from './modules/ticket-overview/routes';
import { createAutoClose } from './modules/tickets/auto-close';
import { createSeverityConfirmation, severityConfirmationRoutes } from './modules/tickets/impact';
import { createTicketLinkService } from './modules/ticket-links/service';
import { ticketLinkRoutes } from './modules/ticket-links/routes';
import { createHotlineContext } from './modules/tickets/hotline-context';
import { hotlineRoutes } from './modules/tickets/hotline-routes';
import { createDuePreview } from './modules/sla/preview';
import { bulkRoutes, createBulkService } from './modules/tickets/bulk';
import { createViewService } from './modules/views/service';
import { viewRoutes } from './modules/views/routes';
import { createTicketService } from './modules/tickets/service';
import { createNotificationConsumer } from './modules/notifications/consumer';
import { jobRoutes } from './modules/jobs/routes';
import { backupRoutes } from './ops/backup-routes';
import { createJobService } from './modules/jobs/service';
import { notificationRoutes } from './modules/notifications/routes';
import { createNotificationService } from './modules/notifications/service';
import { createEventConsumers } from './modules/events';
import { createTicketPushConsumer } from './modules/push/ticket-changes';
import { pushRoutes } from './modules/push';
import { slaRoutes } from './modules/sla/routes';
import { createSlaEngine } from './modules/sla/engine';
import { createSlaService, createSlaSubscriber } from './modules/sla/service';
import { createTicketCommands } from './modules/tickets/command';
import { createMailParser, type IngestDeps } from './modules/mail/ingest';
import { createMailboxService, imapConnectionTester } from './modules/mail/mailboxes';
import { createQuarantineService } from './modules/mail/quarantine';
import { mailRoutes } from './modules/mail/routes';
import { createCustomerMailConsumer, createOutgoingService, createSenderTransports } from './modules/mail/outgoing';
import { outgoingMailRoutes } from './modules/mail/outgoing-routes';
import { createTemplateService } from './modules/mail/templates';
import { mailPollRoutes } from './modules/mail/poll-routes';
import { createMailPoller } from './modules/mail/poller';
import { createMailJobs } from './jobs/mail-poll';
import { createCalendarService } from './modules/time-rules/calendars';
import { createEscalationService } from './modules/time-rules/escalation-rules';
import { createPolicyService } from './modules/time-rules/policies';
import { createTimeRulesRegistry } from './modules/time-rules/registry';
import { timeRuleRoutes } from './modules/time-rules/routes';
import { tokenRoutes } from './modules/tokens/routes';
import { createTokenService } from './modules/tokens/service';
import { userRoutes } from './modules/users/routes';
import { createUserService } from './modules/users/service';
import type { Clock } from './platform/clock';
import { trustProxyOption, type Config } from './platform/config';
import { installAuthorization, installErrorHandling } from './platform/http';
import { installIdempotency } from './platform/idempotency';
import { installSecurity } from './platform/security';
import { serveWebApp } from './platform/web';
import { AppError } from './platform/errors';
import { createProductService } from './modules/products/service';
import { productRoutes } from './modules/products/routes';
import { createDeviceService } from './modules/devices/service';
import { deviceRoutes } from './modules/devices/routes';
import { createDeviceImportService } from './modules/device-import/service';
import { deviceImportRoutes } from './modules/device-import/routes';
import { createContractService } from './modules/contracts/service';
import { contractRoutes } from './modules/contracts/routes';
import { createInstalledBaseService, createSecondFailureConsumer } from './modules/installed-base/service';
import { installedBaseRoutes } from './modules/installed-base/routes';
import { createVisitService } from './modules/visits/service';
import { visitRoutes } from './modules/visits/routes';
import { createServiceRecordService } from './modules/service-records/service';
import { serviceRecordRoutes } from './modules/service-records/routes';
import { createDispatchService } from './modules/dispatch/service';
import { dispatchRoutes } from './modules/dispatch/routes';
import { createTicketEngineerService } from './modules/ticket-engineers/service';
import { ticketEngineerRoutes } from './modules/ticket-engineers/routes';
import { createOnCallService } from './modules/on-call/service';
import { onCallRoutes } from './modules/on-call/routes';

export interface AppDeps {
  config: Config;
  database: Database;
  clock: Clock;
  hasher?: PasswordHasher;
  loginLimits?: LoginLimits;
  /** Pino options, or false for silence (tests). */
  logger?: boolean | object;
  /** Folder of the built web UI; served at / when it exists. */
  webDir?: string;
}

export const VERSION = '0.1.0';
const defaultWebDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist');

export function createServices(deps: AppDeps) {
  const { database, clock, config } = deps;
  const db = database.db;
  const audit = createAudit(clock);
  const hasher = deps.hasher ?? createPasswordHasher();
  const filesDir = path.join(config.dataDir, 'attachments');
  const registry = createTimeRulesRegistry();
  const engine = createSlaEngine({
    registry,
    emailEnabled: Boolean(config.smtpUrl),
    lateAfterMs: Math.max(2 * config.sweepIntervalMs, 60_000),
    publicUrl: config.publicUrl,
    timeZone: config.timeZone,
  });
  // Every ticket write goes through these commands; the SLA clocks follow inside the transaction.
  const ticketCommands = createTicketCommands({ db, clock, subscribers: [createSlaSubscriber(engine)] });
  const sla = createSlaService({ db, clock, audit, engine, registry, commands: ticketCommands });
  const timeRules = { db, clock, audit, registry };
  // Named readers of the domain-event log; main.ts runs them, tests drain them.
  const consumers = createEventConsumers({ db, clock, audit });
  consumers.register(createNotificationConsumer({ emailEnabled: Boolean(config.smtpUrl), publicUrl: config.publicUrl }));
  consumers.register(createTicketPushConsumer());
  // Customer mail (acknowledgements, public replies, status news) from the same events (modules/mail/outgoing.ts).
  const mailTemplates = createTemplateService({ db, clock, audit });
  const mailOutConfig = { globalSmtp: Boolean(config.smtpUrl), mailFrom: config.mailFrom, loopMark: new URL(config.publicUrl).hostname };
  consumers.register(createCustomerMailConsumer({ ...mailOutConfig, publicUrl: config.publicUrl, acksPerHour: config.mailAcksPerHour, templates: mailTemplates }));
  // The second-failure rule (issue 11): a device's repeated faults raise a replacement proposal.
  consumers.register(createSecondFailureConsumer({ timeZone: config.timeZone }));
  const ticketService = createTicketService({ db, clock, audit, timeZone: config.timeZone, commands: ticketCommands, sla: sla.view });
  const mailIngest: IngestDeps = { db, clock, audit, commands: ticketCommands, filesDir, timeZone: config.timeZone, maxUploadBytes: config.maxUploadBytes };
  const installedBase = { db, clock, audit, timeZone: config.timeZone, filesDir, maxUploadBytes: config.maxUploadBytes };
  const fieldService = { ...installedBase, commands: ticketCommands, registry };
  const services = {
    consumers,
    notifications: createNotificationService({ db, clock, audit, emailConfigured: Boolean(config.smtpUrl) }),
    db,
    audit,
    hasher,
    registry,
    engine,
    sla,
    auth: createAuthService({ db, clock, hasher, audit, sessionTtlHours: config.sessionTtlHours, limits: deps.loginLimits }),
    users: createUserService({ db, clock, hasher, audit, limits: deps.loginLimits }),
    tokens: createTokenService({ db, clock, audit }),
    centers: createCenterService({ db, clock, audit }),
    calendars: createCalendarService(timeRules),
    policies: createPolicyService(timeRules),
    escalation: createEscalationService(timeRules),
    customers: createCustomerService({ db, clock, audit }),
    // The installed base (issue 11): catalog, devices, imports, contracts; entitlement and the second-failure rule.
    products: createProductService(installedBase),
    devices: createDeviceService(installedBase),
    deviceImport: createDeviceImportService(installedBase),
    contracts: createContractService(installedBase),
    installedBase: createInstalledBaseService({ ...installedBase, commands: ticketCommands, presentTicket: ticketService.get }),
    // Field service (issue 12): visits, signed service records, the dispatch board, helpers and experts, on-call.
    visits: createVisitService(fieldService),
    serviceRecords: createServiceRecordService(fieldService),
    dispatch: createDispatchService(fieldService),
    ticketEngineers: createTicketEngineerService(fieldService),
    onCall: createOnCallService(fieldService),
    tickets: ticketService,
    macros: createMacroService({ db, clock, audit, tickets: ticketService, commands: ticketCommands }),
    assignees: createAssigneeService({ db }),
    ticketLinks: createTicketLinkService({ db, audit, commands: ticketCommands }),
    attachments: createAttachmentService({ db, clock, audit, filesDir, maxBytes: config.maxUploadBytes, commands: ticketCommands }),
    jobs: createJobService({ db, clock }),
    severityConfirmation: createSeverityConfirmation({ commands: ticketCommands, audit }),
    autoClose: createAutoClose({
      db,
      commands: ticketCommands,
      registry,
      audit,
      timeZone: config.timeZone,
      emailEnabled: Boolean(config.smtpUrl),
      publicUrl: config.publicUrl,
    }),
    hotline: createHotlineContext({ db, clock }),
    duePreview: createDuePreview({ db, clock, registry, timeZone: config.timeZone }),
    views: createViewService({ db, clock, audit }),
    setup: createSetupService({ db, clock, audit, mailConfigured: Boolean(config.smtpUrl) }),
    /** What inbound mail needs to become tickets (modules/mail/ingest.ts); the poller and quarantine use it. */
    mailIngest,
    mailTemplates,
    mailOut: createOutgoingService({ db, clock, audit, secret: config.secret, ...mailOutConfig }),
    /** The delivery job sends customer mail as each mailbox's identity, with ticket attachments. */
    mailSenders: createSenderTransports({ db, secret: config.secret, filesDir }),
    mailboxes: createMailboxService({ db, clock, audit, secret: config.secret, tester: imapConnectionTester() }),
    mailQuarantine: createQuarantineService({
      ingest: mailIngest,
      dataDir: config.dataDir,
      tickets: ticketService,
      parse: createMailParser({ db, maxBytes: config.maxUploadBytes, loopMark: new URL(config.publicUrl).hostname }),
    }),
  };
  // Inbound mail: the poller (modules/mail/poller.ts) and its scheduled jobs and IDLE watchers (jobs/mail-poll.ts).
  const mailPoller = createMailPoller({ db, clock, secret: config.secret, ingest: mailIngest, quarantine: services.mailQuarantine, maxBytes: config.maxUploadBytes, loopMark: new URL(config.publicUrl).hostname });
  const mailJobs = createMailJobs({ db, clock, poller: mailPoller });
  // The ticket page's opening read composes the reads above (each part through its own service).
  return { ...services, mailPoller, mailJobs, ticketOverview: createTicketOverview(services) };
}

export type Services = ReturnType<typeof createServices>;

export async function buildApp(deps: AppDeps, services: Services = createServices(deps)): Promise<FastifyInstance> {
  const { config, database } = deps;
  const app = Fastify({
    logger:
      deps.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
            ...(typeof deps.logger === 'object' ? deps.logger : {}),
          },
    bodyLimit: 1024 * 1024,
    trustProxy: trustProxyOption(config.trustProxy),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);

  await installSecurity(app, {
    apiRequestsPerMinute: config.apiRateLimitPerMinute,
    cookieName: SESSION_COOKIE,
    hsts: config.secureCookies,
  });
  await app.register(fastifyCompress, { threshold: 1024 });
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, fieldSize: 1000, parts: 12 },
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Fuwutai 服务台 API', version: VERSION, description: 'After-sales technical support service desk' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          token: { type: 'http', scheme: 'bearer', description: 'An API token (fwt_…); each operation names the scope it needs' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  installAuthorization(app, {
    cookieName: SESSION_COOKIE,
    authenticate: (token) => services.auth.authenticate(token),
    authenticateToken: (secret, ip) => services.tokens.authenticate(secret, ip),
  });
  installIdempotency(app, { db: services.db, clock: deps.clock });
  installPasswordChangeGate(app);

  app.get(
    '/api/health',
    {
      config: { auth: 'public', token: 'any' },
      schema: {
        tags: ['system'],
        response: {
          200: z.object({
            status: z.literal('ok'),
            database: z.enum(['pglite', 'postgresql']),
            schemaVersion: z.string(),
            version: z.string(),
            nodeVersion: z.string().describe('The Node.js runtime serving this process, e.g. v24.21.0'),
          }),
        },
      },
    },
    async () => ({
      status: 'ok' as const,
      database: database.kind,
      schemaVersion: await database.schemaVersion(),
      version: VERSION,
      nodeVersion: process.version,
    }),
  );
  app.get('/api/openapi.json', { config: { auth: 'public', token: 'any' }, schema: { hide: true } }, async () => app.swagger());

  authRoutes(app, { auth: services.auth, db: services.db, secureCookies: config.secureCookies });
  userRoutes(app, services);
  tokenRoutes(app, services);
  centerRoutes(app, services);
  customerRoutes(app, services);
  productRoutes(app, services);
  deviceRoutes(app, services);
  deviceImportRoutes(app, services);
  contractRoutes(app, services);
  installedBaseRoutes(app, services);
  visitRoutes(app, services);
  serviceRecordRoutes(app, services);
  dispatchRoutes(app, services);
  ticketEngineerRoutes(app, services);
  onCallRoutes(app, services);
  ticketRoutes(app, services);
  macroRoutes(app, services);
  assigneeRoutes(app, services);
  severityConfirmationRoutes(app, services);
  ticketLinkRoutes(app, services);
  ticketOverviewRoutes(app, services);
  hotlineRoutes(app, services);
  bulkRoutes(app, { bulk: createBulkService({ db: services.db, tickets: services.tickets }) });
  viewRoutes(app, services);
  auditRoutes(app, services);
  setupRoutes(app, services);
  mailRoutes(app, services);
  outgoingMailRoutes(app, services);
  mailPollRoutes(app, services);
  slaRoutes(app, services);
  timeRuleRoutes(app, services);
  notificationRoutes(app, services);
  jobRoutes(app, services);
  backupRoutes(app, { database, dataDir: config.dataDir, clock: deps.clock, appVersion: VERSION });
  pushRoutes(app, { database, clock: deps.clock });

  app.all('/api/*', { config: { auth: 'public', token: 'any' }, schema: { hide: true } }, async (request) => {
    throw new AppError('request.no_route', `No API route ${request.method} ${request.url.split('?')[0]}`, {
      method: request.method,
      path: request.url.split('?')[0],
    });
  });

  await serveWebApp(app, deps.webDir ?? defaultWebDir);
  return app;
}
