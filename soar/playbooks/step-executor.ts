import type { Clock } from '../../platform/clock/index.ts';
import type { Job } from '../../platform/queue/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import type { ActionCatalog, ActionContext, ActionDefinition } from './actions/action.ts';
import { isControlAction } from './actions/action.ts';
import { CONTROL_INPUTS } from './actions/control-actions.ts';
import { compileExpression, isTruthy, renderTemplates } from './expressions.ts';
import { durationMs } from './playbook-schema.ts';
import type { PlaybookDefinition, StepDefinition } from './playbook-schema.ts';
import { approvalLinkMarkers, resolveSecrets, runContext, scrubSecrets } from './run-context.ts';
import type { RunRecord, RunStore, StepRecord } from './run-store.ts';

/** The payload of a step job: references only, never inputs or secrets. */
export interface StepJob {
  readonly tenantId: string;
  readonly runId: string;
  readonly stepId: string;
  /** `step` runs the step; `wake` ends a wait or an approval's timeout. */
  readonly kind: 'step' | 'wake';
  readonly [key: string]: string;
}

export interface StepExecutorDeps {
  readonly relational: Pick<RelationalStore, 'unitOfWork'>;
  readonly runs: RunStore;
  readonly catalog: ActionCatalog;
  readonly clock: Clock;
  readonly readSecret: (tenantId: string, path: string) => Promise<string>;
  readonly redact: (text: string) => string;
  readonly throttle?: (tenantId: string, integration: string) => Promise<void>;
  readonly definitionOf: (run: RunRecord) => Promise<PlaybookDefinition>;
  readonly advance: (run: RunRecord) => Promise<void>;
  readonly startChild: (
    parent: RunRecord,
    step: StepDefinition,
    input: { playbook: string; vars: Record<string, unknown> },
  ) => Promise<void>;
  readonly wake: (run: RunRecord, step: StepDefinition, delayMs: number) => void;
  /** The signed link that decides an approval step of a run (absent: no links). */
  readonly approvalLink?: (run: RunRecord, stepId: string) => string;
}

/** A failure that retrying cannot fix (inputs that do not validate): the step fails at once. */
class PermanentStepError extends Error {}

