import type { Writable } from 'node:stream';

// How `secops playbooks run` shows a run: the server's run view (GET /runs/:id) for people.

/** A step as `GET /runs/:id` answers it (the fields the command reads). */
export interface StepView {
  readonly id: string;
  readonly status: string;
  readonly error: string | null;
  readonly durationMs: number | null;
  readonly approval: {
    readonly prompt: string;
    readonly approvers: readonly string[];
    readonly deadline: string;
    readonly default: string;
  } | null;
}

/** A run as `POST /playbooks/:id/runs` and `GET /runs/:id` answer it. */
export interface RunView {
  readonly id: string;
  readonly playbookId: string;
  readonly playbookVersion: number;
  readonly status: string;
  readonly dryRun: boolean;
  readonly durationMs: number | null;
  readonly error: string | null;
  readonly started?: boolean;
  readonly steps?: readonly StepView[];
}

/** Whether a server's answer has the shape of a run view. */
export function isRunView(body: unknown): body is RunView {
  if (typeof body !== 'object' || body === null) return false;
  const run = body as Record<string, unknown>;
  return (
    typeof run.id === 'string' &&
    typeof run.status === 'string' &&
    (run.steps === undefined || Array.isArray(run.steps))
  );
}

const FINISHED = new Set(['completed', 'failed', 'skipped', 'cancelled']);

/** A step waiting for someone's decision (a `wait` step also waits, on a timer). */
export const awaitsApproval = (step: StepView): boolean =>
  step.status === 'waiting' && step.approval !== null;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The run on one line: id, status, playbook and version; how it ended when it has. */
export function formatRunHeader(run: RunView): string {
  const took = run.durationMs === null ? '' : ` in ${seconds(run.durationMs)}`;
  const notes = [
    `playbook ${run.playbookId} version ${String(run.playbookVersion)}`,
    ...(run.dryRun ? ['dry run'] : []),
    ...(run.started === false ? ['started earlier with this idempotency key'] : []),
  ];
  const error = run.error === null ? '' : `: ${run.error}`;
  return `run ${run.id} ${run.status}${took}${error} (${notes.join(', ')})\n`;
}

/** What the approver is asked, who may decide, until when, and how. */
export function approvalNote(runId: string, step: StepView): string {
  const approval = step.approval;
  if (approval === null) return 'waiting';
  const who = approval.approvers.length > 0 ? `approvers: ${approval.approvers.join(', ')}; ` : '';
  return `waiting for approval: ${approval.prompt} (${who}until ${approval.deadline}, then ${approval.default}; decide with POST /runs/${runId}/steps/${step.id}/decision or the signed link)`;
}

/** The run's header, then one line per step: id, status, time taken, error or pending approval. */
export function formatRun(run: RunView): string {
  const steps = run.steps ?? [];
  const width = Math.max(0, ...steps.map((s) => s.id.length));
  const lines = steps.map((step) => {
    const detail = awaitsApproval(step)
      ? approvalNote(run.id, step)
      : [
          step.status,
          ...(step.durationMs === null ? [] : [seconds(step.durationMs)]),
          ...(step.error === null ? [] : [step.error]),
        ].join('  ');
    return `  ${step.id.padEnd(width)}  ${detail}\n`;
  });
  return formatRunHeader(run) + lines.join('');
}

/** Progress of a followed run on one line: steps finished of all, and those under way. */
export function progressLine(run: RunView): string {
  const steps = run.steps ?? [];
  const done = steps.filter((s) => FINISHED.has(s.status)).length;
  const by = (status: string): string[] =>
    steps.filter((s) => s.status === status).map((s) => s.id);
  const parts = [`${String(done)}/${String(steps.length)} steps done`];
  for (const status of ['running', 'queued', 'waiting']) {
    const ids = by(status);
    if (ids.length > 0) parts.push(`${status}: ${ids.join(', ')}`);
  }
  return `run ${run.id} ${run.status}: ${parts.join('; ')}`;
}

/**
 * A status line on a terminal (rewritten in place), silent elsewhere; notes (a step waiting
 * for approval) are printed as lines either way.
 */
export function createRunProgress(stream: Writable) {
  const interactive = (stream as { isTTY?: boolean }).isTTY === true;
  let shown = '';
  const clear = (): void => {
    if (interactive && shown !== '') stream.write('\r\x1b[K');
  };
  return {
    update(line: string): void {
      if (!interactive || line === shown) return;
      clear();
      stream.write(line);
      shown = line;
    },
    note(line: string): void {
      clear();
      stream.write(`${line}\n`);
      if (interactive && shown !== '') stream.write(shown);
    },
    stop(): void {
      clear();
      shown = '';
    },
  };
}
