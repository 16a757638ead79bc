import type { DetectionNode, ValueTest } from '../sigma/detection-tree.ts';

/**
 * What text an event must contain for a rule to have any chance of matching: a set of lowercased
 * literals, at least one of which appears in the event's values. `null`: nothing can be said (a
 * rule built on `not`, regular expressions or numbers alone), so the rule runs on every event of
 * its log source.
 */
export type Requirement = readonly string[] | null;

/** Literals longer than this are cut: any part of a literal is still required, and shorter keeps the automaton small. */
const MAX_LITERAL = 24;
/** Shorter literals ("3", ".") occur in nearly every event: they would make the rule a candidate everywhere. */
const MIN_LITERAL = 3;

export function requirementOf(node: DetectionNode): Requirement {
  switch (node.kind) {
    case 'and':
      return best(node.children.map(requirementOf));
    case 'or':
      return union(node.children.map(requirementOf));
    case 'field':
    case 'keyword':
      return node.mode === 'all'
        ? best(node.tests.map(testRequirement))
        : union(node.tests.map(testRequirement));
    case 'not':
    case 'const':
    case 'exists':
    case 'null':
      return null;
  }
}

function testRequirement(test: ValueTest): Requirement {
  if (test.literals === null || test.literals.length === 0) return null;
  if (test.literals.some((l) => l.length < MIN_LITERAL)) return null;
  return test.literals.map(cut);
}

/** A window of the literal; its end is kept (paths and file names say most at their end). */
function cut(literal: string): string {
  return literal.length <= MAX_LITERAL ? literal : literal.slice(literal.length - MAX_LITERAL);
}

function union(requirements: readonly Requirement[]): Requirement {
  const out = new Set<string>();
  for (const r of requirements) {
    if (r === null) return null;
    for (const literal of r) out.add(literal);
  }
  return out.size === 0 ? null : [...out];
}

/** Of several requirements that all hold, the most selective: long literals, and few of them. */
function best(requirements: readonly Requirement[]): Requirement {
  let chosen: Requirement = null;
  let chosenScore = -Infinity;
  for (const r of requirements) {
    if (r === null) continue;
    const score = selectivity(r);
    if (score > chosenScore) {
      chosen = r;
      chosenScore = score;
    }
  }
  return chosen;
}

function selectivity(requirement: readonly string[]): number {
  const shortest = Math.min(...requirement.map((l) => l.length));
  // Short literals ("1", ".exe") occur everywhere; each extra alternative adds chances.
  return Math.min(shortest, 12) * 4 - Math.log2(requirement.length);
}
