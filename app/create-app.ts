import { hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import { createServer as createPlainServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { DestinationStream } from 'pino';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createApi, PLATFORM_PATHS } from '../api/index.ts';
import {
  accessMigrations,
  accessRoutes,
  createAccessStore,
  createPrincipalResolver,
} from '../platform/access/index.ts';
import type { Config } from '../platform/config/index.ts';
import { PlatformError } from '../platform/errors/index.ts';
import type { Clock } from '../platform/clock/index.ts';
import { systemClock } from '../platform/clock/index.ts';
import { createIdGenerator } from '../platform/ids/index.ts';
import type { IdGenerator } from '../platform/ids/index.ts';
import { auditMigrations, auditRoutes, createAuditLog } from '../platform/audit/index.ts';
import type { AuditLog } from '../platform/audit/index.ts';
import {
  createApiTokens,
  createAuthenticator,
  createIdentity,
  identityMigrations,
} from '../platform/identity/index.ts';
import type { ApiTokens, Identity, OidcConfig } from '../platform/identity/index.ts';
import { identityRoutes } from '../platform/identity/http/index.ts';
import {
  createEmbeddedSecretStore,
  createVaultSecretStore,
  secretRoutes,
  secretsMigrations,
} from '../platform/secrets/index.ts';
import type { SecretStore } from '../platform/secrets/index.ts';
import type { Logger } from '../platform/logging/index.ts';
import { createMetrics } from '../platform/metrics/index.ts';
import {
  createMemoryRateLimitStore,
  createRateLimiter,
  createRedisRateLimitStore,
} from '../platform/rate-limit/index.ts';
import type { Metrics } from '../platform/metrics/index.ts';
import { createOutboundHttp } from '../platform/outbound/index.ts';
import {
  createBullmqJobQueue,
  createRelationalJobQueue,
  queueMigrations,
} from '../platform/queue/index.ts';
import type { JobQueue } from '../platform/queue/index.ts';
import { createSecretScanner } from '../platform/redaction/index.ts';
import type { RelationalStore } from '../platform/storage/index.ts';
import {
  alertMigrations,
  alertRoutes,
  createDetectionService,
  createRelationalAlertStore,
  createStreamingDetections,
  DetectionError,
  detectionRoutes,
  loadMappings,
  ruleStateMigrations,
  STARTER_PACK,
  toPlaceholders,
} from '../detections/index.ts';
import type { AlertStore, DetectionService, StreamingDetections } from '../detections/index.ts';
import {
  caseRoutes,
  createIntegrationThrottle,
  createPlaybookRunner,
  createPlaybookService,
  createRelationalCommandStore,
  createRelationalRunStore,
  createActionCatalog,
  loadThreatIntel,
  parseConcurrency,
  parseRateLimits,
  playbookRoutes,
  SoarError,
  createCaseGrouping,
  createCaseService,
  createRelationalCaseStore,
  createMeasureGauges,
  createRelationalSlaStore,
  createRelationalTriageStore,
  createSlaMonitor,
  createTriageService,
  measureRoutes,
  soarMigrations,
  groupingRoutes,
  slaRoutes,
  triageRoutes,
  withTriageTracking,
} from '../soar/index.ts';
import type {
  CaseGrouping,
  CaseService,
  MeasureGauges,
  PlaybookRunner,
  PlaybookService,
  SlaMonitor,
  ThreatIntel,
  TriageService,
} from '../soar/index.ts';
import {
  createAuditShipper,
  createSiem,
  createSqliteEventStore,
  siemMigrations,
} from '../siem/index.ts';
import type { AuditShipper, IngestHook, Siem, SyslogServer } from '../siem/index.ts';
import { bootstrap } from './bootstrap.ts';
import type { BootstrapSecrets } from './bootstrap.ts';
import { createLoggerFor, eventStorePath, openRelationalStore } from './infrastructure.ts';
import { loadPlatformKeys } from './keys.ts';
import type { PlatformKeys } from './keys.ts';
import { createPlatformAuditor } from './route-auditor.ts';

export interface AppOptions {
  readonly logger?: Logger;
  /** Where the platform's own (redacting) logger writes; stdout by default. */
  readonly logDestination?: DestinationStream;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** Called once with credentials created on first start; the CLI prints them. */
  readonly onBootstrap?: (secrets: BootstrapSecrets) => void;
  /** Threads for the event store (default true; the CLI's offline commands use false). */
  readonly eventStoreThreads?: boolean;
  /** Run on every ingest batch before it is acknowledged (detections attach here). */
  readonly ingestHooks?: readonly IngestHook[];
}

export interface StartedApp {
  readonly url: string;
  readonly syslog?: { readonly tcp?: AddressInfo; readonly udp?: AddressInfo };
}

/** The platform process: its adapters, modules, HTTP server and inputs, and their lifecycle. */
export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly relational: RelationalStore;
  readonly siem: Siem;
  readonly alerts: AlertStore;
  /** The detection rules: the engine snapshot to evaluate with, rule management, reload. */
  readonly detections: DetectionService;
  /** Alert triage: lifecycle, assignment, comments, timeline. */
  readonly triage: TriageService;
  /** The response-measure gauges of /metrics (refreshed every minute). */
  readonly measureGauges: MeasureGauges;
  /** Watches open alerts' SLA clocks (every 15 s). */
  readonly slaMonitor: SlaMonitor;
  /** Cases: alerts grouped into investigations, with tasks and a timeline. */
  readonly cases: CaseService;
  /** Case grouping rules and pivots on alert keys. */
  readonly grouping: CaseGrouping;
  /** Playbook runs: every step a durable job on `queue`. */
  readonly playbooks: PlaybookRunner;
  /** Playbooks as the API serves them: upload, start, follow, approve, commands. */
  readonly playbookService: PlaybookService;
  /** The step queues (embedded jobs table, or BullMQ on Redis). */
  readonly queue: JobQueue;
  /** Detection on the ingest path (absent with `detections.streaming: false`). */
  readonly streaming: StreamingDetections | undefined;
  readonly tokens: ApiTokens;
  readonly identity: Identity;
  readonly audit: AuditLog;
  /** Copies audit records into the event stream (absent with `audit.toEventStream: false`). */
  readonly auditShipper: AuditShipper | undefined;
  readonly secrets: SecretStore;
  readonly keys: PlatformKeys;
  /** The HTTP application once started (for tests that inspect its routes). */
  readonly http: Express | undefined;
  start(): Promise<StartedApp>;
  /** Stops accepting, drains in-flight work, flushes and closes the stores. Idempotent. */
  stop(reason?: string): Promise<void>;
}

