import type { ActiveRule } from '../engine/detection-engine.ts';
import { isStandaloneSuppressed } from '../sigma/correlation/index.ts';
import type { BaseMatch } from '../sigma/correlation/index.ts';
import type { LoadedCorrelation } from './correlation-set.ts';

/**
 * How a rule's matches relate to the correlation rules loaded with it: whether they alert on
 * their own, and what to feed the correlations. Hunting and the streaming path share it.
 */
export interface CorrelationFeed {
  /** False for a rule that only feeds correlations with `generate: false`: used, not reported. */
  reports(rule: ActiveRule): boolean;
  /**
   * The match to feed the correlations, or undefined when none references the rule (by id or
   * name). Its `doc` is a projection (field → value, as the rule's log source maps it) holding
   * only the fields correlations read, so a held match does not keep the whole event alive.
   */
  baseMatch(
    rule: ActiveRule,
    eventId: string,
    timestamp: number,
    doc: unknown,
  ): BaseMatch | undefined;
}

/** Reads a field of a base match's projected `doc` (the correlation engine's `readField`). */
export function readProjected(doc: unknown, field: string): unknown {
  return (doc as ReadonlyMap<string, unknown>).get(field);
}

export function correlationFeed(correlations: readonly LoadedCorrelation[]): CorrelationFeed {
  const rules = correlations.map((c) => c.rule);
  const referenced = new Set(rules.flatMap((rule) => rule.rules));
  const fields = fieldsReadByCorrelations(correlations);
  const suppressed = new Map<ActiveRule, boolean>();
  const isReferenced = (rule: ActiveRule): boolean =>
    (rule.meta.id !== undefined && referenced.has(rule.meta.id)) ||
    (rule.meta.name !== undefined && referenced.has(rule.meta.name));
  return {
    reports(rule) {
      let quiet = suppressed.get(rule);
      if (quiet === undefined) {
        quiet = isStandaloneSuppressed(rule.meta, rules);
        suppressed.set(rule, quiet);
      }
      return !quiet;
    },
    baseMatch(rule, eventId, timestamp, doc) {
      if (referenced.size === 0 || !isReferenced(rule)) return undefined;
      return {
        rule: { id: rule.meta.id, name: rule.meta.name },
        eventId,
        timestamp,
        doc: project(rule, doc, fields),
      };
    },
  };
}

/** Every field name a correlation may read from a base rule's event, aliases resolved. */
function fieldsReadByCorrelations(correlations: readonly LoadedCorrelation[]): readonly string[] {
  const fields = new Set<string>();
  for (const { rule } of correlations) {
    for (const field of [...rule.groupBy, ...rule.condition.fields]) fields.add(field);
    for (const mapping of Object.values(rule.aliases))
      for (const field of Object.values(mapping)) fields.add(field);
  }
  return [...fields];
}

function project(
  rule: ActiveRule,
  doc: unknown,
  fields: readonly string[],
): ReadonlyMap<string, unknown> {
  const values = new Map<string, unknown>();
  for (const field of fields) {
    const value = rule.readField(doc, field);
    if (typeof value !== 'symbol') values.set(field, value);
  }
  return values;
}
