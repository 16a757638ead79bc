import type { DetectionNode, ValueTest } from '../sigma/detection-tree.ts';

/**
 * What text an event must contain for a rule to have any chance of matching, as clauses that
 * must all hold, each a set of lowercased literals of which at least one appears in the event's
 * values (a conjunction of disjunctions). `null`: nothing can be said (a rule built on `not`,
 * regular expressions or numbers alone), so the rule runs on every event of its log source.
 */
export type Clause = readonly string[];
export type Requirement = readonly Clause[] | null;

/** Literals longer than this are cut: any part of a literal is still required, and verifying it stays cheap. */
const MAX_LITERAL = 64;
/** Shorter literals ("3", ".") occur in nearly every event: they would make the rule a candidate everywhere. */
const MIN_LITERAL = 3;
/** Clauses kept per rule: the most selective ones. */
const MAX_CLAUSES = 4;

/**
 * How many rules use each literal: a literal many rules need (".exe", "\\windows\\") is common in
 * events too, so clauses made of such literals are chosen last.
 */
export type LiteralUse = ReadonlyMap<string, number>;

export function countLiteralUse(detections: readonly DetectionNode[]): LiteralUse {
  const use = new Map<string, number>();
  for (const detection of detections) {
    const seen = new Set<string>();
    collectLiterals(detection, seen);
    for (const literal of seen) use.set(literal, (use.get(literal) ?? 0) + 1);
  }
  return use;
}

function collectLiterals(node: DetectionNode, out: Set<string>): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      for (const child of node.children) collectLiterals(child, out);
      return;
    case 'not':
      collectLiterals(node.child, out);
      return;
    case 'field':
    case 'keyword':
      for (const test of node.tests)
        for (const literal of test.literals ?? []) out.add(cut(literal));
      return;
    case 'const':
    case 'exists':
    case 'null':
      return;
  }
}

export function requirementOf(node: DetectionNode, use: LiteralUse = new Map()): Requirement {
  const score = (clause: Clause): number => selectivity(clause, use);
  const walk = (n: DetectionNode): Requirement => {
    switch (n.kind) {
      case 'and':
        return all(n.children.map(walk), score);
      case 'or':
        return any(n.children.map(walk), score);
      case 'field':
      case 'keyword':
        return n.mode === 'all'
          ? all(n.tests.map(testRequirement), score)
          : any(n.tests.map(testRequirement), score);
      case 'not':
      case 'const':
      case 'exists':
      case 'null':
        return null;
    }
  };
  return walk(node);
}

function testRequirement(test: ValueTest): Requirement {
  if (test.literals === null || test.literals.length === 0) return null;
  if (test.literals.some((l) => l.length < MIN_LITERAL)) return null;
  return [test.literals.map(cut)];
}

/** A window of the literal; its end is kept (paths and file names say most at their end). */
function cut(literal: string): string {
  return literal.length <= MAX_LITERAL ? literal : literal.slice(literal.length - MAX_LITERAL);
}

/** Every child holds: all their clauses hold (the most selective few are kept). */
function all(requirements: readonly Requirement[], score: (c: Clause) => number): Requirement {
  const clauses = new Map<string, Clause>();
  for (const r of requirements) {
    if (r === null) continue;
    for (const clause of r) clauses.set([...clause].sort().join('\n'), clause);
  }
  if (clauses.size === 0) return null;
  return [...clauses.values()].sort((a, b) => score(b) - score(a)).slice(0, MAX_CLAUSES);
}

/** Some child holds: one clause, the union of each child's most selective clause. */
function any(requirements: readonly Requirement[], score: (c: Clause) => number): Requirement {
  const out = new Set<string>();
  for (const r of requirements) {
    if (r === null || r.length === 0) return null;
    const best = r.reduce((a, b) => (score(b) > score(a) ? b : a));
    for (const literal of best) out.add(literal);
  }
  return out.size === 0 ? null : [[...out]];
}

function selectivity(clause: Clause, use: LiteralUse): number {
  let worst = Infinity;
  for (const literal of clause) {
    // Short literals ("1", ".exe") occur everywhere, and so do literals many rules share.
    const value = Math.min(literal.length, 12) * 4 - 3 * Math.log2(1 + (use.get(literal) ?? 0));
    worst = Math.min(worst, value);
  }
  // Each extra alternative adds chances.
  return worst - Math.log2(clause.length);
}
