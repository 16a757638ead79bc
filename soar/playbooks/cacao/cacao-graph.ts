import type { Issues, Path } from './cacao-issues.ts';

/** `success` (on_completion, on_success), `failure` (on_failure), `branch` (a parallel's next_steps). */
export type EdgeKind = 'success' | 'failure' | 'branch';

/** One next-step pointer of the workflow. */
export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly path: Path;
}

const POINTERS = ['on_completion', 'on_success', 'on_failure'] as const;
const KIND: Readonly<Record<(typeof POINTERS)[number], EdgeKind>> = {
  on_completion: 'success',
  on_success: 'success',
  on_failure: 'failure',
};

/** The next-step pointers of one step, checked against what its type allows. */
export function edgesOf(
  key: string,
  step: Readonly<Record<string, unknown>>,
  type: string,
  issues: Issues,
): Edge[] {
  const at = (...rest: PropertyKey[]): Path => ['workflow', key, ...rest];
  const present = POINTERS.filter((field) => step[field] !== undefined);
  if (type === 'end') {
    for (const field of present) issues.add(at(field), 'an end step has no next step');
    return [];
  }
  if (type === 'start') {
    for (const field of present)
      if (field !== 'on_completion')
        issues.add(at(field), 'a start step continues with on_completion only');
  } else if (present.includes('on_completion') && present.length > 1)
    issues.add(
      at('on_completion'),
      'on_completion cannot be combined with on_success or on_failure',
    );
  const edges: Edge[] = [];
  for (const field of present) {
    const to = step[field];
    if (typeof to === 'string') edges.push({ from: key, to, kind: KIND[field], path: at(field) });
    else issues.add(at(field), 'must be the id of a workflow step');
  }
  if (type === 'parallel') {
    const next = step.next_steps;
    if (!Array.isArray(next) || next.length === 0)
      issues.add(
        at('next_steps'),
        'a parallel step needs next_steps (the steps to run in parallel)',
      );
    else
      next.forEach((to: unknown, index) => {
        if (typeof to === 'string')
          edges.push({ from: key, to, kind: 'branch', path: at('next_steps', index) });
        else issues.add(at('next_steps', index), 'must be the id of a workflow step');
      });
  }
  return edges;
}

function bySource(edges: readonly Edge[]): Map<string, Edge[]> {
  const out = new Map<string, Edge[]>();
  for (const edge of edges) out.set(edge.from, [...(out.get(edge.from) ?? []), edge]);
  return out;
}

/** The steps reachable from `start`, itself included. */
export function reachableFrom(start: string, edges: readonly Edge[]): Set<string> {
  const out = bySource(edges);
  const seen = new Set([start]);
  const queue = [start];
  for (let key = queue.shift(); key !== undefined; key = queue.shift())
    for (const edge of out.get(key) ?? [])
      if (!seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
  return seen;
}

/** The first loop found (the edge that closes it, and the steps around it), if any. */
export function findLoop(
  keys: readonly string[],
  edges: readonly Edge[],
): { readonly edge: Edge; readonly loop: readonly string[] } | undefined {
  const out = bySource(edges);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (key: string): { edge: Edge; loop: string[] } | undefined => {
    state.set(key, 'visiting');
    stack.push(key);
    for (const edge of out.get(key) ?? []) {
      const seen = state.get(edge.to);
      if (seen === 'visiting')
        return { edge, loop: [...stack.slice(stack.indexOf(edge.to)), edge.to] };
      if (seen === undefined) {
        const found = visit(edge.to);
        if (found !== undefined) return found;
      }
    }
    stack.pop();
    state.set(key, 'done');
    return undefined;
  };
  for (const key of keys) {
    if (state.has(key)) continue;
    const found = visit(key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Stands for the workflow start among the steps a step is reached from. */
export const FROM_START = '';

/**
 * For each action step, the action steps it is reached from and on which outcomes of theirs
 * (`success`, `failure`). Start and parallel steps are passed through (a parallel's branches are
 * reached on the outcome that reached the parallel step), end steps end a path. The workflow must
 * be free of loops.
 */
export function reachedFrom(
  start: string,
  isAction: (key: string) => boolean,
  edges: readonly Edge[],
): Map<string, Map<string, Set<'success' | 'failure'>>> {
  const out = bySource(edges);
  const result = new Map<string, Map<string, Set<'success' | 'failure'>>>();
  const reach = (key: string, from: string, kind: 'success' | 'failure'): void => {
    if (isAction(key)) {
      const sources = result.get(key) ?? new Map<string, Set<'success' | 'failure'>>();
      result.set(key, sources.set(from, (sources.get(from) ?? new Set()).add(kind)));
      return;
    }
    for (const edge of out.get(key) ?? []) reach(edge.to, from, kind);
  };
  reach(start, FROM_START, 'success');
  for (const [from, list] of out)
    if (isAction(from))
      for (const edge of list)
        reach(edge.to, from, edge.kind === 'failure' ? 'failure' : 'success');
  return result;
}