const ACTOR = { kind: 'playbook', id: 'soar.playbooks' } as const;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs one step job: at-least-once delivery, so it first checks what the step's record says. */
export function createStepExecutor(deps: StepExecutorDeps): {
  execute(job: Job<StepJob>): Promise<void>;
} {
  const { runs, clock, relational } = deps;

  const finish = async (
    run: RunRecord,
    stepId: string,
    change: Partial<StepRecord>,
    from: StepRecord['status'][],
  ): Promise<void> => {
    await relational.unitOfWork(async () => {
      if (await runs.updateStep(run.id, stepId, { ...change, endedAt: clock.now() }, from))
        await deps.advance(run);
    });
  };

  const wakeUp = async (
    run: RunRecord,
    spec: StepDefinition,
    record: StepRecord,
  ): Promise<void> => {
    if (record.status !== 'waiting') return;
    if (spec.action === 'wait') {
      await finish(run, spec.id, { status: 'completed', output: { waited: record.input } }, [
        'waiting',
      ]);
      return;
    }
    const approval = record.approval;
    if (approval === null) return;
    if (clock.now() < approval.deadline) {
      deps.wake(run, spec, approval.deadline - clock.now());
      return;
    }
    await finish(
      run,
      spec.id,
      {
        status: 'completed',
        output: {
          approved: approval.default === 'approve',
          outcome: approval.default,
          decided_by: null,
          decided_at: new Date(clock.now()).toISOString(),
          comment: null,
          timed_out: true,
        },
      },
      ['waiting'],
    );
  };

  const control = async (
    run: RunRecord,
    spec: StepDefinition,
    rendered: unknown,
  ): Promise<void> => {
    if (spec.action === 'wait') {
      const input = CONTROL_INPUTS.wait.parse(rendered);
      const ms = run.dryRun ? 0 : durationMs(input.duration);
      await runs.updateStep(run.id, spec.id, { status: 'waiting', input }, ['running']);
      deps.wake(run, spec, ms);
      return;
    }
    if (spec.action === 'approval') {
      const input = CONTROL_INPUTS.approval.parse(rendered);
      const deadline = clock.now() + (run.dryRun ? 0 : durationMs(input.timeout));
      await runs.updateStep(
        run.id,
        spec.id,
        {
          status: 'waiting',
          input,
          approval: {
            prompt: input.prompt,
            approvers: input.approvers,
            deadline,
            default: input.default,
          },
        },
        ['running'],
      );
      deps.wake(run, spec, deadline - clock.now());
      return;
    }
    const input = CONTROL_INPUTS['playbook.run'].parse(rendered);
    await relational.unitOfWork(async () => {
      if (await runs.updateStep(run.id, spec.id, { status: 'waiting', input }, ['running']))
        await deps.startChild(run, spec, input);
    });
  };

  const runAction = async (
    action: ActionDefinition<never>,
    input: unknown,
    context: ActionContext,
    timeoutMs: number,
  ): Promise<unknown> => {
    const parsed = action.input.safeParse(input);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(inputs)'}: ${issue.message}`)
        .join('; ');
      throw new PermanentStepError(`invalid inputs for ${action.name}: ${detail}`);
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`timed out after ${String(timeoutMs)} ms`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([action.run(parsed.data, context), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };

  /** Why a step found `running` on delivery must not run again, when its action is not idempotent. */
  const interruptedAction = (spec: StepDefinition, record: StepRecord): string | undefined => {
    if (record.status !== 'running' || isControlAction(spec.action)) return undefined;
    const action = deps.catalog.get(spec.action);
    if (action === undefined || action.idempotent) return undefined;
    return `interrupted while running: ${spec.action} is not idempotent, so it was not run again (it may have reached its peer)`;
  };

  return {
    async execute(job) {
      const { tenantId, runId, stepId, kind } = job.data;
      const run = await runs.run(tenantId, runId);
      if (run?.status !== 'running') return;
      const definition = await deps.definitionOf(run);
      const spec = definition.steps.find((s) => s.id === stepId);
      const steps = await runs.steps(run.id);
      const record = steps.find((s) => s.stepId === stepId);
      if (spec === undefined || record === undefined) return;
      if (kind === 'wake') {
        await wakeUp(run, spec, record);
        return;
      }
      if (record.status !== 'queued' && record.status !== 'running') return;
      const interrupted = interruptedAction(spec, record);
      if (interrupted !== undefined) {
        // The process died (or lost its lease) while this action ran: it may have reached its
        // peer. An action that cannot safely run twice is not run again; the step fails, so a
        // failure handler or a person decides.
        await finish(run, spec.id, { status: 'failed', error: interrupted }, ['running']);
        return;
      }
      const context = runContext(run, steps, {
        approval_links: approvalLinkMarkers(definition.steps),
      });
      if (spec.if !== undefined && !isTruthy(await compileExpression(spec.if).evaluate(context))) {
        await finish(run, spec.id, { status: 'skipped', output: { condition: false } }, [
          'queued',
          'running',
        ]);
        return;
      }
      const started = await runs.updateStep(
        run.id,
        spec.id,
        {
          status: 'running',
          attempts: job.attempt,
          startedAt: record.startedAt ?? clock.now(),
          error: null,
        },
        ['queued', 'running'],
      );
      if (!started) return;
      const secrets = new Map<string, string>();
      const scrub = (text: string): string => deps.redact(scrubSecrets(text, secrets));
      let recorded: unknown = null;
      try {
        if (isControlAction(spec.action)) {
          await control(run, spec, await renderTemplates(spec.with, context));
          return;
        }
        const action = deps.catalog.get(spec.action);
        if (action === undefined) throw new PermanentStepError(`unknown action ${spec.action}`);
        const items =
          spec.for_each === undefined
            ? undefined
            : await compileExpression(spec.for_each).evaluate(context);
        const list =
          items === undefined
            ? undefined
            : Array.isArray(items)
              ? items
              : items === null
                ? []
                : [items];
        const once = async (
          extra: Record<string, unknown>,
          key: string,
        ): Promise<{ input: unknown; output: unknown }> => {
          const input = await renderTemplates(spec.with, { ...context, ...extra });
          if (list === undefined) recorded = input;
          if (run.dryRun) return { input, output: { dry_run: true, action: spec.action } };
          const link = deps.approvalLink;
          const resolved = await resolveSecrets(
            input,
            (path) => deps.readSecret(tenantId, path),
            secrets,
            link === undefined
              ? undefined
              : (stepId) =>
                  definition.steps.some((s) => s.id === stepId && s.action === 'approval')
                    ? link(run, stepId)
                    : undefined,
          );
          await deps.throttle?.(tenantId, action.integration);
          const output = await runAction(
            action,
            resolved,
            {
              tenantId,
              runId: run.id,
              stepId: spec.id,
              idempotencyKey: key,
              attempt: job.attempt,
              signal: AbortSignal.timeout(durationMs(spec.timeout)),
              alertId: run.trigger.alertId ?? null,
              actor: ACTOR,
            },
            durationMs(spec.timeout),
          );
          return { input, output: output ?? null };
        };
        let output: unknown;
        if (list === undefined) {
          const result = await once({}, `${run.id}.${spec.id}`);
          recorded = result.input;
          output = result.output;
        } else {
          const results: { input: unknown; output: unknown }[] = new Array<{
            input: unknown;
            output: unknown;
          }>(list.length);
          let next = 0;
          const lane = async (): Promise<void> => {
            while (next < list.length) {
              const index = next++;
              results[index] = await once(
                { item: list[index], index },
                `${run.id}.${spec.id}#${String(index)}`,
              );
            }
          };
          await Promise.all(Array.from({ length: Math.min(spec.max_parallel, list.length) }, lane));
          recorded = results.map((r) => r.input);
          output = results.map((r) => r.output);
        }
        const clean = JSON.parse(scrub(JSON.stringify(output ?? null))) as unknown;
        await finish(
          run,
          spec.id,
          { status: 'completed', input: recorded, output: clean, error: null },
          ['running'],
        );
      } catch (err) {
        const message = scrub(errorText(err)).slice(0, 4_000);
        const final = err instanceof PermanentStepError || job.attempt >= job.maxAttempts;
        if (!final) {
          await runs.updateStep(run.id, spec.id, { status: 'queued', error: message }, ['running']);
          // The queue waits the step's backoff and delivers the job again. Only the scrubbed
          // message travels: the original error may quote a secret.
          // eslint-disable-next-line preserve-caught-error
          throw new Error(message);
        }
        await finish(run, spec.id, { status: 'failed', input: recorded, error: message }, [
          'running',
        ]);
      }
    },
  };
}
