import { DetectionError } from '../../errors.ts';
import type { CorrelationRule } from './correlation-rule.ts';
import { resolveField } from './field-values.ts';

/** A correlation listening for matches of one referenced rule, at its place in `rules`. */
export interface Subscriber<State> {
  readonly state: State;
  readonly position: number;
}

/** Who listens for each rule id or name. */
export function subscribe<State extends { readonly rule: CorrelationRule }>(
  states: readonly State[],
): Map<string, Subscriber<State>[]> {
  const subscribers = new Map<string, Subscriber<State>[]>();
  for (const state of states) {
    for (const [position, ref] of state.rule.rules.entries()) {
      const list = subscribers.get(ref) ?? [];
      list.push({ state, position });
      subscribers.set(ref, list);
    }
  }
  return subscribers;
}

/**
 * Correlations may reference correlations (the specification's chaining), but not in a cycle:
 * such rules could never complete. Throws `DETECTION_RULE_INVALID` naming the cycle.
 */
export function assertNoCycles(rules: readonly CorrelationRule[]): void {
  const byRef = new Map<string, number>();
  for (const [index, rule] of rules.entries()) {
    for (const ref of [rule.id, rule.name]) if (ref !== undefined) byRef.set(ref, index);
  }
  const state: ('new' | 'open' | 'done')[] = rules.map(() => 'new');
  const path: number[] = [];

  const visit = (index: number): void => {
    if (state[index] === 'done') return;
    if (state[index] === 'open') {
      const cycle = [...path.slice(path.indexOf(index)), index].map((at) => labelOf(rules[at]));
      throw new DetectionError(
        'DETECTION_RULE_INVALID',
        `correlation rules reference each other in a cycle: ${cycle.join(' → ')}`,
      );
    }
    state[index] = 'open';
    path.push(index);
    for (const ref of rules[index]?.rules ?? []) {
      const next = byRef.get(ref);
      if (next !== undefined) visit(next);
    }
    path.pop();
    state[index] = 'done';
  };
  for (const index of rules.keys()) visit(index);
}

/**
 * A correlation that references another correlation sees only that correlation's group: each of
 * its `group-by` fields and measured fields (through its aliases) must be one the referenced
 * correlation groups by, or every chained match would fall in the null group. Throws
 * `DETECTION_RULE_INVALID` naming the field.
 */
export function assertChainFields(rules: readonly CorrelationRule[]): void {
  for (const outer of rules) {
    for (const ref of outer.rules) {
      const inner = rules.find((rule) => rule.id === ref || rule.name === ref);
      if (inner === undefined) continue;
      for (const field of [...outer.groupBy, ...outer.condition.fields]) {
        const read = resolveField(field, outer.aliases, { id: inner.id, name: inner.name });
        if (inner.groupBy.includes(read)) continue;
        throw new DetectionError(
          'DETECTION_RULE_INVALID',
          `correlation ${labelOf(outer)} uses field ${read} of correlation ${labelOf(inner)}, ` +
            `which only provides its group-by fields (${inner.groupBy.join(', ') || 'none'})`,
        );
      }
    }
  }
}

function labelOf(rule: CorrelationRule | undefined): string {
  return rule?.name ?? rule?.id ?? rule?.title ?? '?';
}
