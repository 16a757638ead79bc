/** The part of a step the graph needs. */
export interface GraphStep {
  readonly id: string;
  readonly needs: readonly string[];
}

/** Problems of a step graph: duplicate ids, unknown or self needs, cycles. Empty when sound. */
export function graphProblems(
  steps: readonly GraphStep[],
): { readonly index: number; readonly field: 'id' | 'needs'; readonly message: string }[] {
  const problems: { index: number; field: 'id' | 'needs'; message: string }[] = [];
  const first = new Map<string, number>();
  steps.forEach((step, index) => {
    const earlier = first.get(step.id);
    if (earlier === undefined) first.set(step.id, index);
    else
      problems.push({
        index,
        field: 'id',
        message: `step id ${step.id} is already used by step ${String(earlier + 1)}`,
      });
  });
  steps.forEach((step, index) => {
    for (const need of step.needs) {
      if (need === step.id)
        problems.push({ index, field: 'needs', message: 'a step cannot need itself' });
      else if (!first.has(need))
        problems.push({ index, field: 'needs', message: `needs unknown step ${need}` });
    }
  });
  if (problems.length > 0) return problems;
  const cycle = findCycle(steps);
  if (cycle !== undefined) {
    const index = steps.findIndex((step) => step.id === cycle[0]);
    problems.push({
      index,
      field: 'needs',
      message: `steps need each other in a cycle: ${cycle.join(' → ')}`,
    });
  }
  return problems;
}

function findCycle(steps: readonly GraphStep[]): string[] | undefined {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const seen = state.get(id);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const need of byId.get(id)?.needs ?? []) {
      const found = visit(need);
      if (found !== undefined) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const step of steps) {
    const found = visit(step.id);
    if (found !== undefined) return found.reverse();
  }
  return undefined;
}

/** Where a step stands in a run. */
export type StepStatus =
  'pending' | 'queued' | 'running' | 'waiting' | 'completed' | 'failed' | 'skipped' | 'cancelled';

export const FINISHED_STATUSES: readonly StepStatus[] = [
  'completed',
  'failed',
  'skipped',
  'cancelled',
];

export function isFinished(status: StepStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}

/** What to do with a pending step once everything it needs has finished. */
export type Readiness = 'wait' | 'run' | 'skip';

/**
 * Whether a pending step can start: `wait` while a needed step is unfinished; then `run` or
 * `skip` by its `when`: `success` runs when every needed step completed, `failure` when one
 * failed, `always` in either case. A skipped need counts as not completed.
 */
export function readiness(
  when: 'success' | 'failure' | 'always',
  needs: readonly StepStatus[],
): Readiness {
  if (!needs.every(isFinished)) return 'wait';
  if (when === 'always') return 'run';
  const failed = needs.some((status) => status === 'failed');
  if (when === 'failure') return failed ? 'run' : 'skip';
  return needs.every((status) => status === 'completed') ? 'run' : 'skip';
}
