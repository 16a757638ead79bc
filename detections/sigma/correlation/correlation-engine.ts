import { DetectionError } from '../../errors.ts';
import { evaluationModeOf, isConditionMet, isStandaloneSuppressed } from './correlation-rule.ts';
import type { CorrelationRule, EvaluationMode } from './correlation-rule.ts';
import { resolveField, toKeyValue, toNumber } from './field-values.ts';
import type { RuleRef } from './field-values.ts';
import { measure } from './measure.ts';
import { assertChainFields, assertNoCycles, subscribe } from './rule-graph.ts';
import type { Subscriber } from './rule-graph.ts';
import { WindowRecords } from './window-records.ts';
import type { Compaction } from './window-records.ts';

/** One base-rule match fed to the evaluator. */
export interface BaseMatch {
  readonly rule: RuleRef;
  readonly eventId: string;
  /** Event time, epoch milliseconds. */
  readonly timestamp: number;
  readonly doc: unknown;
}

/** A correlation that matched in one group. */
export interface CorrelationMatch {
  readonly rule: CorrelationRule;
  /** The group: each `group-by` field (or alias) and its value; null when events lacked it. */
  readonly groupBy: Readonly<Record<string, string | null>>;
  /** Contributing events, oldest first; the most recent `maxEventsPerGroup` only. */
  readonly eventIds: readonly string[];
  readonly firstTimestamp: number;
  readonly lastTimestamp: number;
  /** The measured value: count, distinct count, rules matched, sum, average or percentile. */
  readonly value: number;
  /**
   * True when this correlation only feeds other correlations that keep their referenced rules
   * quiet (`generate: false` on all of them): the outer correlation alerts, this one need not.
   */
  readonly suppressed: boolean;
}

export interface CorrelationEngineOptions {
  readonly rules: readonly CorrelationRule[];
  /** Reads a (Sigma) field of a base rule's event; the caller maps names per rule. */
  readonly readField: (doc: unknown, field: string, base: RuleRef) => unknown;
  /** Groups kept per correlation; the least recently updated is evicted first. */
  readonly maxGroupsPerRule?: number;
  /** Event ids kept per group (the most recent); counting goes on past it. */
  readonly maxEventsPerGroup?: number;
  /** Compact per-event records kept per group; see `WindowRecords` for what happens past it. */
  readonly maxEntriesPerGroup?: number;
  /** Events lacking a `group-by` field: grouped under null (default) or ignored. */
  readonly missingGroupBy?: 'null' | 'skip';
}

export interface CorrelationStats {
  /** Groups held, across all correlations. */
  readonly groups: number;
  /** Records held, across all groups. */
  readonly entries: number;
  /** Groups dropped because a correlation held `maxGroupsPerRule`. */
  readonly evicted: number;
  /** Events dropped because they were older than their group's window. */
  readonly late: number;
}

export interface CorrelationEngine {
  /** Feeds one base-rule match; returns the correlations it completes (chained ones included). */
  observe(match: BaseMatch): CorrelationMatch[];
  /**
   * Tells the engine no event older than `watermark` (epoch ms) will come: closes the tumbling
   * windows that end before it (returning their matches) and drops expired sliding state.
   */
  flush(watermark: number): CorrelationMatch[];
  stats(): CorrelationStats;
}

interface Group {
  readonly groupBy: Readonly<Record<string, string | null>>;
  readonly records: WindowRecords;
  /** Sliding: the newest event time seen; it survives a reset, so stale events stay out. */
  newest: number;
  /** Tumbling: when the current window opened. */
  start: number;
}

interface RuleState {
  readonly rule: CorrelationRule;
  readonly mode: EvaluationMode;
  readonly compaction: Compaction;
  readonly suppressed: boolean;
  readonly groups: Map<string, Group>;
}

/** A match on its way into correlations: a base event, or a correlation match being chained. */
interface Incoming {
  readonly ref: RuleRef;
  readonly ids: readonly string[];
  readonly timestamp: number;
  /** Earliest event behind it (a chained correlation match spans several). */
  readonly first: number;
  readonly read: (field: string) => unknown;
}

