import type { AuditLog, AuditRecord } from '../../../platform/audit/index.ts';
import type { Clock } from '../../../platform/clock/index.ts';
import type { Logger } from '../../../platform/logging/index.ts';
import type { Metrics } from '../../../platform/metrics/index.ts';
import { sql } from '../../../platform/storage/index.ts';
import type { SqlExecutor } from '../../../platform/storage/index.ts';
import type { IngestItem, IngestPipeline, IngestSource } from '../../ingest/ingest-pipeline.ts';
import type { JsonObject } from '../../parsers/parser.ts';

/**
 * Ships the platform's own audit log into the event stream, so detection rules see what people
 * and agents do on the platform (`product: claytom, service: audit`): a pull input that reads
 * records after its saved position, ingests them through the pipeline (detection included) as
 * events of the record's tenant, and saves the position once they are stored.
 *
 * Nothing is lost and nothing is counted twice: the position moves only after the pipeline has
 * stored a page, and each event's id is derived from the record's seq, so a page ingested again
 * after a crash is `duplicate` for every event already stored. Audit records commit in seq order
 * (the head row serialises appends), so a reader behind `seq` never misses a later commit.
 */
export interface AuditShipper {
  /**
   * Ships every record appended so far; resolves with the number shipped. Calls while a run is
   * in progress join it and make it go round once more.
   */
  ship(): Promise<number>;
  /** Ships every `intervalMs` until `stop`. */
  start(): void;
  /** Stops the timer and waits for the run in progress. */
  stop(): Promise<void>;
  /** Seq of the last record shipped. */
  position(): Promise<number>;
}

export interface AuditShipperDeps {
  readonly audit: Pick<AuditLog, 'list'>;
  readonly pipeline: Pick<IngestPipeline, 'ingest'>;
  readonly relational: SqlExecutor;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Records per page (one ingest per tenant per page). */
  readonly pageSize?: number;
  readonly intervalMs?: number;
}

/** The input's row in `siem_input_positions`. */
export const AUDIT_INPUT = 'platform-audit';
export const AUDIT_DATASET = 'claytom.audit';
const SOURCE_ID = 'platform-audit';

export function createAuditShipper(deps: AuditShipperDeps): AuditShipper {
  const pageSize = deps.pageSize ?? 500;
  const intervalMs = deps.intervalMs ?? 1000;
  const shipped = deps.metrics.counter(
    'audit_events_shipped_total',
    'Audit records stored in the event stream',
    ['status'],
  );
  const failures = deps.metrics.counter(
    'audit_shipping_failures_total',
    'Runs of the audit shipper that stopped on an error (retried on the next run)',
  );
  let requested = 0;
  let running: Promise<number> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const position = async (): Promise<number> => {
    const row = await deps.relational.queryOne<{ position: number | string }>(
      sql`SELECT position FROM siem_input_positions WHERE input = ${AUDIT_INPUT}`,
    );
    return row === undefined ? 0 : Number(row.position);
  };

  const savePosition = async (seq: number): Promise<void> => {
    const now = deps.clock.now();
    await deps.relational.execute(
      sql`INSERT INTO siem_input_positions (input, position, updated_at)
          VALUES (${AUDIT_INPUT}, ${seq}, ${now})
          ON CONFLICT (input) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
    );
  };

  /** Ships one page; returns how many records it held (0: caught up). */
  const shipPage = async (after: number): Promise<{ count: number; last: number }> => {
    const { records } = await deps.audit.list({ afterSeq: after, limit: pageSize, order: 'asc' });
    if (records.length === 0) return { count: 0, last: after };
    const byTenant = new Map<string, AuditRecord[]>();
    for (const record of records) {
      const list = byTenant.get(record.tenantId);
      if (list) list.push(record);
      else byTenant.set(record.tenantId, [record]);
    }
    for (const [tenantId, tenantRecords] of byTenant) {
      const source: IngestSource = {
        id: SOURCE_ID,
        name: 'platform audit log',
        tenantId,
        parser: 'ecs',
      };
      const items: IngestItem[] = tenantRecords.map((record) => ({
        record: { kind: 'json', value: auditEvent(record) },
        id: auditEventId(record.seq),
        parser: 'ecs',
      }));
      const results = await deps.pipeline.ingest(items, { source, idStrategy: 'content' });
      for (const [index, result] of results.entries()) {
        shipped.inc({ status: result.status });
        if (result.status === 'overloaded')
          throw new Error('the ingest pipeline is overloaded; the page is shipped again later');
        if (result.status === 'rejected') {
          // The record itself stays in the audit log; only its copy in the event stream is missing.
          deps.logger.error(
            {
              seq: tenantRecords[index]?.seq,
              code: result.error?.code,
              reason: result.error?.message,
            },
            'an audit record was refused by the ingest pipeline; it is not in the event stream',
          );
        }
      }
    }
    const last = records.at(-1)?.seq ?? after;
    await savePosition(last);
    return { count: records.length, last };
  };

  const run = async (): Promise<number> => {
    let total = 0;
    let done = 0;
    while (done < requested) {
      const target = requested;
      let after = await position();
      for (;;) {
        const page = await shipPage(after);
        total += page.count;
        after = page.last;
        if (page.count < pageSize) break;
      }
      done = target;
    }
    return total;
  };

  const ship = (): Promise<number> => {
    requested++;
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  };

  const shipQuietly = (): void => {
    ship().catch((err: unknown) => {
      failures.inc();
      deps.logger.warn({ err }, 'shipping audit records to the event stream failed; retrying');
    });
  };

  return {
    ship,
    position,
    start() {
      if (timer) return;
      timer = setInterval(shipQuietly, intervalMs);
      timer.unref();
      shipQuietly();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}

/** Event id of a record's copy: stable, so a page shipped again is stored once. */
export function auditEventId(seq: number): string {
  return `claytom-audit-${String(seq)}`;
}

/**
 * The event for an audit record: the record's document as signed (its own field names, which the
 * `claytom/audit` rules use), `@timestamp` from its time and ECS `event.*` naming the stream. The
 * hashes stay in the audit log, which is what an auditor verifies; `sensitive` holds HMACs only.
 */
export function auditEvent(record: AuditRecord): JsonObject {
  const { leafHash: _leaf, chainHash: _chain, ...document } = record;
  return {
    // JSON by construction: the log reads each record back from its canonical JSON.
    ...(document as unknown as JsonObject),
    '@timestamp': record.time,
    event: {
      kind: 'event',
      module: 'claytom',
      dataset: AUDIT_DATASET,
      action: record.action,
      // ECS outcomes are success, failure and unknown: a refusal is a failure.
      outcome: record.outcome === 'success' ? 'success' : 'failure',
      sequence: record.seq,
    },
  };
}
