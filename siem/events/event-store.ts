import type { EcsDocument } from '../parsers/parser.ts';
import type { KqlNode } from '../search/kql/index.ts';

/**
 * An event ready to store: normalised, redacted, with its id decided. `json` is the document
 * serialised once by the pipeline, so the store does not serialise it again.
 */
export interface PreparedEvent {
  /**
   * The tenant the event belongs to: always its ingest source's, never a field of the event.
   * Ids are unique per tenant: the same id in two tenants is two events.
   */
  readonly tenantId: string;
  /** `event.id`: the sender's, or one derived from the content (stable across re-sends). */
  readonly id: string;
  /** `@timestamp` in epoch milliseconds. */
  readonly timestamp: number;
  readonly doc: EcsDocument;
  readonly json: string;
  /**
   * True when the event had no time of its own and was stamped on receipt. A re-send of such an
   * event gets a new timestamp, so stores deduplicate it by id alone within their retention unit
   * (a day partition here, a backing index in Elasticsearch).
   */
  readonly stampedOnReceipt?: boolean;
}

export interface StoredEvent {
  readonly tenantId: string;
  readonly id: string;
  readonly timestamp: number;
  readonly doc: EcsDocument;
}

/** `created`, or `duplicate` when an event with the same id and timestamp is already stored. */
export type AppendStatus = 'created' | 'duplicate';

/** Which events a read covers: a query and a half-open time range `[from, to)` in epoch ms. */
export interface EventFilter {
  readonly query: KqlNode;
  readonly from?: number;
  readonly to?: number;
}

export interface EventSearchRequest extends EventFilter {
  readonly size: number;
  /** By `@timestamp`, newest first by default; ties keep arrival order. */
  readonly sort?: 'desc' | 'asc';
  /** Opaque cursor from the previous page (search-after semantics: stable under new writes). */
  readonly cursor?: string;
  /** Count hits exactly up to this many, then report `gte` (like Elasticsearch's track_total_hits). */
  readonly trackTotalHits?: number;
}

export interface HitCount {
  readonly value: number;
  readonly relation: 'eq' | 'gte';
}

export interface EventSearchResult {
  readonly hits: StoredEvent[];
  readonly total: HitCount;
  /** Present when more hits follow. */
  readonly nextCursor?: string;
}

export interface TermsRequest extends EventFilter {
  readonly field: string;
  readonly size: number;
}

export interface TermsBucket {
  readonly key: string | number | boolean;
  readonly count: number;
}

export interface TermsResult {
  readonly buckets: TermsBucket[];
  /** Events counted in values beyond the top `size`. */
  readonly otherCount: number;
  /** Matching events without the field. */
  readonly missingCount: number;
}

export interface DateHistogramRequest extends EventFilter {
  /** Fixed bucket width in milliseconds; buckets align to the Unix epoch (UTC). */
  readonly intervalMs: number;
}

export interface DateHistogramBucket {
  /** Bucket start, epoch ms. */
  readonly start: number;
  readonly count: number;
}

export interface RetentionResult {
  readonly deletedEvents: number;
  readonly deletedPartitions: readonly string[];
}

/**
 * A record committed in the same transaction as a batch of events: a transactional outbox, so
 * what a batch raised (its alerts) is durable exactly when its events are. The store keeps it
 * until its consumer acknowledges it.
 */
export interface OutboxRecord {
  /** Who reads it back (`alerts`). */
  readonly topic: string;
  /** Unique within its topic: a record appended again while still held is stored once. */
  readonly key: string;
  readonly payload: string;
}

/** An outbox record as read back: `seq` orders records of a topic by commit. */
export interface OutboxEntry extends OutboxRecord {
  readonly seq: number;
}

export interface EventStoreHealth {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * The event store port. Adapters: embedded SQLite (+FTS5) and, at scale, Elasticsearch data
 * streams. `append` resolves only once the batch is durable; re-sent events (same tenant, id and
 * timestamp) are reported as duplicates and not stored twice.
 *
 * Tenancy by construction: every read takes the tenant as its first argument and sees only that
 * tenant's events (an event of another tenant is as absent as one never stored). Adapters filter
 * on the stored tenant in the query itself, never after the fact. Only the system's own
 * maintenance (`deleteBefore`) spans tenants.
 */
export interface EventStore {
  /**
   * Stores a batch, and `outbox` records with it in the same transaction (also when the batch is
   * empty). Resolves with each event's status once both are durable.
   */
  append(
    events: readonly PreparedEvent[],
    outbox?: readonly OutboxRecord[],
  ): Promise<AppendStatus[]>;
  /** The topic's records not yet acknowledged, oldest commit first (at most `limit`). */
  readOutbox(topic: string, limit: number): Promise<OutboxEntry[]>;
  /** Forgets records of the topic its consumer has applied; unknown seqs are ignored. */
  ackOutbox(topic: string, seqs: readonly number[]): Promise<void>;
  /** The tenant's event with this id; `timestamp` narrows the lookup when known. */
  get(tenantId: string, id: string, timestamp?: number): Promise<StoredEvent | undefined>;
  search(tenantId: string, request: EventSearchRequest): Promise<EventSearchResult>;
  count(tenantId: string, filter: EventFilter): Promise<number>;
  terms(tenantId: string, request: TermsRequest): Promise<TermsResult>;
  dateHistogram(tenantId: string, request: DateHistogramRequest): Promise<DateHistogramBucket[]>;
  /**
   * Deletes events older than `cutoff` (epoch ms) in every tenant (retention is a system job);
   * adapters may round to whole partitions.
   */
  deleteBefore(cutoff: number): Promise<RetentionResult>;
  health(): Promise<EventStoreHealth>;
  close(): Promise<void>;
}
