import type { Readable } from 'node:stream';
import { readFileRecords } from '../../siem/index.ts';
import type { FileLayout, ParserId } from '../../siem/index.ts';
import type { ActiveRule } from '../engine/detection-engine.ts';
import { DetectionError } from '../errors.ts';
import type { BaseMatch, CorrelationMatch } from '../sigma/correlation/index.ts';
import { correlationFeed, readProjected } from './correlation-feed.ts';
import { replayCorrelations } from './correlation-set.ts';
import type { LoadedCorrelation } from './correlation-set.ts';
import { toHuntEvents } from './hunt-events.ts';
import type { HuntEvent } from './hunt-events.ts';
import { levelRank } from './levels.ts';
import type { RuleLevel } from './levels.ts';
import { reason } from './rule-files.ts';
import { ruleRefOf } from './rule-set.ts';
import type { HuntRuleSet } from './rule-set.ts';

/** A log file (or stdin) to hunt in. Opened when its turn comes. */
export interface HuntInput {
  /** Its name in matches and messages: the path, or `stdin`. */
  readonly name: string;
  open(): Readable;
}

/** A detection rule that matched an event. */
export interface RuleHit {
  readonly kind: 'rule';
  readonly rule: ActiveRule;
  /** The log file the event came from. */
  readonly input: string;
  readonly event: HuntEvent;
  /** Values of the rule's `fields:` (else of the fields its detection reads) that the event has. */
  readonly fields: readonly (readonly [string, unknown])[];
}

/** A correlation rule that matched a group of base-rule matches. */
export interface CorrelationHit {
  readonly kind: 'correlation';
  readonly rule: LoadedCorrelation;
  readonly match: CorrelationMatch;
}

export type HuntMatch = RuleHit | CorrelationHit;

export interface HuntProgress {
  readonly input: string;
  /** Bytes read so far, over every input. */
  readonly bytesRead: number;
  readonly records: number;
  readonly events: number;
  readonly matches: number;
}

export interface HuntOptions {
  readonly ruleSet: HuntRuleSet;
  /** Receive time (epoch ms) for records without a time of their own, as ingest stamps them. */
  readonly receivedAt: number;
  /** Parser for every record (default `auto`, as an ingest source created by `secops ingest`). */
  readonly parser?: ParserId;
  /** `json` or `text`; guessed from each file's first line when not given. */
  readonly layout?: FileLayout;
  /** Longest record kept (default 1 MiB, ingest's default `ingest.maxEventBytes`). */
  readonly maxRecordBytes?: number;
  /** Matches of rules below this level are counted, not reported. */
  readonly minLevel?: RuleLevel;
  readonly onMatch?: (match: HuntMatch) => void;
  readonly onProgress?: (progress: HuntProgress) => void;
  /** A record that could not be read or parsed; its message names file and line. */
  readonly onRecordError?: (message: string) => void;
}

/** Matches of one rule. */
export interface RuleCount {
  readonly kind: 'rule' | 'correlation';
  readonly title: string;
  readonly level?: string;
  /** `id`, else `file:line`. */
  readonly ref: string;
  readonly count: number;
}

export interface HuntSummary {
  readonly inputs: number;
  readonly records: number;
  readonly events: number;
  /** Records that could not be read or parsed. */
  readonly rejected: number;
  /** Matches reported (rule and correlation matches). */
  readonly matches: number;
  /** Reported matches per rule, most first. */
  readonly byRule: readonly RuleCount[];
  /** Matches of rules that only feed correlations with `generate: false`: used, not reported. */
  readonly suppressed: number;
  /** Matches below `minLevel`: counted, not reported. */
  readonly belowLevel: number;
}

const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Hunts through log files: each record is read with the SIEM's file reader and parsed to ECS as
 * ingest parses it, every event runs through the rule set's engine, and rule matches are reported
 * as they are found. Matches of rules that correlations reference are kept (only the fields the
 * correlations read) and, once every input is read, fed to the correlation engine in time order
 * (so events of several files correlate), which is then flushed. Throws
 * `DETECTION_INVALID_REQUEST` naming the input when one cannot be read.
 */