const DAY = 86_400_000;

/** The platform's version, from package.json. */
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** Builds the platform from its configuration: config → adapters → modules → API. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? createIdGenerator(clock);
  const scanner = createSecretScanner();
  const logger = options.logger ?? createLoggerFor(config, scanner, options.logDestination);
  const metrics = createMetrics();
  const dataDir = resolve(config.dataDir);

  const keys = loadPlatformKeys(config, dataDir);
  const relational = openRelationalStore(config, dataDir, clock);
  try {
    await relational.migrate([
      ...identityMigrations,
      ...accessMigrations,
      ...auditMigrations,
      ...secretsMigrations,
      ...siemMigrations,
      ...alertMigrations,
      ...ruleStateMigrations,
      ...soarMigrations,
      ...queueMigrations,
    ]);
  } catch (err) {
    await relational.close();
    throw err;
  }
  const alerts = createRelationalAlertStore({ store: relational });
  const redactText = (text: string): string => scanner.redact(text).text;
  const triageStore = createRelationalTriageStore(relational);
  const triage = createTriageService({
    relational,
    triage: triageStore,
    alerts,
    clock,
    ids,
    redact: redactText,
  });
  const measureGauges = createMeasureGauges({ triage: triageStore, metrics, clock });
  const caseStore = createRelationalCaseStore(relational);
  const cases = createCaseService({
    cases: caseStore,
    triage,
    alerts,
    relational,
    clock,
    ids,
    redact: redactText,
  });
  const grouping = createCaseGrouping({ cases: caseStore, service: cases, clock });
  const slaStore = createRelationalSlaStore(relational);
  const slaMonitor = createSlaMonitor({
    triage: triageStore,
    sla: slaStore,
    relational,
    clock,
    ids,
    metrics,
    logger,
    // A breach starts the playbooks with a matching `sla_breach` trigger (page the on-call).
    escalate: async (event) => {
      if (event.level !== 'breach') return;
      const alert = await alerts.get(event.tenantId, event.alertId);
      await playbooks.onSlaBreach(
        {
          tenantId: event.tenantId,
          alertId: event.alertId,
          clock: event.clock,
          severity: event.severity,
          dueAt: event.dueAt,
        },
        alert,
      );
    },
  });
  const rateLimitStore =
    config.redis.url === undefined
      ? createMemoryRateLimitStore({ clock })
      : createRedisRateLimitStore({ url: config.redis.url, clock });
  const queue = createStepQueue(config, relational, logger);
  const runStore = createRelationalRunStore(relational);
  const commandStore = createRelationalCommandStore(relational);
  const outbound = createOutboundHttp({
    allowHttp: config.playbooks.allowHttp,
    allowPrivateNetworks: config.playbooks.allowPrivateNetworks,
    allowedPorts: config.playbooks.allowedPorts,
    userAgent: `claytom-secops/${VERSION} playbooks`,
  });
  const intel = openThreatIntel(config);
  const readSecret = async (tenantId: string, ref: string): Promise<string> => {
    // `path` (a secret holding one value, or a `value` key) or `path#key`.
    const [path = '', key] = ref.split('#');
    const { value } = await secretStore.get(tenantId, path);
    const keys = Object.keys(value);
    const chosen = key ?? (keys.length === 1 ? keys[0] : 'value');
    const found = chosen === undefined ? undefined : value[chosen];
    if (found === undefined)
      throw new SoarError(
        'SOAR_INVALID_REQUEST',
        `secret ${path} has no key ${chosen ?? 'value'} (keys: ${keys.join(', ')})`,
      );
    return found;
  };
  const catalog = createActionCatalog({
    outbound,
    endpoints: {
      pagerduty: config.playbooks.pagerdutyUrl,
      sendgrid: config.playbooks.sendgridUrl,
      twilio: config.playbooks.twilioUrl,
    },
    triage,
    cases,
    intel,
    readSecret,
    containment: {
      ...(config.playbooks.blockAddressUrl === undefined
        ? {}
        : {
            blockAddress: {
              url: config.playbooks.blockAddressUrl,
              ...(config.playbooks.blockAddressTokenSecret === undefined
                ? {}
                : { tokenSecret: config.playbooks.blockAddressTokenSecret }),
            },
          }),
      ...(config.playbooks.disableUserUrl === undefined
        ? {}
        : {
            disableUser: {
              url: config.playbooks.disableUserUrl,
              ...(config.playbooks.disableUserTokenSecret === undefined
                ? {}
                : { tokenSecret: config.playbooks.disableUserTokenSecret }),
            },
          }),
    },
  });
  const playbooks: PlaybookRunner = createPlaybookRunner({
    relational,
    runs: runStore,
    queue,
    catalog,
    clock,
    ids,
    readSecret,
    redact: redactText,
    concurrency: parseConcurrency(config.playbooks.concurrency),
    throttle: createIntegrationThrottle(
      rateLimitStore,
      parseRateLimits(config.playbooks.rateLimits),
    ),
    onError: (err, where) => logger.error({ err, where }, 'playbook runner'),
    approvalLink: (run, stepId) => playbookService.approvalLink(run, stepId),
  });
  let publicUrl = config.playbooks.publicUrl?.replace(/\/$/, '');
  const playbookService = createPlaybookService({
    relational,
    runs: runStore,
    commands: commandStore,
    runner: playbooks,
    catalog,
    alerts,
    clock,
    ids,
    linkKey: new Uint8Array(
      hkdfSync('sha256', keys.tokenKeyEncryptionKey, 'claytom-secops', 'soar.approval-links', 32),
    ),
    publicUrl: () => publicUrl ?? `http://${config.server.host}:${String(config.server.port)}`,
    findCredentials: scanner.scan,
  });
  const detections = await openDetections(config, relational, clock, logger).catch(
    async (err: unknown) => {
      await relational.close();
      throw err;
    },
  );
  const events = await createSqliteEventStore({
    path: eventStorePath(dataDir),
    durability: config.events.durability,
    threads: options.eventStoreThreads ?? true,
    clock,
  }).catch(async (err: unknown) => {
    await relational.close();
    throw err;
  });

  const streaming = config.detections.streaming
    ? createStreamingDetections({
        snapshot: () => detections.current(),
        events,
        // Every alert the relay opens starts being tracked by triage, and is grouped into a case
        // by the tenant's rules, in the same transaction.
        alerts: withTriageTracking(
          alerts,
          {
            track: async (opened) => {
              await triage.track(opened);
              await grouping.track(opened);
              // Playbooks whose alert trigger matches start in the same transaction: their
              // first steps are queued once it commits.
              await playbooks.onAlertsOpened(opened);
            },
            refresh: (updated) => grouping.refresh(updated),
          },
          relational,
        ),
        ids,
        clock,
        logger,
        metrics,
        latenessMs: config.detections.correlationLatenessSeconds * 1000,
        // After a restart, correlation state is rebuilt from each tenant's recent events.
        replay: { events, tenants: () => access.tenantIds() },
      })
    : undefined;
  const hooks = [...(streaming ? [streaming.hook] : []), ...(options.ingestHooks ?? [])];

  const siem = createSiem({
    relational,
    events,
    scanner,
    clock,
    ids,
    metrics,
    logger,
    ingest: config.ingest,
    hooks,
  });
  const tokens = createApiTokens({ store: relational, clock, ids });
  const access = createAccessStore({ store: relational, clock, ids });
  const resolvePrincipal = createPrincipalResolver(access);
  const audit = createAuditLog({
    store: relational,
    signer: { keyName: config.audit.origin, privateKey: keys.audit.signingKey },
    hmacKey: keys.audit.hmacKey,
    clock,
    origin: config.audit.origin,
  });
  const auditor = createPlatformAuditor({ store: relational, log: audit, logger });
  const auditShipper = config.audit.toEventStream
    ? createAuditShipper({
        audit,
        pipeline: siem.pipeline,
        relational,
        clock,
        logger,
        metrics,
      })
    : undefined;
  const oidc = oidcConfig(config);
  const identity = createIdentity({
    store: relational,
    clock,
    ids,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    keyEncryptionKey: keys.tokenKeyEncryptionKey,
    accessTokenTtlMs: config.auth.accessTokenTtlSeconds * 1000,
    keyRotationIntervalMs: config.auth.keyRotationHours * 3_600_000,
    customRolesOf: (tenantId) => access.customRoles(tenantId),
    onAuthEvent: (event) => auditor.authEvent(event),
    ...(oidc ? { oidc } : {}),
  });
  const secretStore = createSecretStore(config, relational, keys, clock);
  const bearer = createAuthenticator({
    apiTokens: tokens,
    verifyAccessToken: identity.verifyAccessToken,
  });
  const windowMs = config.rateLimit.windowSeconds * 1000;
  const rateLimiter = createRateLimiter({
    store: rateLimitStore,
    perAddress: { limit: config.rateLimit.perAddress, windowMs },
    perPrincipal: { limit: config.rateLimit.perPrincipal, windowMs },
    metrics,
    logger,
  });

  let server: Server | undefined;
  let http: Express | undefined;
  let syslog: SyslogServer | undefined;
  let retention: NodeJS.Timeout | undefined;
  let upkeep: NodeJS.Timeout | undefined;
  let checkpoints: NodeJS.Timeout | undefined;
  let measuresTimer: NodeJS.Timeout | undefined;
  let scheduler: NodeJS.Timeout | undefined;
  let lastScheduled = clock.now();
  let stopping: Promise<void> | undefined;
  let publishAddress = `${config.server.host}:${String(config.server.port)}`;

  const applyRetention = async (): Promise<void> => {
    try {
      const result = await events.deleteBefore(clock.now() - config.events.retentionDays * DAY);
      if (result.deletedPartitions.length > 0)
        logger.info({ ...result }, 'retention deleted old events');
      // Dedup bookkeeping (occurrence keys, open windows) older than a week serves no replay.
      await alerts.prune(clock.now() - 7 * DAY);
    } catch (err) {
      logger.error({ err }, 'retention failed');
    }
  };

  const maintainIdentity = async (): Promise<void> => {
    try {
      const { rotated, purged } = await identity.maintain();
      if (rotated || purged > 0) logger.info({ rotated, purged }, 'identity upkeep');
    } catch (err) {
      logger.error({ err }, 'identity upkeep failed');
    }
  };
  const refreshMeasures = async (): Promise<void> => {
    try {
      await measureGauges.refresh();
    } catch (err) {
      logger.error({ err }, 'refreshing the response-measure gauges failed');
    }
  };
  /** Starts scheduled playbooks now due, and applies lane sizes another process changed. */
  const playbookUpkeep = async (): Promise<void> => {
    try {
      const now = clock.now();
      await playbooks.startScheduled(await access.tenantIds(), lastScheduled, now);
      lastScheduled = now;
      if (config.playbooks.workers) {
        const current = playbooks.concurrency();
        for (const [lane, n] of Object.entries(await commandStore.laneSettings()))
          if (current[lane] !== undefined && current[lane] !== n) playbooks.setConcurrency(lane, n);
      }
    } catch (err) {
      logger.error({ err }, 'playbook upkeep failed');
    }
  };
  const signCheckpoint = async (): Promise<void> => {
    try {
      await audit.checkpoint();
    } catch (err) {
      logger.error({ err }, 'audit checkpoint failed');
    }
  };

  const app: App = {
    config,
    logger,
    metrics,
    relational,
    siem,
    alerts,
    detections,
    streaming,
    triage,
    measureGauges,
    slaMonitor,
    cases,
    grouping,
    playbooks,
    playbookService,
    queue,
    tokens,
    identity,
    audit,
    auditShipper,
    secrets: secretStore,
    keys,
    get http() {
      return http;
    },
    async start() {
      await access.ensureDefaultTenant();
      await maintainIdentity();
      const secrets = await bootstrap({ config, relational, tokens, sources: siem.sources });
      if (secrets.created && options.onBootstrap) options.onBootstrap(secrets);
      // Alerts a previous run committed but did not relay reach the alert store first.
      await streaming?.start();

      const api = createApi({
        logger,
        metrics,
        ids,
        trustProxy: config.server.trustProxy,
        retryAfterSeconds: config.ingest.retryAfterSeconds,
        dependencies: async () => {
          const [db, ev] = await Promise.all([relational.health(), events.health()]);
          return [
            { name: `relational (${db.dialect})`, ok: db.ok, detail: db.detail },
            { name: 'events (sqlite)', ok: ev.ok, detail: ev.detail },
            ...(stopping ? [{ name: 'lifecycle', ok: false, detail: 'shutting down' }] : []),
          ];
        },
        authenticate: async (req) => resolvePrincipal(await bearer(req)),
        auditor,
        onDenied: (principal, route, req) => void auditor.denied(principal, route, req),
        onElevatedUse: (principal, route, req) => auditor.elevatedUse(principal, route, req),
        rateLimiter,
        spiffeIds: config.server.tls.spiffeIds,
        defaultBodyLimit: 1024 * 1024,
        version: VERSION,
        routes: [
          ...identityRoutes(identity),
          ...accessRoutes(access),
          ...auditRoutes(audit),
          ...secretRoutes(secretStore),
          ...siem.routes,
          ...alertRoutes({ store: alerts, clock }),
          ...triageRoutes(triage),
          ...measureRoutes({ triage: triageStore, clock }),
          ...slaRoutes({ sla: slaStore, triage, clock }),
          ...groupingRoutes(grouping),
          ...caseRoutes(cases),
          ...playbookRoutes(playbookService),
          ...detectionRoutes({ service: detections }),
        ],
        fallbackRoutes: siem.elasticsearchRoutes({
          installationId: secrets.installationId,
          reservedPaths: PLATFORM_PATHS,
          publishAddress: () => publishAddress,
        }),
      });
      http = api;
      server = createHttpServer(config, api);
      const listening = server;
      await new Promise<void>((resolveListen, rejectListen) => {
        listening.once('error', rejectListen);
        listening.listen(
          { port: config.server.port, host: config.server.host, backlog: config.server.backlog },
          () => {
            listening.off('error', rejectListen);
            resolveListen();
          },
        );
      });
      const address = listening.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      publishAddress = `${host}:${String(address.port)}`;

      let syslogAddresses: StartedApp['syslog'];
      if (config.syslog.tcp !== '' || config.syslog.udp !== '') {
        syslog = await siem.createSyslog({
          ...(config.syslog.tcp !== '' ? { tcp: splitAddress(config.syslog.tcp) } : {}),
          ...(config.syslog.udp !== '' ? { udp: splitAddress(config.syslog.udp) } : {}),
          sourceName: config.syslog.source,
          maxMessageBytes: config.syslog.maxMessageBytes,
          idleTimeoutMs: config.syslog.idleTimeoutMs,
        });
        syslogAddresses = await syslog.start();
      }

      await applyRetention();
      retention = setInterval(() => void applyRetention(), 3_600_000);
      retention.unref();
      upkeep = setInterval(() => void maintainIdentity(), 60_000);
      upkeep.unref();
      checkpoints = setInterval(
        () => void signCheckpoint(),
        config.audit.checkpointIntervalSeconds * 1000,
      );
      checkpoints.unref();
      auditShipper?.start();
      await refreshMeasures();
      measuresTimer = setInterval(() => void refreshMeasures(), 60_000);
      measuresTimer.unref();
      slaMonitor.start(15_000);
      publicUrl ??= `${config.server.tls.certFile === '' ? 'http' : 'https'}://${publishAddress}`;
      if (config.playbooks.workers) {
        playbooks.startWorkers();
        // Runs a previous process left mid-way carry on: their queued steps are enqueued again
        // (a job already queued keeps its id, so nothing runs twice).
        const recovered = await playbooks.recover();
        if (recovered > 0) logger.info({ runs: recovered }, 'playbook runs resumed');
      }
      await playbookUpkeep();
      scheduler = setInterval(() => void playbookUpkeep(), 30_000);
      scheduler.unref();
      const url = `${config.server.tls.certFile === '' ? 'http' : 'https'}://${publishAddress}`;
      logger.info(
        { url, syslog: syslogAddresses, dataDir, database: relational.dialect },
        'claytom-secops started',
      );
      return { url, ...(syslogAddresses ? { syslog: syslogAddresses } : {}) };
    },

    stop(reason = 'stop requested') {
      stopping ??= (async () => {
        logger.info({ reason }, 'shutting down: no new work accepted, draining');
        if (retention) clearInterval(retention);
        if (upkeep) clearInterval(upkeep);
        if (checkpoints) clearInterval(checkpoints);
        if (measuresTimer) clearInterval(measuresTimer);
        if (scheduler) clearInterval(scheduler);
        await slaMonitor.stop();
        const grace = config.server.shutdownGraceMs;
        const closed = server ? closeServer(server, grace) : Promise.resolve();
        await Promise.all([closed, syslog?.stop({ drainMs: grace })]);
        // Records of the requests just drained reach the event stream before it closes.
        await auditShipper?.stop();
        await auditShipper?.ship().catch((err: unknown) => {
          logger.warn({ err }, 'audit records not shipped at shutdown; shipped at next start');
        });
        await siem.pipeline.drain();
        await streaming?.stop();
        // Steps in flight finish (or are left to the next start) before the stores close.
        await playbooks.close();
        await queue.close();
        await signCheckpoint();
        await events.close();
        await rateLimitStore.close();
        await relational.close();
        logger.info('shutdown complete');
      })();
      return stopping;
    },
  };
  return app;
}

