import type { HuntMatch } from './hunt-runner.ts';

/** A rule match as `secops hunt --format json|ndjson` prints it. */
export interface RuleMatchRecord {
  readonly kind: 'rule';
  readonly rule: {
    readonly id?: string;
    readonly title: string;
    readonly level?: string;
    readonly author?: string;
    readonly tags: readonly string[];
    readonly file: string;
    readonly line: number;
  };
  readonly eventId: string;
  readonly timestamp: string;
  /** Where the event is: log file and line of its record. */
  readonly source: { readonly file: string; readonly line: number };
  /** The rule's `fields:` (else the fields its detection reads) that the event has. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly event: unknown;
}

/** A correlation match as `secops hunt --format json|ndjson` prints it. */
export interface CorrelationMatchRecord {
  readonly kind: 'correlation';
  readonly rule: {
    readonly id?: string;
    readonly title: string;
    readonly level?: string;
    readonly author?: string;
    readonly type: string;
    readonly file: string;
    readonly line: number;
  };
  /** Time of the last contributing event. */
  readonly timestamp: string;
  readonly firstTimestamp: string;
  readonly groupBy: Readonly<Record<string, string | null>>;
  /** The measured value: count, distinct count, rules matched, sum, average or percentile. */
  readonly value: number;
  /** Contributing events (the most recent 50), oldest first. */
  readonly eventIds: readonly string[];
}

export type MatchRecord = RuleMatchRecord | CorrelationMatchRecord;

/** The JSON form of a match: plain data, rule attribution included (Detection Rule License). */
export function toMatchRecord(match: HuntMatch): MatchRecord {
  if (match.kind === 'correlation') {
    const { rule, file, line, author } = match.rule;
    return {
      kind: 'correlation',
      rule: {
        ...(rule.id === undefined ? {} : { id: rule.id }),
        title: rule.title,
        ...(rule.level === undefined ? {} : { level: rule.level }),
        ...(author === undefined ? {} : { author }),
        type: rule.type,
        file,
        line,
      },
      timestamp: isoTime(match.match.lastTimestamp),
      firstTimestamp: isoTime(match.match.firstTimestamp),
      groupBy: match.match.groupBy,
      value: match.match.value,
      eventIds: match.match.eventIds,
    };
  }
  const { meta, file, line } = match.rule;
  return {
    kind: 'rule',
    rule: {
      ...(meta.id === undefined ? {} : { id: meta.id }),
      title: meta.title,
      ...(meta.level === undefined ? {} : { level: meta.level }),
      ...(meta.author === undefined ? {} : { author: meta.author }),
      tags: meta.tags,
      file,
      line,
    },
    eventId: match.event.id,
    timestamp: isoTime(match.event.timestamp),
    source: { file: match.input, line: match.event.line },
    fields: Object.fromEntries(match.fields),
    event: match.event.doc,
  };
}

/** ISO 8601 UTC, or the number itself for a time no `Date` can hold. */
export function isoTime(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? String(epochMs) : date.toISOString();
}
