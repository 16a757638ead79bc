import { parseRecord } from '../../siem/index.ts';
import type { ParserId, RawRecord } from '../../siem/index.ts';
import { isoTime } from '../hunt/match-record.ts';
import { correlationFeed, readProjected } from '../hunt/correlation-feed.ts';
import { replayCorrelations } from '../hunt/correlation-set.ts';
import { compileRuleSet, ruleRefOf } from '../hunt/rule-set.ts';
import type { MappingSet } from '../mappings/logsource-mapping.ts';
import type { BaseMatch, CorrelationType } from '../sigma/correlation/index.ts';

export interface RuleTestOptions {
  readonly mappings: MappingSet;
  readonly placeholders?: ReadonlyMap<string, readonly string[]>;
  /**
   * Parse each event as a raw record first, as ingest does (`auto`, `winlogbeat`, `syslog`, …):
   * strings are text records, anything else JSON records. Without it, events are ECS documents.
   */
  readonly parser?: ParserId;
  /** Time (epoch ms) of events without a `@timestamp`, as ingest stamps them. */
  readonly receivedAt: number;
}

/** A rule of the tested text that compiled. */
export interface TestedRule {
  readonly id: string;
  readonly kind: 'rule' | 'correlation';
  readonly title: string;
  readonly level?: string;
  readonly line: number;
}

/** A rule that matched an event. */
export interface TestMatch {
  readonly id: string;
  readonly title: string;
  readonly level?: string;
  /**
   * False for a rule that only feeds correlations with `generate: false`: it matches, but raises
   * no alert of its own.
   */
  readonly alerts: boolean;
}

/** One event (one ECS document: a raw record may parse into several). */
export interface TestedEvent {
  /** Position of the event in the request. */
  readonly index: number;
  /** Which document of that event's record (0 unless the record held several). */
  readonly document: number;
  readonly timestamp: string;
  readonly matched: boolean;
  readonly matches: readonly TestMatch[];
  /** The parsed ECS document, when a parser was given (to see the fields rules read). */
  readonly ecs?: unknown;
}

export interface TestedCorrelation {
  readonly id: string;
  readonly title: string;
  readonly level?: string;
  readonly type: CorrelationType;
  readonly groupBy: Readonly<Record<string, string | null>>;
  readonly value: number;
  /** Positions of the contributing events in the request (the most recent 50). */
  readonly eventIndexes: readonly number[];
  readonly firstTimestamp: string;
  readonly lastTimestamp: string;
  /** False when the correlation only feeds other correlations that keep it quiet. */
  readonly alerts: boolean;
}

export interface RuleTestResult {
  readonly rules: readonly TestedRule[];
  /** Rules of the text that did not compile, by line. */
  readonly problems: readonly {
    readonly line: number;
    readonly kind: 'invalid' | 'unsupported';
    readonly feature: string;
    readonly message: string;
    readonly title?: string;
  }[];
  readonly warnings: readonly { readonly line: number; readonly message: string }[];
  readonly events: readonly TestedEvent[];
  /** Events that could not be used (not parsed, no usable time), by position. */
  readonly rejected: readonly { readonly index: number; readonly message: string }[];
  readonly correlations: readonly TestedCorrelation[];
}

const TEST_FILE = 'rule.yml';

interface Prepared {
  readonly index: number;
  readonly document: number;
  readonly timestamp: number;
  readonly doc: unknown;
}

/**
 * Compiles a rule text (one or more YAML documents: a rule and the correlations built on it)
 * and runs its rules over the given events, as the engine would at ingest: per-event matches,
 * and correlation matches over the events in time order. Pure: nothing is stored or loaded.
 */