/**
 * The detection rules: the starter pack (unless `detections.starterPack` is false), then the
 * configured directories, with their stored switches. A configured directory that cannot be read
 * stops the start naming the setting, as an unreadable TLS file does.
 */
async function openDetections(
  config: Config,
  relational: RelationalStore,
  clock: Clock,
  logger: Logger,
): Promise<DetectionService> {
  const { ruleDirs, starterPack, placeholders } = config.detections;
  try {
    return await createDetectionService({
      ruleDirs: [...(starterPack ? [STARTER_PACK] : []), ...ruleDirs],
      mappings: loadMappings(),
      placeholders: toPlaceholders(placeholders),
      relational,
      clock,
      logger,
    });
  } catch (cause) {
    if (!(cause instanceof DetectionError)) throw cause;
    const key =
      cause.code === 'DETECTION_RELOAD_FAILED'
        ? 'detections.ruleDirs'
        : cause.code === 'DETECTION_INVALID_REQUEST'
          ? 'detections.placeholders'
          : undefined;
    if (key === undefined) throw cause;
    throw new PlatformError(
      'CONFIG_INVALID',
      `invalid configuration:\n  - ${key}: ${cause.message}`,
      {
        cause,
        issues: [{ path: key, message: cause.message }],
      },
    );
  }
}

