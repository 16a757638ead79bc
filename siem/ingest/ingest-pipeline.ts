import type { Clock } from '../../platform/clock/index.ts';
import type { IdGenerator } from '../../platform/ids/index.ts';
import type { Logger } from '../../platform/logging/index.ts';
import type { Metrics } from '../../platform/metrics/index.ts';
import type { SecretScanner } from '../../platform/redaction/index.ts';
import { isSecOpsError } from '../../platform/errors/index.ts';
import type { SiemErrorCode } from '../errors.ts';
import type {
  AppendStatus,
  EventStore,
  OutboxRecord,
  PreparedEvent,
} from '../events/event-store.ts';
import { parseRecord } from '../parsers/index.ts';
import type { ParserId, RawRecord } from '../parsers/index.ts';
import { redactEvent } from '../redaction/index.ts';
import { contentId, normalizeEvent, rawTextOf } from './normalize.ts';

/**
 * Where a batch came from: the ingest source its token belongs to. Its tenant is the tenant of
 * every event of the batch, whatever the events say.
 */
export interface IngestSource {
  readonly id: string;
  readonly name: string;
  readonly tenantId: string;
  /** Parser for records that do not name one; `auto` picks by shape. */
  readonly parser: ParserId;
}

export interface ItemError {
  readonly code: SiemErrorCode;
  readonly message: string;
}

/** One record to ingest, or one already refused while decoding (malformed JSON, too long). */
export interface IngestItem {
  readonly record?: RawRecord;
  /** Exact bytes of the record as received, for content ids; defaults to its JSON text. */
  readonly raw?: string;
  /** Id the sender chose (Elasticsearch bulk `_id`). */
  readonly id?: string;
  readonly parser?: ParserId;
  readonly error?: ItemError;
  /** Per-item receive time and peer (syslog batches mix peers); default to the batch's. */
  readonly receivedAt?: number;
  readonly peer?: IngestOptions['peer'];
}

/**
 * - `created`: stored. `duplicate`: already stored (re-sent), nothing written.
 * - `rejected`: bad input, never retried. `overloaded`: not stored now, retry later.
 */
export type ItemStatus = 'created' | 'duplicate' | 'rejected' | 'overloaded';

export interface ItemResult {
  readonly status: ItemStatus;
  /** Ids of the events this item produced (a CloudTrail file yields one per record). */
  readonly ids: readonly string[];
  readonly error?: ItemError;
}

export interface IngestOptions {
  readonly source: IngestSource;
  /** `content`: ids derived from content, so re-sends are stored once. `random`: never dedup. */
  readonly idStrategy: 'content' | 'random';
  readonly receivedAt?: number;
  readonly peer?: {
    readonly address: string;
    readonly port?: number;
    readonly transport?: 'tcp' | 'udp';
  };
}

/** What a hook adds to its batch. */
export interface HookResult {
  /** Records committed in the same transaction as the batch's events (its alerts). */
  readonly outbox?: readonly OutboxRecord[];
  /** Called once the batch and its records are durable, with each event's status. */
  readonly committed?: (statuses: readonly AppendStatus[]) => void;
}

/**
 * Runs on every batch after normalisation and redaction and before it is stored (the
 * composition root attaches detections here). A hook that throws fails the batch: nothing is
 * acknowledged that the hooks did not see, and what they return is committed with the events.
 */
export interface IngestHook {
  readonly name: string;
  onEvents(
    events: readonly PreparedEvent[],
    source: IngestSource,
  ): HookResult | undefined | Promise<HookResult | undefined>;
}

export interface IngestPipeline {
  ingest(items: readonly IngestItem[], options: IngestOptions): Promise<ItemResult[]>;
  /** Resolves once every batch accepted so far is stored (for graceful shutdown). */
  drain(): Promise<void>;
  readonly pendingEvents: () => number;
}

export interface IngestPipelineDeps {
  readonly store: EventStore;
  readonly scanner: SecretScanner;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly maxEventBytes: number;
  /** Events handed to the store but not yet committed; beyond it items are `overloaded`. */
  readonly maxPendingEvents?: number;
  readonly hooks?: readonly IngestHook[];
}

