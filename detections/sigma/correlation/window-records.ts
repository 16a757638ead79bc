/**
 * The events of one group's window, kept as compact records sorted by event time, with hard
 * bounds on how many records and event ids it holds.
 */

/** One event, or several folded together (same distinct value, same rule, or coalesced). */
export interface WindowRecord {
  /** Latest event time folded in: orders the records and decides when the record expires. */
  ts: number;
  /** Earliest event time folded in. */
  first: number;
  /** Index of the referenced rule in the correlation's `rules`. */
  rule: number;
  /** Number of events folded in. */
  count: number;
  /** Sum of the measured numeric values of those events (`value_*` types). */
  sum: number;
  /** Distinct-value key (`value_count`), else null. */
  key: string | null;
  /** Ids of the events folded in (the most recent ones), each with its time. */
  events: WindowEvent[];
}

export interface WindowEvent {
  readonly ts: number;
  readonly id: string;
}

/**
 * How records fold together, which keeps state bounded while staying exact:
 * `key`: one record per distinct value, at its latest time (`value_count`).
 * `rule`: one record per referenced rule, at its latest time (`temporal`).
 * `rule-run`: adjacent records of the same rule fold, at the latest time (`temporal_ordered`;
 * any in-order chain through the earlier one also runs through the later one).
 * `none`: one record per event (counts, sums, averages, percentiles).
 */
export type Compaction = 'none' | 'key' | 'rule' | 'rule-run';

export interface WindowLimits {
  readonly compaction: Compaction;
  /** Records kept; beyond it the oldest two coalesce (`none`) or the oldest is dropped. */
  readonly maxRecords: number;
  /** Event ids kept (the most recent ones). */
  readonly maxIds: number;
}

export interface NewRecord {
  readonly ts: number;
  /** Earliest event behind this one, when it stands for several (a chained correlation). */
  readonly first?: number;
  readonly rule: number;
  readonly value: number;
  readonly key: string | null;
  readonly ids: readonly string[];
}

export class WindowRecords {
  private readonly limits: WindowLimits;
  private records: WindowRecord[] = [];
  /** Record by compaction key (`key` and `rule` compaction). */
  private readonly index = new Map<string, WindowRecord>();
  private idCount = 0;

  constructor(limits: WindowLimits) {
    this.limits = limits;
  }

  get size(): number {
    return this.records.length;
  }

  get all(): readonly WindowRecord[] {
    return this.records;
  }

  add(entry: NewRecord): void {
    const record: WindowRecord = {
      ts: entry.ts,
      first: Math.min(entry.first ?? entry.ts, entry.ts),
      rule: entry.rule,
      count: 1,
      sum: entry.value,
      key: entry.key,
      events: (this.limits.maxIds > 0 ? entry.ids.slice(-this.limits.maxIds) : []).map((id) => ({
        ts: entry.ts,
        id,
      })),
    };
    this.idCount += record.events.length;
    const indexKey = this.indexKeyOf(record);
    const existing = indexKey === undefined ? undefined : this.index.get(indexKey);
    if (existing !== undefined && indexKey !== undefined) {
      this.remove(existing);
      const merged = fold(existing, record);
      this.insert(merged);
      this.index.set(indexKey, merged);
    } else if (!(this.limits.compaction === 'rule-run' && this.foldIntoNeighbour(record))) {
      this.insert(record);
      if (indexKey !== undefined) this.index.set(indexKey, record);
    }
    this.enforceLimits();
  }

  /**
   * Drops the records whose latest event is older than `cutoff`. A record standing for one value
   * or rule also forgets its own earlier events, so a match never reports an expired event.
   */
  pruneBefore(cutoff: number): void {
    let drop = 0;
    while (drop < this.records.length && (this.records[drop]?.ts ?? Infinity) < cutoff) drop += 1;
    for (const record of this.records.slice(0, drop)) this.forget(record);
    if (drop > 0) this.records = this.records.slice(drop);
    // Coalesced records (compaction none) keep their events: they count until the last expires.
    if (this.limits.compaction === 'none') return;
    for (const record of this.records) {
      if (record.first >= cutoff) continue;
      const kept = record.events.filter((event) => event.ts >= cutoff);
      this.idCount -= record.events.length - kept.length;
      record.events = kept;
      record.first = kept.reduce((min, event) => Math.min(min, event.ts), record.ts);
    }
  }

  clear(): void {
    this.records = [];
    this.index.clear();
    this.idCount = 0;
  }

  /** The kept event ids, oldest first. */
  eventIds(): string[] {
    return this.records
      .flatMap((record) => record.events)
      .sort((a, b) => a.ts - b.ts)
      .map((event) => event.id);
  }

  firstTimestamp(): number {
    return this.records.reduce((min, record) => Math.min(min, record.first), Infinity);
  }

  lastTimestamp(): number {
    return this.records.at(-1)?.ts ?? -Infinity;
  }

  private indexKeyOf(record: WindowRecord): string | undefined {
    if (this.limits.compaction === 'key') return record.key ?? undefined;
    if (this.limits.compaction === 'rule') return String(record.rule);
    return undefined;
  }

  /** Position after every record with the same or an earlier time (arrival order on ties). */
  private positionOf(ts: number): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.records[middle]?.ts ?? Infinity) <= ts) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private insert(record: WindowRecord): void {
    this.records.splice(this.positionOf(record.ts), 0, record);
  }

  private remove(record: WindowRecord): void {
    const at = this.records.indexOf(record);
    if (at >= 0) this.records.splice(at, 1);
  }

  private foldIntoNeighbour(record: WindowRecord): boolean {
    const at = this.positionOf(record.ts);
    for (const neighbourAt of [at - 1, at]) {
      const neighbour = this.records[neighbourAt];
      if (neighbour?.rule !== record.rule) continue;
      // Folding keeps the neighbour's place: the before-neighbour's time rises to record.ts,
      // which is still below the next record's; the after-neighbour keeps its later time.
      this.records[neighbourAt] = fold(neighbour, record);
      return true;
    }
    return false;
  }

  private enforceLimits(): void {
    while (this.records.length > this.limits.maxRecords) {
      const [oldest, next] = this.records;
      if (oldest === undefined || next === undefined) break;
      if (this.limits.compaction === 'none') {
        // Counts and sums stay exact; the pair only expires with the later of the two.
        this.records.splice(0, 2, fold(oldest, next));
      } else {
        this.forget(oldest);
        this.records.shift();
      }
    }
    for (const record of this.records) {
      if (this.idCount <= this.limits.maxIds) break;
      const excess = Math.min(record.events.length, this.idCount - this.limits.maxIds);
      record.events = record.events.slice(excess);
      this.idCount -= excess;
    }
  }

  private forget(record: WindowRecord): void {
    this.idCount -= record.events.length;
    const indexKey = this.indexKeyOf(record);
    if (indexKey !== undefined && this.index.get(indexKey) === record) this.index.delete(indexKey);
  }
}

function fold(a: WindowRecord, b: WindowRecord): WindowRecord {
  return {
    ts: Math.max(a.ts, b.ts),
    first: Math.min(a.first, b.first),
    rule: a.ts > b.ts ? a.rule : b.rule,
    count: a.count + b.count,
    sum: a.sum + b.sum,
    key: a.key,
    events: [...a.events, ...b.events].sort((x, y) => x.ts - y.ts),
  };
}