/** The step queues: BullMQ on Redis, or the embedded jobs table (`playbooks.queue`). */
function createStepQueue(config: Config, relational: RelationalStore, logger: Logger): JobQueue {
  const kind =
    config.playbooks.queue === 'auto'
      ? config.redis.url === undefined
        ? 'embedded'
        : 'bullmq'
      : config.playbooks.queue;
  const onError = (err: unknown): void => {
    logger.error({ err }, 'playbook step queue');
  };
  if (kind === 'embedded') return createRelationalJobQueue({ store: relational, onError });
  if (config.redis.url === undefined)
    throw new PlatformError(
      'CONFIG_INVALID',
      'invalid configuration:\n  - playbooks.queue: bullmq needs redis.url (REDIS_URL)',
      { issues: [{ path: 'playbooks.queue', message: 'bullmq needs redis.url (REDIS_URL)' }] },
    );
  return createBullmqJobQueue({ url: config.redis.url, prefix: 'secops', onError });
}

/** The enrichment lists and threat-intel files; one that cannot be read stops the start. */
function openThreatIntel(config: Config): ThreatIntel {
  try {
    return loadThreatIntel(config.playbooks.intelFiles);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new PlatformError(
      'CONFIG_INVALID',
      `invalid configuration:\n  - playbooks.intelFiles: ${message}`,
      { cause, issues: [{ path: 'playbooks.intelFiles', message }] },
    );
  }
}

