/**
 * A compiled detection: a boolean tree over field tests. The same tree drives evaluation and the
 * prefilter (which literals an event must contain for the rule to have any chance).
 */

import { MISSING } from './event-fields.ts';

/** Reads a Sigma field of the event being evaluated (through the rule's field mapping); `MISSING` when absent. */
export type FieldReader = (field: string) => unknown;

export interface MatchContext {
  readonly read: FieldReader;
  /** Every string (and number) value of the event, for keyword searches. */
  readonly leaves: () => readonly string[];
  /** `text.toLowerCase()`, possibly memoised for the event being evaluated. */
  readonly lower: (text: string) => string;
}

/** A test of one value of one field; `literals` are lowercased texts a match must contain (any one). */
export interface ValueTest {
  /** `value` is a scalar of the event (arrays are walked by the caller); never `MISSING`. */
  readonly test: (value: unknown, context: MatchContext) => boolean;
  /** At least one of these appears (lowercased) in the value when it matches; null = unknown. */
  readonly literals: readonly string[] | null;
}

export type DetectionNode =
  | { readonly kind: 'and'; readonly children: readonly DetectionNode[] }
  | { readonly kind: 'or'; readonly children: readonly DetectionNode[] }
  | { readonly kind: 'not'; readonly child: DetectionNode }
  | { readonly kind: 'const'; readonly value: boolean }
  /** The field's value (any element of a list) passes any (or all) of the tests. */
  | {
      readonly kind: 'field';
      readonly field: string;
      readonly mode: 'any' | 'all';
      readonly tests: readonly ValueTest[];
    }
  /** Presence (`exists`), or `null` values: absent or null. */
  | { readonly kind: 'exists'; readonly field: string; readonly expected: boolean }
  | { readonly kind: 'null'; readonly field: string }
  /** Keyword search: any value anywhere in the event passes any (or all) of the tests. */
  | {
      readonly kind: 'keyword';
      readonly mode: 'any' | 'all';
      readonly tests: readonly ValueTest[];
    };

export function and(children: readonly DetectionNode[]): DetectionNode {
  return children.length === 1 && children[0] ? children[0] : { kind: 'and', children };
}

export function or(children: readonly DetectionNode[]): DetectionNode {
  return children.length === 1 && children[0] ? children[0] : { kind: 'or', children };
}

/** Evaluates a tree against one event. */
export function evaluate(node: DetectionNode, context: MatchContext): boolean {
  switch (node.kind) {
    case 'and':
      for (const child of node.children) if (!evaluate(child, context)) return false;
      return true;
    case 'or':
      for (const child of node.children) if (evaluate(child, context)) return true;
      return false;
    case 'not':
      return !evaluate(node.child, context);
    case 'const':
      return node.value;
    case 'field': {
      const value = context.read(node.field);
      return value !== MISSING && passes(value, node.mode, node.tests, context);
    }
    case 'exists':
      return (context.read(node.field) !== MISSING) === node.expected;
    case 'null': {
      const value = context.read(node.field);
      return value === MISSING || value === null;
    }
    case 'keyword': {
      const leaves = context.leaves();
      if (node.mode === 'all')
        return node.tests.every((t) => leaves.some((leaf) => t.test(leaf, context)));
      return leaves.some((leaf) => node.tests.some((t) => t.test(leaf, context)));
    }
  }
}

function passes(
  value: unknown,
  mode: 'any' | 'all',
  tests: readonly ValueTest[],
  context: MatchContext,
): boolean {
  if (mode === 'all') {
    for (const t of tests) if (!anyElement(value, t, context)) return false;
    return true;
  }
  for (const t of tests) if (anyElement(value, t, context)) return true;
  return false;
}

function anyElement(value: unknown, t: ValueTest, context: MatchContext): boolean {
  if (Array.isArray(value)) {
    for (const element of value) if (t.test(element, context)) return true;
    return false;
  }
  return t.test(value, context);
}
