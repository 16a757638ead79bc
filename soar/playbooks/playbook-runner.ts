import { CronExpressionParser } from 'cron-parser';
import type { Alert } from '../../detections/index.ts';
import type { Clock } from '../../platform/clock/index.ts';
import type { IdGenerator } from '../../platform/ids/index.ts';
import type { JobQueue, QueueWorker } from '../../platform/queue/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import { SoarError } from '../errors.ts';
import type { ActionCatalog } from './actions/action.ts';
import { isControlAction } from './actions/action.ts';
import { CONTROL_INPUTS } from './actions/control-actions.ts';
import { compileExpression, isTruthy } from './expressions.ts';
import { durationMs } from './playbook-schema.ts';
import type { PlaybookDefinition, StepDefinition } from './playbook-schema.ts';
import { alertForExpressions } from './run-context.ts';
import type { PlaybookRecord, RunRecord, RunStore, RunTrigger, StepRecord } from './run-store.ts';
import { createStepExecutor } from './step-executor.ts';
import type { StepJob } from './step-executor.ts';
import { isFinished, readiness } from './step-graph.ts';
import type { StepStatus } from './step-graph.ts';

export interface PlaybookRunnerDeps {
  readonly relational: Pick<RelationalStore, 'unitOfWork' | 'onCommit'>;
  readonly runs: RunStore;
  readonly queue: JobQueue;
  readonly catalog: ActionCatalog;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Reads the value of a secret a step's `{ secret: path }` input names. */
  readonly readSecret: (tenantId: string, path: string) => Promise<string>;
  /** Masks secrets in free text (the platform's scanner). */
  readonly redact: (text: string) => string;
  /** Jobs each integration lane runs at once (`default` for the rest). */
  readonly concurrency?: Readonly<Record<string, number>>;
  /** Waits until the integration may be called again (a shared rate limit); resolves at once when unlimited. */
  readonly throttle?: (tenantId: string, integration: string) => Promise<void>;
  readonly onError?: (error: unknown, where: string) => void;
  /** The signed link that decides an approval step (templates read it as `approval_links.<step>`). */
  readonly approvalLink?: (run: RunRecord, stepId: string) => string;
}

export interface StartOptions {
  readonly vars?: Readonly<Record<string, unknown>>;
  readonly alert?: Alert;
  readonly dryRun?: boolean;
}

export interface SlaBreach {
  readonly tenantId: string;
  readonly alertId: string;
  readonly clock: 'acknowledge' | 'resolve';
  readonly severity: Alert['severity'];
  readonly dueAt: number;
}

export interface Decision {
  readonly outcome: 'approve' | 'reject';
  readonly comment?: string;
}

/** Runs playbooks: every step a durable job, the run's state in the relational store. */
export interface PlaybookRunner {
  /** Starts a run of a playbook's newest version; idempotent by the trigger's key. */
  start(
    tenantId: string,
    playbookId: string,
    trigger: RunTrigger,
    options?: StartOptions,
  ): Promise<{ readonly run: RunRecord; readonly started: boolean }>;
  /** Starts the playbooks whose alert trigger matches; call inside the unit of work that opened the alerts. */
  onAlertsOpened(alerts: readonly Alert[]): Promise<void>;
  /** Starts the playbooks whose `sla_breach` trigger matches a breach (once per alert and clock). */
  onSlaBreach(breach: SlaBreach, alert: Alert | undefined): Promise<number>;
  /**
   * Starts the scheduled playbooks of these tenants due in `(from, to]` (each due time once,
   * whichever process sees it first). Returns the runs started.
   */
  startScheduled(tenantIds: readonly string[], from: number, to: number): Promise<number>;
  /**
   * Dry-runs a playbook on each past alert its alert trigger matches (the `train` command): the
   * conditions, templates and branches are evaluated, no action is called. `key` makes it
   * idempotent. Returns the runs started, by alert.
   */
  train(
    tenantId: string,
    playbookId: string,
    alerts: readonly Alert[],
    key: string,
  ): Promise<{ readonly alertId: string; readonly runId: string }[]>;
  /** Decides a waiting approval step. */
  decide(
    tenantId: string,
    runId: string,
    stepId: string,
    decision: Decision,
    actor: {
      readonly id: string;
      readonly roles: readonly string[];
      /** Decided through the step's signed link: its holder was chosen by the playbook. */
      readonly viaLink?: boolean;
    },
  ): Promise<StepRecord>;
  cancel(tenantId: string, runId: string, actor: { readonly id: string }): Promise<RunRecord>;
  /** Re-enqueues the jobs of every running run (after a restart, or a lost enqueue). Returns runs seen. */
  recover(): Promise<number>;
  /** Starts a worker per integration lane. */
  startWorkers(): void;
  /** Changes a lane's concurrency (`default` changes every lane without its own). */
  setConcurrency(lane: string, concurrency: number): void;
  concurrency(): Record<string, number>;
  /** Forgets cached playbook lists (after a playbook is saved). */
  invalidate(tenantId: string): void;
  close(): Promise<void>;
}