const COMPACTION: Readonly<Record<CorrelationRule['type'], Compaction>> = {
  event_count: 'none',
  value_count: 'key',
  temporal: 'rule',
  temporal_ordered: 'rule-run',
  value_sum: 'none',
  value_avg: 'none',
  value_percentile: 'none',
  value_median: 'none',
};

/**
 * Evaluates correlation rules over a stream of base-rule matches. Pure: time comes only from
 * event timestamps and `flush` watermarks. State is bounded by `maxGroupsPerRule` groups per
 * rule, each holding at most `maxEntriesPerGroup` records and `maxEventsPerGroup` event ids.
 * A group that fires is reset, so one burst raises one match.
 */
export function createCorrelationEngine(options: CorrelationEngineOptions): CorrelationEngine {
  const maxGroups = positive(options.maxGroupsPerRule ?? 10_000, 'maxGroupsPerRule');
  const maxIds = positive(options.maxEventsPerGroup ?? 50, 'maxEventsPerGroup');
  const maxRecords = positive(options.maxEntriesPerGroup ?? 256, 'maxEntriesPerGroup');
  const skipMissing = options.missingGroupBy === 'skip';
  assertNoCycles(options.rules);
  assertChainFields(options.rules);
  const states: RuleState[] = options.rules.map((rule) => ({
    rule,
    mode: evaluationModeOf(rule),
    compaction: COMPACTION[rule.type],
    suppressed: isStandaloneSuppressed(rule, options.rules),
    groups: new Map(),
  }));
  const subscribers = subscribe(states);
  let evicted = 0;
  let late = 0;

  function feed(
    state: RuleState,
    position: number,
    incoming: Incoming,
  ): CorrelationMatch | undefined {
    const { rule } = state;
    const keyParts: (string | null)[] = [];
    for (const field of rule.groupBy) {
      const value = toKeyValue(incoming.read(resolveField(field, rule.aliases, incoming.ref)));
      if (value === null && skipMissing) return undefined;
      keyParts.push(value);
    }
    const measured = measuredValue(rule, incoming);
    if (measured === undefined) return undefined;

    const groupKey = JSON.stringify(keyParts);
    const group = touch(state, groupKey, incoming.timestamp, () =>
      // fromEntries: a field called __proto__ stays an ordinary key.
      Object.fromEntries(rule.groupBy.map((field, index) => [field, keyParts[index] ?? null])),
    );
    const entry = {
      ts: incoming.timestamp,
      first: incoming.first,
      rule: position,
      ids: incoming.ids,
      ...measured,
    };
    const T = rule.timespanMs;
    if (state.mode === 'sliding') {
      if (entry.ts < group.newest - T) {
        late += 1;
        return undefined;
      }
      group.newest = Math.max(group.newest, entry.ts);
      group.records.add(entry);
      group.records.pruneBefore(group.newest - T);
      return fireIfMet(state, group);
    }
    let closed: CorrelationMatch | undefined;
    if (group.records.size === 0) {
      group.start = entry.ts;
    } else if (entry.ts > group.start + T) {
      closed = fireIfMet(state, group);
      group.records.clear();
      group.start = entry.ts;
    } else if (entry.ts < group.start) {
      // Earlier than the window's first event: it may open the window instead, if everything
      // already in the window still fits within the timespan after it.
      if (group.records.lastTimestamp() - entry.ts > T) {
        late += 1;
        return undefined;
      }
      group.start = entry.ts;
    }
    group.records.add(entry);
    return closed;
  }

  function measuredValue(
    rule: CorrelationRule,
    incoming: Incoming,
  ): { value: number; key: string | null } | undefined {
    const fields = rule.condition.fields.map((field) =>
      incoming.read(resolveField(field, rule.aliases, incoming.ref)),
    );
    if (rule.type === 'value_count') {
      const parts = fields.map(toKeyValue);
      if (parts.length === 0 || parts.includes(null)) return undefined;
      return { value: 0, key: parts.length === 1 ? (parts[0] ?? null) : JSON.stringify(parts) };
    }
    if (fields.length === 0) return { value: 0, key: null };
    const value = toNumber(fields[0]);
    return value === undefined ? undefined : { value, key: null };
  }

  function touch(
    state: RuleState,
    key: string,
    timestamp: number,
    groupBy: () => Readonly<Record<string, string | null>>,
  ): Group {
    const existing = state.groups.get(key);
    if (existing !== undefined) {
      // Re-inserting moves the group to the most recently updated end.
      state.groups.delete(key);
      state.groups.set(key, existing);
      return existing;
    }
    const group: Group = {
      groupBy: groupBy(),
      records: new WindowRecords({ compaction: state.compaction, maxRecords, maxIds }),
      newest: timestamp,
      start: timestamp,
    };
    state.groups.set(key, group);
    if (state.groups.size > maxGroups) {
      const oldest = state.groups.keys().next();
      if (oldest.done !== true) state.groups.delete(oldest.value);
      evicted += 1;
    }
    return group;
  }

  function fireIfMet(state: RuleState, group: Group): CorrelationMatch | undefined {
    if (group.records.size === 0) return undefined;
    const value = measure(state.rule, group.records.all);
    if (!isConditionMet(state.rule.condition.comparisons, value)) return undefined;
    const match: CorrelationMatch = {
      rule: state.rule,
      groupBy: { ...group.groupBy },
      eventIds: group.records.eventIds(),
      firstTimestamp: group.records.firstTimestamp(),
      lastTimestamp: group.records.lastTimestamp(),
      value,
      suppressed: state.suppressed,
    };
    group.records.clear();
    return match;
  }

  /** Feeds `first` and, in turn, every correlation match it produces to the rules above. */
  function propagate(first: readonly Incoming[], out: CorrelationMatch[]): CorrelationMatch[] {
    const queue = [...first];
    for (let incoming = queue.shift(); incoming !== undefined; incoming = queue.shift()) {
      for (const { state, position } of subscribersOf(incoming.ref)) {
        const match = feed(state, position, incoming);
        if (match === undefined) continue;
        out.push(match);
        queue.push(toIncoming(match));
      }
    }
    return out;
  }

  function subscribersOf(ref: RuleRef): Subscriber<RuleState>[] {
    const found = new Map<RuleState, number>();
    for (const key of [ref.id, ref.name]) {
      if (key === undefined) continue;
      for (const { state, position } of subscribers.get(key) ?? []) {
        found.set(state, Math.min(found.get(state) ?? position, position));
      }
    }
    return [...found].map(([state, position]) => ({ state, position }));
  }

  return {
    observe(match) {
      if (!Number.isFinite(match.timestamp)) {
        throw new DetectionError(
          'DETECTION_INVALID_REQUEST',
          `match ${match.eventId} has no valid timestamp`,
        );
      }
      const incoming: Incoming = {
        ref: match.rule,
        ids: [match.eventId],
        timestamp: match.timestamp,
        first: match.timestamp,
        read: (field) => options.readField(match.doc, field, match.rule),
      };
      return propagate([incoming], []);
    },

    flush(watermark) {
      const out: CorrelationMatch[] = [];
      const chained: Incoming[] = [];
      for (const state of states) {
        const T = state.rule.timespanMs;
        for (const [key, group] of state.groups) {
          if (state.mode === 'sliding') group.records.pruneBefore(watermark - T);
          else if (group.records.size > 0 && watermark > group.start + T) {
            const match = fireIfMet(state, group);
            group.records.clear();
            if (match !== undefined) {
              out.push(match);
              chained.push(toIncoming(match));
            }
          }
          if (group.records.size === 0) state.groups.delete(key);
        }
      }
      return propagate(chained, out);
    },

    stats() {
      let groups = 0;
      let entries = 0;
      for (const state of states) {
        groups += state.groups.size;
        for (const group of state.groups.values()) entries += group.records.size;
      }
      return { groups, entries, evicted, late };
    },
  };
}

/** A correlation match as an input of the correlations that reference it (chaining). */
function toIncoming(match: CorrelationMatch): Incoming {
  return {
    ref: { id: match.rule.id, name: match.rule.name },
    ids: match.eventIds,
    timestamp: match.lastTimestamp,
    first: match.firstTimestamp,
    read: (field) => (Object.hasOwn(match.groupBy, field) ? match.groupBy[field] : undefined),
  };
}

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new DetectionError('DETECTION_INVALID_REQUEST', `${name} must be a whole number ≥ 1`);
  }
  return value;
}