export async function runHunt(
  inputs: readonly HuntInput[],
  options: HuntOptions,
): Promise<HuntSummary> {
  const { ruleSet } = options;
  const minRank = options.minLevel === undefined ? 0 : levelRank(options.minLevel);
  const feed = correlationFeed(ruleSet.correlations);
  const shownFieldsOf = shownFields(ruleSet);
  const counts = new Map<string, { -readonly [K in keyof RuleCount]: RuleCount[K] }>();
  const totals = { records: 0, events: 0, rejected: 0, matches: 0, suppressed: 0, belowLevel: 0 };
  const pending: BaseMatch[] = [];

  const report = (
    kind: RuleCount['kind'],
    ref: string,
    title: string,
    level: string | undefined,
    suppressed: boolean,
    emit: () => HuntMatch,
  ): void => {
    if (suppressed) {
      totals.suppressed++;
      return;
    }
    if (levelRank(level) < minRank) {
      totals.belowLevel++;
      return;
    }
    totals.matches++;
    const key = `${kind}\u0000${ref}`;
    const count = counts.get(key);
    if (count) count.count++;
    else counts.set(key, { kind, ref, title, ...(level === undefined ? {} : { level }), count: 1 });
    options.onMatch?.(emit());
  };

  let bytesBefore = 0;
  for (const input of inputs) {
    let stream: Readable;
    try {
      stream = input.open();
    } catch (err) {
      throw unreadable(input.name, err);
    }
    const records = readFileRecords(stream, {
      name: input.name,
      maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
      ...(options.layout === undefined ? {} : { layout: options.layout }),
    });
    let bytesRead = 0;
    try {
      for (;;) {
        let next: Awaited<ReturnType<typeof records.next>>;
        try {
          next = await records.next();
        } catch (err) {
          throw unreadable(input.name, err);
        }
        if (next.done === true) break;
        for (const record of next.value) {
          totals.records++;
          bytesRead = record.bytesRead;
          const prepared = toHuntEvents(record, {
            input: input.name,
            parser: options.parser ?? 'auto',
            receivedAt: options.receivedAt,
          });
          if (!prepared.ok) {
            totals.rejected++;
            options.onRecordError?.(prepared.message);
            continue;
          }
          for (const event of prepared.events) {
            totals.events++;
            for (const rule of ruleSet.engine.match(event.doc)) {
              const base = feed.baseMatch(rule, event.id, event.timestamp, event.doc);
              if (base) pending.push(base);
              report(
                'rule',
                rule.ref,
                rule.meta.title,
                rule.meta.level,
                !feed.reports(rule),
                () => ({
                  kind: 'rule',
                  rule,
                  input: input.name,
                  event,
                  fields: valuesOf(rule, event.doc, shownFieldsOf(rule)),
                }),
              );
            }
          }
        }
        options.onProgress?.({
          input: input.name,
          bytesRead: bytesBefore + bytesRead,
          records: totals.records,
          events: totals.events,
          matches: totals.matches,
        });
      }
    } finally {
      stream.destroy();
    }
    bytesBefore += bytesRead;
  }

  // The kept documents are projections: field name → value, already read per base rule.
  const replayed = replayCorrelations(ruleSet.correlations, pending, readProjected);
  for (const { match, correlation: loaded } of replayed) {
    const ref = ruleRefOf(match.rule.id, loaded);
    report('correlation', ref, match.rule.title, match.rule.level, match.suppressed, () => ({
      kind: 'correlation',
      rule: loaded,
      match,
    }));
  }

  return {
    inputs: inputs.length,
    ...totals,
    byRule: [...counts.values()].sort(
      (a, b) => b.count - a.count || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0),
    ),
  };
}

/** What a correlation needs of a matched event: the fields it reads, mapped by the base rule. */

/** The fields shown with a rule's matches: its `fields:`, else those its detection reads. */
function shownFields(ruleSet: HuntRuleSet): (rule: ActiveRule) => readonly string[] {
  const byOrigin = new Map(
    ruleSet.rules.map((loaded) => [`${loaded.file}:${String(loaded.line)}`, loaded.rule]),
  );
  return (rule) => {
    if (rule.meta.fields.length > 0) return rule.meta.fields;
    return byOrigin.get(`${rule.file}:${String(rule.line)}`)?.fieldNames ?? [];
  };
}

function valuesOf(
  rule: ActiveRule,
  doc: unknown,
  fields: readonly string[],
): (readonly [string, unknown])[] {
  const out: (readonly [string, unknown])[] = [];
  for (const field of fields) {
    const value = rule.readField(doc, field);
    // The engine's "missing" marker is a symbol.
    if (typeof value !== 'symbol' && value !== undefined) out.push([field, value]);
  }
  return out;
}

function unreadable(name: string, err: unknown): DetectionError {
  if (err instanceof DetectionError) return err;
  return new DetectionError(
    'DETECTION_INVALID_REQUEST',
    `${name}: cannot read it: ${reason(err)}`,
    {
      cause: err,
      details: { input: name },
    },
  );
}