/** The queue a step's job goes to: one per integration, so each has its own concurrency. */
export function laneOf(step: StepDefinition, catalog: ActionCatalog): string {
  return isControlAction(step.action)
    ? 'control'
    : (catalog.get(step.action)?.integration ?? 'default');
}

const queueOf = (lane: string): string => `soar.step.${lane}`;

export function createPlaybookRunner(deps: PlaybookRunnerDeps): PlaybookRunner {
  const { runs, queue, catalog, clock, relational } = deps;
  const onError = deps.onError ?? (() => undefined);
  const definitions = new Map<string, PlaybookDefinition>();
  const tenantPlaybooks = new Map<string, { at: number; list: PlaybookRecord[] }>();
  const workers = new Map<string, QueueWorker>();
  const lanes = new Map<string, number>();
  const defaultConcurrency = deps.concurrency?.default ?? 4;

  const definitionOf = async (run: RunRecord): Promise<PlaybookDefinition> => {
    const key = `${run.tenantId}/${run.playbookId}@${String(run.playbookVersion)}`;
    const cached = definitions.get(key);
    if (cached !== undefined) return cached;
    const record = await runs.playbook(run.tenantId, run.playbookId, run.playbookVersion);
    if (record === undefined) throw new SoarError('SOAR_PLAYBOOK_NOT_FOUND', `no playbook ${key}`);
    definitions.set(key, record.definition);
    return record.definition;
  };

  const stepJob = (run: RunRecord, step: StepDefinition, kind: StepJob['kind'], delayMs = 0) => ({
    lane: kind === 'wake' ? 'control' : laneOf(step, catalog),
    data: { tenantId: run.tenantId, runId: run.id, stepId: step.id, kind } satisfies StepJob,
    jobId: `${run.id}.${step.id}${kind === 'wake' ? '.wake' : ''}`,
    delayMs,
    attempts: kind === 'wake' ? 3 : (step.retry?.attempts ?? 1),
    backoff:
      step.retry === undefined
        ? undefined
        : { type: step.retry.backoff, delayMs: durationMs(step.retry.delay) },
  });
  type Scheduled = ReturnType<typeof stepJob>;

  /** Hands jobs to the queue once the unit of work they belong to has committed. */
  const schedule = (jobs: readonly Scheduled[]): void => {
    if (jobs.length === 0) return;
    relational.onCommit(() => {
      void Promise.all(
        jobs.map((job) =>
          queue.add(queueOf(job.lane), job.data, {
            jobId: job.jobId,
            delayMs: job.delayMs,
            attempts: job.attempts,
            ...(job.backoff === undefined ? {} : { backoff: job.backoff }),
          }),
        ),
      ).catch((err: unknown) => {
        // The run stays recorded; recovery enqueues its steps again.
        onError(err, 'enqueue');
      });
    });
  };

  /** Status a need counts as: a failure of a `continue_on_error` step counts as completed. */
  const effective = (definition: PlaybookDefinition, step: StepRecord): StepStatus => {
    const spec = definition.steps.find((s) => s.id === step.stepId);
    return step.status === 'failed' && spec?.continue_on_error === true ? 'completed' : step.status;
  };

  /**
   * Queues the steps whose needs are met, skips those that can no longer run, and ends the run
   * when every step has finished. Call inside a unit of work.
   */
  const advance = async (run: RunRecord): Promise<void> => {
    const definition = await definitionOf(run);
    await runs.lockRun(run.id);
    const steps = await runs.steps(run.id);
    const byId = new Map(steps.map((step) => [step.stepId, step]));
    const jobs: Scheduled[] = [];
    for (let changed = true; changed;) {
      changed = false;
      for (const spec of definition.steps) {
        const record = byId.get(spec.id);
        if (record?.status !== 'pending') continue;
        const needs = spec.needs.map((need) => {
          const found = byId.get(need);
          return found === undefined ? 'skipped' : effective(definition, found);
        });
        const next = readiness(spec.when, needs);
        if (next === 'wait') continue;
        const now = clock.now();
        const status: StepStatus = next === 'run' ? 'queued' : 'skipped';
        const moved = await runs.updateStep(
          run.id,
          spec.id,
          next === 'run' ? { status, queuedAt: now } : { status, endedAt: now },
          ['pending'],
        );
        byId.set(spec.id, { ...record, status });
        if (next === 'run' && moved) jobs.push(stepJob(run, spec, 'step'));
        else changed = true;
      }
    }
    schedule(jobs);
    const all = [...byId.values()];
    if (all.every((step) => isFinished(step.status))) {
      const failed = all.filter(
        (step) => step.status === 'failed' && effective(definition, step) === 'failed',
      );
      const status = failed.length > 0 ? 'failed' : 'completed';
      const error =
        failed.length > 0 ? `failed steps: ${failed.map((s) => s.stepId).join(', ')}` : null;
      if (await runs.finishRun(run.id, status, clock.now(), error)) await finishParent(run, status);
    }
  };

  /** A sub-playbook's end completes (or fails) the step of the run that started it. */
  const finishParent = async (
    child: RunRecord,
    status: 'completed' | 'failed' | 'cancelled',
  ): Promise<void> => {
    const { parentRunId, parentStepKey } = child.trigger;
    if (parentRunId === undefined || parentStepKey === undefined) return;
    const parent = await runs.run(child.tenantId, parentRunId);
    if (parent?.status !== 'running') return;
    const done = await runs.updateStep(
      parent.id,
      parentStepKey,
      {
        status: status === 'completed' ? 'completed' : 'failed',
        output: { run_id: child.id, status },
        error: status === 'completed' ? null : `sub-playbook run ${child.id} ${status}`,
        endedAt: clock.now(),
      },
      ['waiting'],
    );
    if (done) await advance(parent);
  };

  const insertAndAdvance = async (
    tenantId: string,
    record: PlaybookRecord,
    trigger: RunTrigger,
    options: StartOptions,
  ): Promise<{ run: RunRecord; started: boolean }> => {
    const run: RunRecord = {
      id: deps.ids.uuidv7(),
      tenantId,
      playbookId: record.id,
      playbookVersion: record.version,
      status: 'running',
      trigger,
      context: {
        alert: options.alert === undefined ? null : alertForExpressions(options.alert),
        vars: { ...record.definition.vars, ...options.vars },
      },
      dryRun: options.dryRun === true,
      startedAt: clock.now(),
      endedAt: null,
      error: null,
    };
    const steps: StepRecord[] = record.definition.steps.map((step) => ({
      runId: run.id,
      stepId: step.id,
      status: 'pending',
      attempts: 0,
      input: null,
      output: null,
      error: null,
      queuedAt: null,
      startedAt: null,
      endedAt: null,
      approval: null,
    }));
    const started = await runs.insertRun(run, steps);
    if (!started) {
      const existing = await runs.runByTrigger(tenantId, record.id, trigger.key);
      return { run: existing ?? run, started: false };
    }
    definitions.set(`${tenantId}/${record.id}@${String(record.version)}`, record.definition);
    await advance(run);
    return { run, started: true };
  };

  const executor = createStepExecutor({
    ...deps,
    definitionOf,
    advance,
    startChild: async (parent, step, input) => {
      const record = await runs.playbook(parent.tenantId, input.playbook);
      if (record === undefined)
        throw new SoarError('SOAR_PLAYBOOK_NOT_FOUND', `no playbook ${input.playbook}`);
      await insertAndAdvance(
        parent.tenantId,
        record,
        {
          kind: 'playbook',
          key: `run:${parent.id}:${step.id}`,
          parentRunId: parent.id,
          parentStepKey: step.id,
        },
        { vars: input.vars, dryRun: parent.dryRun },
      );
    },
    wake: (run, step, delayMs) => {
      schedule([stepJob(run, step, 'wake', delayMs)]);
    },
  });

  const alertMatches = async (playbook: PlaybookDefinition, alert: Alert): Promise<boolean> => {
    const trigger = playbook.trigger.alert;
    if (trigger === undefined || !playbook.enabled) return false;
    if (
      trigger.rules !== undefined &&
      !trigger.rules.some((r) => r === alert.ruleRef || r === alert.ruleTitle)
    )
      return false;
    if (trigger.severities !== undefined && !trigger.severities.includes(alert.severity))
      return false;
    const view = alertForExpressions(alert);
    if (trigger.tags !== undefined) {
      const tags = new Set((view.tags as string[]).map((tag) => tag.toLowerCase()));
      if (!trigger.tags.some((tag) => tags.has(tag.toLowerCase()))) return false;
    }
    if (trigger.where === undefined) return true;
    try {
      return isTruthy(await compileExpression(trigger.where).evaluate({ alert: view }));
    } catch (err) {
      onError(err, `trigger of playbook ${playbook.id}`);
      return false;
    }
  };

  const playbooksOf = async (tenantId: string): Promise<PlaybookRecord[]> => {
    const cached = tenantPlaybooks.get(tenantId);
    // Other processes may save playbooks too: a short lifetime bounds how stale a list can be.
    if (cached !== undefined && clock.now() - cached.at < 10_000) return cached.list;
    const list = await runs.playbooks(tenantId);
    tenantPlaybooks.set(tenantId, { at: clock.now(), list });
    return list;
  };

  const laneConcurrency = (lane: string): number =>
    lanes.get(lane) ?? deps.concurrency?.[lane] ?? defaultConcurrency;

  const ensureWorker = (lane: string): void => {
    if (workers.has(lane)) return;
    workers.set(
      lane,
      queue.work<StepJob>(queueOf(lane), (job) => executor.execute(job), {
        concurrency: laneConcurrency(lane),
      }),
    );
  };

  return {
    async start(tenantId, playbookId, trigger, options = {}) {
      const record = await runs.playbook(tenantId, playbookId);
      if (record === undefined)
        throw new SoarError('SOAR_PLAYBOOK_NOT_FOUND', `no playbook ${playbookId}`, {
          details: { playbookId },
        });
      return relational.unitOfWork(() => insertAndAdvance(tenantId, record, trigger, options));
    },

    async onAlertsOpened(alerts) {
      for (const alert of alerts) {
        for (const record of await playbooksOf(alert.tenantId)) {
          if (!(await alertMatches(record.definition, alert))) continue;
          await insertAndAdvance(
            alert.tenantId,
            record,
            { kind: 'alert', key: `alert:${alert.id}`, alertId: alert.id },
            { alert },
          );
        }
      }
    },

    async train(tenantId, playbookId, alerts, key) {
      const record = await runs.playbook(tenantId, playbookId);
      if (record === undefined)
        throw new SoarError('SOAR_PLAYBOOK_NOT_FOUND', `no playbook ${playbookId}`);
      // Matching ignores `enabled`: a disabled playbook is exactly one to try before enabling.
      const definition = { ...record.definition, enabled: true };
      const started: { alertId: string; runId: string }[] = [];
      for (const alert of alerts) {
        if (!(await alertMatches(definition, alert))) continue;
        const { run } = await relational.unitOfWork(() =>
          insertAndAdvance(
            tenantId,
            record,
            { kind: 'train', key: `${key}:${alert.id}`, alertId: alert.id },
            { alert, dryRun: true },
          ),
        );
        started.push({ alertId: alert.id, runId: run.id });
      }
      return started;
    },

    async onSlaBreach(breach, alert) {
      let started = 0;
      for (const record of await playbooksOf(breach.tenantId)) {
        const trigger = record.definition.trigger.sla_breach;
        if (trigger === undefined || !record.definition.enabled) continue;
        if (trigger.clocks !== undefined && !trigger.clocks.includes(breach.clock)) continue;
        if (trigger.severities !== undefined && !trigger.severities.includes(breach.severity))
          continue;
        const result = await relational.unitOfWork(() =>
          insertAndAdvance(
            breach.tenantId,
            record,
            {
              kind: 'sla',
              key: `sla:${breach.alertId}:${breach.clock}`,
              alertId: breach.alertId,
            },
            {
              ...(alert === undefined ? {} : { alert }),
              vars: {
                sla: {
                  clock: breach.clock,
                  due_at: new Date(breach.dueAt).toISOString(),
                  severity: breach.severity,
                },
              },
            },
          ),
        );
        if (result.started) started++;
      }
      return started;
    },

    async startScheduled(tenantIds, from, to) {
      let started = 0;
      for (const tenantId of tenantIds) {
        for (const record of await playbooksOf(tenantId)) {
          const cron = record.definition.trigger.schedule?.cron;
          if (cron === undefined || !record.definition.enabled) continue;
          // A long outage does not start a burst of runs: the last three due times only, looked
          // for in the week before `to` at most.
          const due: number[] = [];
          try {
            const times = CronExpressionParser.parse(cron, {
              tz: 'UTC',
              currentDate: new Date(Math.max(from, to - 7 * 86_400_000)),
              endDate: new Date(to),
            });
            while (times.hasNext()) {
              due.push(times.next().getTime());
              if (due.length > 3) due.shift();
            }
          } catch (err) {
            onError(err, `schedule of playbook ${record.id}`);
            continue;
          }
          for (const at of due) {
            const result = await relational.unitOfWork(() =>
              insertAndAdvance(
                tenantId,
                record,
                { kind: 'schedule', key: `schedule:${new Date(at).toISOString()}` },
                { vars: { scheduled_at: new Date(at).toISOString() } },
              ),
            );
            if (result.started) started++;
          }
        }
      }
      return started;
    },

    async decide(tenantId, runId, stepId, decision, actor) {
      return relational.unitOfWork(async () => {
        const run = await runs.run(tenantId, runId);
        if (run === undefined) throw new SoarError('SOAR_RUN_NOT_FOUND', `no run ${runId}`);
        const step = (await runs.steps(run.id)).find((s) => s.stepId === stepId);
        if (step?.approval === null || step === undefined)
          throw new SoarError('SOAR_RUN_NOT_FOUND', `no approval step ${stepId} in run ${runId}`);
        if (step.status !== 'waiting' || run.status !== 'running')
          throw new SoarError(
            'SOAR_RUN_CONFLICT',
            `step ${stepId} is ${step.status}, not waiting for a decision`,
          );
        const { approvers } = step.approval;
        if (
          actor.viaLink !== true &&
          approvers.length > 0 &&
          !approvers.some((a) => a === actor.id || actor.roles.includes(a))
        )
          throw new SoarError(
            'SOAR_RUN_CONFLICT',
            `only ${approvers.join(', ')} may decide step ${stepId}`,
            {
              details: { approvers },
            },
          );
        const now = clock.now();
        const output = {
          approved: decision.outcome === 'approve',
          outcome: decision.outcome,
          decided_by: actor.id,
          decided_at: new Date(now).toISOString(),
          comment: decision.comment === undefined ? null : deps.redact(decision.comment),
          timed_out: false,
        };
        await runs.updateStep(run.id, stepId, { status: 'completed', output, endedAt: now }, [
          'waiting',
        ]);
        await advance(run);
        return { ...step, status: 'completed', output, endedAt: now };
      });
    },

    async cancel(tenantId, runId, actor) {
      return relational.unitOfWork(async () => {
        const run = await runs.run(tenantId, runId);
        if (run === undefined) throw new SoarError('SOAR_RUN_NOT_FOUND', `no run ${runId}`);
        if (run.status !== 'running')
          throw new SoarError(
            'SOAR_RUN_CONFLICT',
            `run ${runId} has already ended (${run.status})`,
          );
        const now = clock.now();
        for (const step of await runs.steps(run.id))
          if (!isFinished(step.status))
            await runs.updateStep(run.id, step.stepId, {
              status: 'cancelled',
              endedAt: now,
              error: `cancelled by ${actor.id}`,
            });
        await runs.finishRun(run.id, 'cancelled', now, `cancelled by ${actor.id}`);
        await finishParent(run, 'cancelled');
        return { ...run, status: 'cancelled', endedAt: now, error: `cancelled by ${actor.id}` };
      });
    },

    async recover() {
      const running = await runs.runningRuns(10_000);
      for (const run of running) {
        try {
          await relational.unitOfWork(async () => {
            const definition = await definitionOf(run);
            const jobs: Scheduled[] = [];
            for (const step of await runs.steps(run.id)) {
              const spec = definition.steps.find((s) => s.id === step.stepId);
              if (spec === undefined) continue;
              if (step.status === 'queued' || step.status === 'running')
                jobs.push(stepJob(run, spec, 'step'));
              if (step.status === 'waiting' && spec.action !== 'playbook.run') {
                const due =
                  step.approval?.deadline ??
                  (step.startedAt ?? clock.now()) +
                    durationMs(CONTROL_INPUTS.wait.parse(step.input).duration);
                jobs.push(stepJob(run, spec, 'wake', Math.max(0, due - clock.now())));
              }
            }
            schedule(jobs);
            await advance(run);
          });
        } catch (err) {
          onError(err, `recovery of run ${run.id}`);
        }
      }
      return running.length;
    },

    startWorkers() {
      const names = new Set([
        'control',
        'default',
        ...[...catalog.values()].map((a) => a.integration),
      ]);
      for (const lane of names) ensureWorker(lane);
    },

    setConcurrency(lane, concurrency) {
      if (lane === 'default') {
        for (const [name, worker] of workers)
          if (!lanes.has(name) && deps.concurrency?.[name] === undefined)
            worker.concurrency = concurrency;
      } else {
        const worker = workers.get(lane);
        if (worker === undefined)
          throw new SoarError('SOAR_INVALID_REQUEST', `no integration lane ${lane}`, {
            issues: [{ path: 'lane', message: `one of ${[...workers.keys()].join(', ')}` }],
          });
        worker.concurrency = concurrency;
      }
      lanes.set(lane, concurrency);
    },

    concurrency() {
      return Object.fromEntries([...workers].map(([lane, worker]) => [lane, worker.concurrency]));
    },

    invalidate(tenantId) {
      tenantPlaybooks.delete(tenantId);
    },

    async close() {
      await Promise.all([...workers.values()].map((worker) => worker.close()));
      workers.clear();
    },
  };
}
