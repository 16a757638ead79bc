import type { IdGenerator } from '../../platform/ids/index.ts';
import type { ActiveRule } from '../engine/detection-engine.ts';
import type { CorrelationMatch } from '../sigma/correlation/index.ts';
import type { CorrelationDocument } from '../sigma/load-rules.ts';
import type { Alert, AlertCandidate } from './alert.ts';
import { addOccurrences, severityOf } from './alert.ts';
import { attackOf } from './attack.ts';
import { observablesOfEvent, observablesOfGroup } from './observables.ts';
import {
  DEFAULT_ALERT_GROUPING,
  groupFieldsOf,
  groupKeyOf,
  groupValuesOf,
  hostOfEvent,
  hostOfGroup,
  sha256,
} from './grouping.ts';
import type { AlertGrouping } from './grouping.ts';

/** What turning a firing into an alert needs besides the firing. */
export interface CandidateContext {
  /** Gives the alert its id (used if the firing opens an alert). */
  readonly ids: IdGenerator;
  /** Processing time: `createdAt` and `updatedAt`. */
  readonly now: number;
  readonly grouping?: AlertGrouping;
}

/** A Sigma rule's match on one stored event. */
export interface MatchedEvent {
  readonly tenantId: string;
  readonly rule: Pick<ActiveRule, 'ref' | 'meta' | 'file' | 'line' | 'logsource'>;
  readonly eventId: string;
  /** The event's time (`@timestamp`), epoch milliseconds. */
  readonly timestamp: number;
  /** The stored (ECS) event, for the group-by and host fields. */
  readonly doc: unknown;
}

/**
 * One match as an alert of its own: count 1, the event's time as first and last seen, grouped
 * by the log source's group-by fields read from the event. Its occurrence key is the event id,
 * so the same event never counts twice for the same rule.
 */
export function alertFromMatch(event: MatchedEvent, context: CandidateContext): AlertCandidate {
  const grouping = context.grouping ?? DEFAULT_ALERT_GROUPING;
  const { meta } = event.rule;
  const groupBy = groupValuesOf(event.doc, groupFieldsOf(grouping, event.rule.logsource));
  const attack = attackOf(meta.tags);
  const occurrence = {
    key: `e:${event.eventId}`,
    eventIds: [event.eventId],
    firstSeen: event.timestamp,
    lastSeen: event.timestamp,
    observables: observablesOfEvent(event.doc),
  };
  const seed: Alert = {
    id: context.ids.uuidv7(),
    tenantId: event.tenantId,
    kind: 'match',
    state: 'new',
    ruleRef: event.rule.ref,
    ruleTitle: meta.title,
    ruleAuthor: meta.author ?? null,
    ruleFile: event.rule.file,
    ruleLine: event.rule.line,
    level: meta.level ?? null,
    severity: severityOf(meta.level),
    tactics: attack.tactics,
    techniques: attack.techniques,
    groupKey: groupKeyOf(groupBy),
    groupBy,
    host: hostOfEvent(event.doc, grouping),
    eventIds: [],
    eventCount: 0,
    count: 0,
    firstSeen: event.timestamp,
    lastSeen: event.timestamp,
    createdAt: context.now,
    updatedAt: context.now,
    observables: [],
  };
  return { alert: addOccurrences(seed, [occurrence], context.now), occurrence };
}

/**
 * What a correlation alert names besides the parsed rule: where the rule is, and the author and
 * tags of its document (the parsed correlation rule does not carry them).
 */
export interface CorrelationOrigin {
  readonly file: string;
  readonly line: number;
  readonly author?: string;
  readonly tags: readonly string[];
}

/** The origin of a loaded correlation document: its place, `author` and `tags`. */
export function correlationOriginOf(document: CorrelationDocument): CorrelationOrigin {
  const value = document.document.value;
  const record =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  const tags = Array.isArray(record.tags)
    ? record.tags.filter((t): t is string => typeof t === 'string')
    : [];
  return {
    file: document.file,
    line: document.line,
    ...(typeof record.author === 'string' ? { author: record.author } : {}),
    tags,
  };
}

/** A correlation rule's match in one group. */
export interface MatchedCorrelation {
  readonly tenantId: string;
  readonly match: CorrelationMatch;
  readonly origin: CorrelationOrigin;
}

/**
 * One correlation match as an alert of its own, grouped by the correlation's own `group-by`
 * values. Its occurrence key hashes the group and the events the match carries, so the same
 * match replayed is not counted twice. Callers leave out `suppressed` matches (their
 * correlation only feeds others that keep them quiet).
 */
export function alertFromCorrelation(
  input: MatchedCorrelation,
  context: CandidateContext,
): AlertCandidate {
  const grouping = context.grouping ?? DEFAULT_ALERT_GROUPING;
  const { match, origin } = input;
  const { rule } = match;
  const groupBy = Object.fromEntries(Object.entries(match.groupBy));
  const groupKey = groupKeyOf(groupBy);
  const attack = attackOf(origin.tags);
  const eventIds = [...match.eventIds];
  const occurrence = {
    key: `c:${sha256(JSON.stringify([groupKey, match.firstTimestamp, match.lastTimestamp, eventIds]))}`,
    eventIds,
    firstSeen: match.firstTimestamp,
    lastSeen: match.lastTimestamp,
    observables: observablesOfGroup(groupBy),
  };
  const seed: Alert = {
    id: context.ids.uuidv7(),
    tenantId: input.tenantId,
    kind: 'correlation',
    state: 'new',
    ruleRef: rule.id ?? `${origin.file}:${String(origin.line)}`,
    ruleTitle: rule.title,
    ruleAuthor: origin.author ?? null,
    ruleFile: origin.file,
    ruleLine: origin.line,
    level: rule.level ?? null,
    severity: severityOf(rule.level),
    tactics: attack.tactics,
    techniques: attack.techniques,
    groupKey,
    groupBy,
    host: hostOfGroup(groupBy, grouping),
    eventIds: [],
    eventCount: 0,
    count: 0,
    firstSeen: match.firstTimestamp,
    lastSeen: match.lastTimestamp,
    createdAt: context.now,
    updatedAt: context.now,
    observables: [],
  };
  return { alert: addOccurrences(seed, [occurrence], context.now), occurrence };
}