export function testRule(
  text: string,
  events: readonly unknown[],
  options: RuleTestOptions,
): RuleTestResult {
  const set = compileRuleSet([{ file: TEST_FILE, text }], {
    mappings: options.mappings,
    ...(options.placeholders !== undefined ? { placeholders: options.placeholders } : {}),
  });
  const feed = correlationFeed(set.correlations);

  const rejected: { index: number; message: string }[] = [];
  const prepared: Prepared[] = [];
  events.forEach((event, index) => {
    const documents = prepare(event, options);
    if (typeof documents === 'string') rejected.push({ index, message: documents });
    else prepared.push(...documents.map((d) => ({ ...d, index })));
  });

  const pending: BaseMatch[] = [];
  const tested: TestedEvent[] = prepared.map((event) => {
    const rules = set.engine.match(event.doc);
    for (const rule of rules) {
      const eventId = `${String(event.index)}#${String(event.document)}`;
      const base = feed.baseMatch(rule, eventId, event.timestamp, event.doc);
      if (base) pending.push(base);
    }
    return {
      index: event.index,
      document: event.document,
      timestamp: isoTime(event.timestamp),
      matched: rules.length > 0,
      matches: rules.map((rule) => ({
        id: rule.ref,
        title: rule.meta.title,
        ...(rule.meta.level !== undefined ? { level: rule.meta.level } : {}),
        alerts: feed.reports(rule),
      })),
      ...(options.parser !== undefined ? { ecs: event.doc } : {}),
    };
  });

  const replayed = replayCorrelations(set.correlations, pending, readProjected);
  const correlations: TestedCorrelation[] = replayed.map(({ match, correlation: loaded }) => ({
    id: ruleRefOf(match.rule.id, loaded),
    title: match.rule.title,
    ...(match.rule.level !== undefined ? { level: match.rule.level } : {}),
    type: match.rule.type,
    groupBy: match.groupBy,
    value: match.value,
    eventIndexes: [...new Set(match.eventIds.map((id) => Number(id.split('#')[0])))],
    firstTimestamp: isoTime(match.firstTimestamp),
    lastTimestamp: isoTime(match.lastTimestamp),
    alerts: !match.suppressed,
  }));

  return {
    rules: [
      ...set.rules.map(({ rule, line }) => ({
        id: ruleRefOf(rule.meta.id, { file: TEST_FILE, line }),
        kind: 'rule' as const,
        title: rule.meta.title,
        ...(rule.meta.level !== undefined ? { level: rule.meta.level } : {}),
        line,
      })),
      ...set.correlations.map(({ rule, line }) => ({
        id: ruleRefOf(rule.id, { file: TEST_FILE, line }),
        kind: 'correlation' as const,
        title: rule.title,
        ...(rule.level !== undefined ? { level: rule.level } : {}),
        line,
      })),
    ].sort((a, b) => a.line - b.line),
    problems: set.problems.map(({ line, kind, feature, message, title }) => ({
      line,
      kind,
      feature,
      message,
      ...(title !== undefined ? { title } : {}),
    })),
    warnings: set.warnings.map(({ line, message }) => ({ line, message })),
    events: tested,
    rejected,
    correlations,
  };
}

/** The documents of one event with their times, or why it cannot be used. */
function prepare(event: unknown, options: RuleTestOptions): Omit<Prepared, 'index'>[] | string {
  let documents: unknown[];
  if (options.parser === undefined) {
    if (typeof event !== 'object' || event === null || Array.isArray(event))
      return 'an ECS document must be a JSON object (give a parser to test raw records)';
    documents = [event];
  } else {
    const record: RawRecord =
      typeof event === 'string'
        ? { kind: 'text', text: event }
        : { kind: 'json', value: event as Extract<RawRecord, { kind: 'json' }>['value'] };
    const parsed = parseRecord(record, options.parser, {
      receivedAt: options.receivedAt,
      defaultYear: new Date(options.receivedAt).getUTCFullYear(),
    });
    if (!parsed.ok) {
      const { parser, path, message } = parsed.error;
      return `${parser}: ${path !== undefined ? `${path}: ` : ''}${message}`;
    }
    documents = parsed.events;
  }
  const out: Omit<Prepared, 'index'>[] = [];
  for (const [document, doc] of documents.entries()) {
    const timestamp = timestampOf(doc, options.receivedAt);
    if (typeof timestamp === 'string') return timestamp;
    out.push({ document, timestamp, doc });
  }
  return out;
}

/** `@timestamp` as ingest reads it (epoch ms or a date string); the receive time when absent. */
function timestampOf(doc: unknown, receivedAt: number): number | string {
  const raw = (doc as Record<string, unknown>)['@timestamp'];
  if (raw === undefined || raw === null) return receivedAt;
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string') {
    const time = Date.parse(raw);
    return Number.isNaN(time) ? '@timestamp: not a valid date' : time;
  }
  return '@timestamp: must be a date string or epoch milliseconds';
}