/** Single sign-on settings, when an OIDC issuer is configured. */
function oidcConfig(config: Config): OidcConfig | undefined {
  const o = config.auth.oidc;
  if (
    o.issuer === undefined ||
    o.clientId === undefined ||
    o.clientSecret === undefined ||
    o.redirectUri === undefined
  )
    return undefined;
  return {
    issuer: o.issuer,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    redirectUri: o.redirectUri,
    tenantId: o.tenant,
    autoProvision: o.autoProvision,
    defaultRoles: o.defaultRoles,
    ...(o.groupsClaim !== undefined ? { groupsClaim: o.groupsClaim } : {}),
    allowInsecureLoopback: true,
  };
}

/** HashiCorp Vault KV v2 when `VAULT_ADDR` is set, else the embedded envelope-encrypted store. */
function createSecretStore(
  config: Config,
  relational: RelationalStore,
  keys: PlatformKeys,
  clock: Clock,
): SecretStore {
  const vault = config.vault;
  if (vault.addr === undefined)
    return createEmbeddedSecretStore({ store: relational, keyring: keys.secretsKeyring(), clock });
  return createVaultSecretStore({
    address: vault.addr,
    auth:
      vault.token !== undefined
        ? { method: 'token', token: vault.token }
        : { method: 'approle', roleId: vault.roleId ?? '', secretId: vault.secretId ?? '' },
    mount: vault.mount,
    ...(vault.prefix !== undefined ? { prefix: vault.prefix } : {}),
  });
}

