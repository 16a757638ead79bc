import type { AnyRoute } from '../platform/http/index.ts';
import type { Clock } from '../platform/clock/index.ts';
import type { IdGenerator } from '../platform/ids/index.ts';
import { DEFAULT_TENANT } from '../platform/identity/index.ts';
import type { Logger } from '../platform/logging/index.ts';
import type { Metrics } from '../platform/metrics/index.ts';
import type { SecretScanner } from '../platform/redaction/index.ts';
import type { RelationalStore } from '../platform/storage/index.ts';
import { SiemError } from './errors.ts';
import type { EventStore } from './events/event-store.ts';
import { elasticsearchRoutes } from './http/elasticsearch/es-routes.ts';
import { ingestRoutes } from './http/ingest-routes.ts';
import { searchRoutes } from './http/search-routes.ts';
import { createIngestBudget } from './ingest/ingest-budget.ts';
import type { IngestBudget } from './ingest/ingest-budget.ts';
import { createIngestPipeline } from './ingest/ingest-pipeline.ts';
import type { IngestHook, IngestPipeline } from './ingest/ingest-pipeline.ts';
import { createSyslogServer } from './inputs/syslog/index.ts';
import type { SyslogMessage, SyslogServer } from './inputs/syslog/index.ts';
import { createSourceRegistry } from './sources/source-registry.ts';
import type { SourceRegistry } from './sources/source-registry.ts';

export interface SiemDeps {
  readonly relational: RelationalStore;
  readonly events: EventStore;
  readonly scanner: SecretScanner;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly ingest: {
    readonly maxBodyBytes: number;
    readonly maxEventBytes: number;
    readonly maxInFlightBytes: number;
    readonly retryAfterSeconds: number;
  };
  readonly hooks?: readonly IngestHook[];
}

export interface SyslogListenOptions {
  readonly tcp?: { readonly host: string; readonly port: number };
  readonly udp?: { readonly host: string; readonly port: number };
  readonly sourceName: string;
  /** Tenant of the source (and so of every message); the default tenant unless named. */
  readonly tenantId?: string;
  readonly maxMessageBytes: number;
  readonly idleTimeoutMs: number;
}

export interface Siem {
  readonly pipeline: IngestPipeline;
  readonly budget: IngestBudget;
  readonly sources: SourceRegistry;
  readonly events: EventStore;
  /** `POST /ingest` (ingest source tokens) and `/events/*` (`events:read`). */
  readonly routes: readonly AnyRoute[];
  /** The Elasticsearch-compatible API; mount it after every other route (it takes broad paths). */
  elasticsearchRoutes(options: {
    installationId: string;
    reservedPaths: ReadonlySet<string>;
    publishAddress: () => string;
  }): AnyRoute[];
  /** A syslog listener feeding the pipeline, attributed to the named source and its tenant. */
  createSyslog(options: SyslogListenOptions): Promise<SyslogServer>;
}

/** Assembles the SIEM from its ports: ingest pipeline, sources, HTTP routers and inputs. */
export function createSiem(deps: SiemDeps): Siem {
  const budgetGauge = deps.metrics.gauge(
    'ingest_in_flight_bytes',
    'Bytes of ingest requests being processed',
  );
  const budget = createIngestBudget(deps.ingest.maxInFlightBytes, (n) => budgetGauge.set(n));
  const pipeline = createIngestPipeline({
    store: deps.events,
    scanner: deps.scanner,
    clock: deps.clock,
    ids: deps.ids,
    metrics: deps.metrics,
    logger: deps.logger,
    maxEventBytes: deps.ingest.maxEventBytes,
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
  });
  const sources = createSourceRegistry({
    store: deps.relational,
    clock: deps.clock,
    ids: deps.ids,
  });
  const http = {
    pipeline,
    budget,
    sources,
    maxBodyBytes: deps.ingest.maxBodyBytes,
    maxEventBytes: deps.ingest.maxEventBytes,
    retryAfterSeconds: deps.ingest.retryAfterSeconds,
  };

  return {
    pipeline,
    budget,
    sources,
    events: deps.events,
    routes: [...ingestRoutes(http), ...searchRoutes({ store: deps.events, clock: deps.clock })],
    elasticsearchRoutes: (options) => elasticsearchRoutes({ ...http, ...options }),
    async createSyslog(options) {
      const tenantId = options.tenantId ?? DEFAULT_TENANT;
      const source = await sources.byName(options.sourceName, tenantId);
      if (!source)
        throw new SiemError(
          'SIEM_SOURCE_NOT_FOUND',
          `syslog source ${options.sourceName} does not exist in tenant ${tenantId}; create it with: secops sources add ${options.sourceName} --tenant ${tenantId}`,
        );
      const messages = deps.metrics.counter('syslog_events_total', 'Syslog input counters', [
        'counter',
      ]);
      return createSyslogServer({
        ...(options.tcp ? { tcp: options.tcp } : {}),
        ...(options.udp ? { udp: options.udp } : {}),
        maxMessageBytes: options.maxMessageBytes,
        idleTimeoutMs: options.idleTimeoutMs,
        clock: deps.clock,
        logger: deps.logger,
        onMetric: (name, delta) => {
          messages.inc({ counter: name }, delta);
        },
        sink: {
          // A batch is stored whole or not at all, so the input's retries never duplicate.
          async submit(batch: readonly SyslogMessage[]) {
            const bytes = batch.reduce((n, m) => n + m.text.length, 0);
            if (!budget.tryAcquire(bytes))
              throw new SiemError('SIEM_OVERLOADED', 'ingest is at capacity');
            try {
              const results = await pipeline.ingest(
                batch.map((m) => ({
                  record: { kind: 'text', text: m.text },
                  raw: m.text,
                  receivedAt: m.receivedAt,
                  peer: m.peer,
                })),
                { source, idStrategy: 'random' },
              );
              const failed = results.find((r) => r.status === 'overloaded');
              if (failed)
                throw new SiemError(
                  failed.error?.code ?? 'SIEM_OVERLOADED',
                  failed.error?.message ?? 'not stored',
                );
            } finally {
              budget.release(bytes);
            }
          },
        },
      });
    },
  };
}