export function createIngestPipeline(deps: IngestPipelineDeps): IngestPipeline {
  const maxPending = deps.maxPendingEvents ?? 200_000;
  const hooks = deps.hooks ?? [];
  const itemsTotal = deps.metrics.counter('ingest_items_total', 'Ingest items by outcome', [
    'source',
    'status',
  ]);
  const rejectedTotal = deps.metrics.counter(
    'ingest_rejected_total',
    'Ingest items rejected, by reason',
    ['source', 'reason'],
  );
  const redactedTotal = deps.metrics.counter(
    'ingest_redactions_total',
    'Secrets masked before storage, by rule',
    ['rule'],
  );
  const batchSeconds = deps.metrics.histogram(
    'ingest_batch_seconds',
    'Time from a batch entering the pipeline to its acknowledgement',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  let pending = 0;
  const inFlight = new Set<Promise<unknown>>();

  const ingest = async (
    items: readonly IngestItem[],
    options: IngestOptions,
  ): Promise<ItemResult[]> => {
    const started = performance.now();
    const receivedAt = options.receivedAt ?? deps.clock.now();
    const results: ItemResult[] = new Array<ItemResult>(items.length);
    const prepared: PreparedEvent[] = [];
    // For each prepared event, the item it came from.
    const owners: number[] = [];

    items.forEach((item, index) => {
      if (item.error) {
        results[index] = { status: 'rejected', ids: [], error: item.error };
        return;
      }
      if (!item.record) {
        results[index] = {
          status: 'rejected',
          ids: [],
          error: { code: 'SIEM_INVALID_EVENT', message: 'empty item' },
        };
        return;
      }
      const outcome = prepareItem(item, item.record, options, item.receivedAt ?? receivedAt);
      if ('error' in outcome) {
        results[index] = { status: 'rejected', ids: [], error: outcome.error };
        return;
      }
      for (const event of outcome.events) {
        prepared.push(event);
        owners.push(index);
      }
    });

    if (prepared.length > 0) {
      if (pending + prepared.length > maxPending && pending > 0) {
        markOwners(results, owners, prepared, 'overloaded', {
          code: 'SIEM_OVERLOADED',
          message: 'the event store is behind; retry later',
        });
      } else {
        pending += prepared.length;
        const work = (async () => {
          const outbox: OutboxRecord[] = [];
          const committed: NonNullable<HookResult['committed']>[] = [];
          for (const hook of hooks) {
            const added = await hook.onEvents(prepared, options.source);
            if (added?.outbox) for (const record of added.outbox) outbox.push(record);
            if (added?.committed) committed.push(added.committed);
          }
          const statuses = await deps.store.append(prepared, outbox);
          // Stored and durable: a hook failing now must not turn the batch into a failure.
          for (const notify of committed) {
            try {
              notify(statuses);
            } catch (err) {
              deps.logger.error({ err }, 'ingest hook failed after the batch was stored');
            }
          }
          return statuses;
        })();
        inFlight.add(work);
        try {
          const statuses = await work;
          statuses.forEach((status, i) => {
            const owner = owners[i] ?? 0;
            const current = results[owner];
            const id = prepared[i]?.id ?? '';
            // An item is `created` if any of its events was new, `duplicate` if all were known.
            if (current === undefined) results[owner] = { status, ids: [id] };
            else
              results[owner] = {
                status:
                  current.status === 'created' || status === 'created' ? 'created' : 'duplicate',
                ids: [...current.ids, id],
              };
          });
        } catch (err) {
          const error =
            isSecOpsError(err) && err.code.startsWith('SIEM_')
              ? { code: err.code as SiemErrorCode, message: err.message }
              : {
                  code: 'SIEM_STORE_UNAVAILABLE' as const,
                  message: 'the event store failed; retry later',
                };
          deps.logger.error(
            { err, source: options.source.name, events: prepared.length },
            'ingest batch not stored',
          );
          markOwners(results, owners, prepared, 'overloaded', error);
        } finally {
          pending -= prepared.length;
          inFlight.delete(work);
        }
      }
    }

    // Tallied per batch: a labelled counter update per item would cost more than the item.
    const tally = new Map<string, number>();
    for (const result of results) {
      const key =
        result.status === 'rejected'
          ? `rejected:${result.error?.code ?? 'unknown'}`
          : result.status;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    for (const [key, n] of tally) {
      const [status = key, reason] = key.split(':');
      itemsTotal.inc({ source: options.source.name, status }, n);
      if (reason !== undefined) rejectedTotal.inc({ source: options.source.name, reason }, n);
    }
    batchSeconds.observe((performance.now() - started) / 1000);
    return results;
  };

  const prepareItem = (
    item: IngestItem,
    record: RawRecord,
    options: IngestOptions,
    receivedAt: number,
  ): { events: PreparedEvent[] } | { error: ItemError } => {
    const parsed = parseRecord(record, item.parser ?? options.source.parser, {
      receivedAt,
      defaultYear: new Date(receivedAt).getUTCFullYear(),
      ...((item.peer ?? options.peer) ? { peer: item.peer ?? options.peer } : {}),
    });
    if (!parsed.ok) {
      return {
        error: {
          code: 'SIEM_PARSE_FAILED',
          message: `${parsed.error.parser}: ${parsed.error.path ? `${parsed.error.path}: ` : ''}${parsed.error.message}`,
        },
      };
    }
    const raw = item.raw ?? (record.kind === 'text' ? record.text : rawTextOf(record.value));
    const events: PreparedEvent[] = [];
    for (const [index, doc] of parsed.events.entries()) {
      const fallbackId = (): string =>
        item.id !== undefined && parsed.events.length === 1
          ? item.id
          : options.idStrategy === 'random'
            ? deps.ids.uuidv7()
            : contentId(options.source.id, raw, index);
      const normal = normalizeEvent(doc, { receivedAt, source: options.source, fallbackId });
      if (!normal.ok)
        return {
          error: { code: 'SIEM_INVALID_EVENT', message: `${normal.path}: ${normal.message}` },
        };
      for (const hit of redactEvent(doc, deps.scanner)) redactedTotal.inc({ rule: hit.rule });
      const json = JSON.stringify(doc);
      if (json.length > deps.maxEventBytes) {
        return {
          error: {
            code: 'SIEM_EVENT_TOO_LARGE',
            message: `event is ${String(json.length)} bytes; the limit is ${String(deps.maxEventBytes)}`,
          },
        };
      }
      // A parser stamps a record without a time of its own with the receive time.
      events.push({
        tenantId: options.source.tenantId,
        id: normal.id,
        timestamp: normal.timestamp,
        doc,
        json,
        ...(normal.timestamp === receivedAt ? { stampedOnReceipt: true } : {}),
      });
    }
    return { events };
  };

  return {
    ingest,
    drain: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    pendingEvents: () => pending,
  };
}

function markOwners(
  results: ItemResult[],
  owners: readonly number[],
  prepared: readonly PreparedEvent[],
  status: ItemStatus,
  error: ItemError,
): void {
  owners.forEach((owner, i) => {
    const current = results[owner];
    results[owner] = { status, ids: [...(current?.ids ?? []), prepared[i]?.id ?? ''], error };
  });
}
