/** Helpers for the correlation tests: rules from YAML text, events, and an engine reading ECS. */
import { parse, parseAllDocuments } from 'yaml';
import { readField, toFieldPath } from '../event-fields.ts';
import { createCorrelationEngine } from './correlation-engine.ts';
import type {
  BaseMatch,
  CorrelationEngine,
  CorrelationEngineOptions,
  CorrelationMatch,
} from './correlation-engine.ts';
import type { CorrelationRule } from './correlation-rule.ts';
import { parseCorrelationRule } from './parse-correlation-rule.ts';
import { isRecord } from './rule-issues.ts';

export const SECOND = 1_000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

/** The correlation rule in a YAML text (one document); throws when it does not parse. */
export function correlation(text: string): CorrelationRule {
  return toRule(parse(text));
}

/** Every correlation rule of a multi-document YAML text, skipping the plain Sigma rules. */
export function correlations(text: string): CorrelationRule[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as unknown)
    .filter((value) => isRecord(value) && 'correlation' in value)
    .map(toRule);
}

function toRule(value: unknown): CorrelationRule {
  if (!isRecord(value)) throw new Error('the fixture is not a YAML mapping');
  const result = parseCorrelationRule(value);
  if (!result.ok) throw new Error(`the fixture does not parse: ${JSON.stringify(result.issues)}`);
  return result.rule;
}

/** An engine over `rules` whose events are ECS-like documents read by dotted path. */
export function engineFor(
  rules: readonly CorrelationRule[],
  options: Omit<CorrelationEngineOptions, 'rules' | 'readField'> = {},
): CorrelationEngine {
  return createCorrelationEngine({
    rules,
    readField: (doc, field) => readField(doc, toFieldPath(field)),
    ...options,
  });
}

/** A match of the Sigma rule named `rule` on `doc`, at `at` ms. */
export function hit(rule: string, at: number, doc: object = {}, eventId?: string): BaseMatch {
  return { rule: { name: rule }, eventId: eventId ?? `${rule}@${at}`, timestamp: at, doc };
}

/** Feeds every match in order and returns all correlation matches produced. */
export function feed(engine: CorrelationEngine, matches: readonly BaseMatch[]): CorrelationMatch[] {
  return matches.flatMap((match) => engine.observe(match));
}