/**
 * HTTP, or HTTPS with TLS 1.3 only when a certificate is configured; with `clientCertificates:
 * require`, clients must present a certificate that chains to the configured CA (mTLS).
 */
function createHttpServer(config: Config, handler: Express): Server {
  const timeouts = {
    keepAliveTimeout: config.server.keepAliveTimeoutMs,
    headersTimeout: config.server.headersTimeoutMs,
    requestTimeout: config.server.requestTimeoutMs,
  };
  const tls = config.server.tls;
  if (tls.certFile === '') return createPlainServer(timeouts, handler);
  const mutual = tls.clientCertificates === 'require';
  return createTlsServer(
    {
      ...timeouts,
      cert: readSetting('server.tls.certFile', tls.certFile),
      key: readSetting('server.tls.keyFile', tls.keyFile),
      ...(tls.caFile !== '' ? { ca: readSetting('server.tls.caFile', tls.caFile) } : {}),
      minVersion: 'TLSv1.3',
      requestCert: mutual,
      rejectUnauthorized: mutual,
    },
    handler,
  );
}

/** Reads a file a setting names; a missing or unreadable one stops the start naming the key. */
function readSetting(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new PlatformError(
      'CONFIG_INVALID',
      `invalid configuration:\n  - ${key}: cannot read ${path}`,
      { cause, issues: [{ path: key, message: `cannot read ${path}` }] },
    );
  }
}

function splitAddress(value: string): { host: string; port: number } {
  const i = value.lastIndexOf(':');
  return { host: value.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(value.slice(i + 1)) };
}

/**
 * Stops accepting connections, lets in-flight requests finish (their ingest commits and gets
 * acknowledged), closes idle keep-alive connections, and after the grace period closes the rest.
 */
async function closeServer(server: Server, graceMs: number): Promise<void> {
  const done = new Promise<void>((r) => server.close(() => r()));
  server.closeIdleConnections();
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await done;
  clearInterval(idle);
  clearTimeout(timer);
}
