/**
 * The measurements of `bench:playbooks`: alert-to-first-step latency at a constant offered rate
 * of alerts (open loop), step throughput of many manual runs, and the bare add/process rate of a
 * queue (our JobQueue port, or a plain BullMQ Queue + Worker with no ClayTom code).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobQueue } from '../platform/queue/index.ts';
// Before bullmq: the rig loads the queue adapter, which turns msgpackr's native addon off first.
import { benchAlert, deleteKeys, freshPrefix, openAlert, TENANT } from './playbook-rig.ts';
import type { Rig } from './playbook-rig.ts';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

/** Times each alert's first step reached the action and the peer, by alert id (performance.now()). */
export interface Probes {
  readonly started: Map<string, number>;
  readonly received: Map<string, number>;
}

/** The alert playbook: an HTTP call to the peer first, then one more step. */
export const alertPlaybook = (peer: string): string => `id: bench-alert
name: Bench alert response
trigger: { alert: { severities: [high] } }
steps:
  - id: notify
    action: http.request
    with: { url: "${peer}/alert/\${{ alert.id }}", method: POST, body: { host: "\${{ alert.host }}" } }
  - id: record
    needs: [notify]
    action: bench.noop
`;

/** A manual playbook of `steps` no-op steps, each needing the one before. */
export const chainPlaybook = (id: string, steps: number): string =>
  `id: ${id}
name: Bench chain ${id}
trigger: { manual: true }
steps:
${Array.from(
  { length: steps },
  (_, i) =>
    `  - id: s${String(i)}\n    action: bench.noop${i === 0 ? '' : `\n    needs: [s${String(i - 1)}]`}\n`,
).join('')}`;

export interface LatencySample {
  /** When the schedule meant to open the alert. */
  readonly intended: number;
  /** When its unit of work (alert upsert + onAlertsOpened) committed. */
  readonly committed: number;
  /** When the first step's action began running. */
  readonly started: number | undefined;
  /** When the peer received the first step's request. */
  readonly received: number | undefined;
}

export interface LatencyResult {
  readonly samples: readonly LatencySample[];
  /** Alerts whose unit of work failed. */
  readonly failedOpens: number;
  /** Wall time of the window (schedule and drain), s. */
  readonly seconds: number;
  /** CPU time of the process (every thread) during the window, s. */
  readonly cpuSeconds: number;
  /** Event-loop delay during the window (timer resolution 10 ms), ms. */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

/**
 * Opens `rate` alerts per second for `seconds` on a fixed schedule, whatever the runner does
 * (open loop: an alert is opened at its intended time even if earlier ones are still waiting
 * for the store), then waits up to 10 s for the last first steps.
 */
export async function alertLatency(
  rig: Rig,
  probes: Probes,
  options: { readonly rate: number; readonly seconds: number },
): Promise<LatencyResult> {
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const interval = 1000 / options.rate;
  const opened: Promise<{ id: string; intended: number; committed: number } | undefined>[] = [];
  let failedOpens = 0;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < total;) {
    const now = performance.now();
    for (; i < total && t0 + i * interval <= now; i++) {
      const intended = t0 + i * interval;
      const alert = benchAlert(rig.ids.uuidv7(), Date.now());
      opened.push(
        openAlert(rig, alert).then(
          (committed) => ({ id: alert.id, intended, committed }),
          (err: unknown) => {
            if (failedOpens++ === 0) console.error('opening an alert failed:', err);
            return undefined;
          },
        ),
      );
    }
    if (i < total) await sleep(Math.max(0, t0 + i * interval - performance.now()));
  }
  const alerts = (await Promise.all(opened)).filter((a) => a !== undefined);
  const deadline = performance.now() + 10_000;
  while (
    performance.now() < deadline &&
    alerts.some((a) => !probes.received.has(a.id) || !probes.started.has(a.id))
  )
    await sleep(20);
  loop.disable();
  const cpu = process.cpuUsage(cpu0);
  return {
    failedOpens,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    loopDelayMaxMs: loop.max / 1e6,
    samples: alerts.map((a) => ({
      intended: a.intended,
      committed: a.committed,
      started: probes.started.get(a.id),
      received: probes.received.get(a.id),
    })),
  };
}

export interface ThroughputResult {
  readonly seconds: number;
  readonly completed: number;
  readonly failed: number;
  /** Times the no-op action ran (more than runs × steps would mean redeliveries). */
  readonly executions: number;
}

/**
 * Starts `runs` runs of a manual playbook at once and waits until none is running. The clock
 * runs from the first start to the moment the last run was seen finished (polled every 20 ms).
 */
export async function stepThroughput(
  rig: Rig,
  options: { readonly playbookId: string; readonly runs: number },
  executions: () => number,
): Promise<ThroughputResult> {
  const before = executions();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: options.runs }, (_, i) =>
      rig.runner.start(TENANT, options.playbookId, {
        kind: 'manual',
        key: `${options.playbookId}:${String(i)}`,
        by: 'bench',
      }),
    ),
  );
  while ((await rig.runs.runningRuns(1)).length > 0) await sleep(20);
  const seconds = (performance.now() - t0) / 1000;
  const count = async (status: 'completed' | 'failed'): Promise<number> => {
    let n = 0;
    let cursor: string | null = null;
    do {
      const page: { items: unknown[]; nextCursor: string | null } = await rig.runs.runs(
        TENANT,
        { playbookId: options.playbookId, status },
        cursor === null ? { limit: 100 } : { limit: 100, cursor },
      );
      n += page.items.length;
      cursor = page.nextCursor;
    } while (cursor !== null);
    return n;
  };
  return {
    seconds,
    completed: await count('completed'),
    failed: await count('failed'),
    executions: executions() - before,
  };
}

export interface RateResult {
  readonly jobs: number;
  readonly seconds: number;
}

const WARM_JOBS = 100;
/** Timed rounds of the bare rates; the best is reported (other processes disturb single rounds). */
export const RATE_ROUNDS = 3;

/**
 * Adds 100 jobs untimed (warm-up: connections, JIT, statement cache), then `jobs` more, each its
 * own `add`, all at once, timed from the first add to the last handler's call (polled every
 * 5 ms); `RATE_ROUNDS` times, keeping the fastest round.
 */
async function addAndProcess(
  add: (i: number) => Promise<unknown>,
  processed: () => number,
  jobs: number,
): Promise<RateResult> {
  let next = 0;
  const round = async (n: number): Promise<number> => {
    const t0 = performance.now();
    const from = next;
    next += n;
    await Promise.all(Array.from({ length: n }, (_, i) => add(from + i)));
    while (processed() < from + n) await sleep(5);
    return (performance.now() - t0) / 1000;
  };
  await round(WARM_JOBS);
  let best = Infinity;
  for (let r = 0; r < RATE_ROUNDS; r++) best = Math.min(best, await round(jobs));
  return { jobs, seconds: best };
}

/** Our JobQueue port alone: no-op jobs added to a queue a worker of `concurrency` consumes. */
export async function portRate(
  queue: JobQueue,
  jobs: number,
  concurrency: number,
): Promise<RateResult> {
  let done = 0;
  const worker = queue.work(
    'bench.noop',
    () => {
      done++;
      return Promise.resolve();
    },
    { concurrency },
  );
  try {
    return await addAndProcess(
      (i) => queue.add('bench.noop', { i }),
      () => done,
      jobs,
    );
  } finally {
    await worker.close();
  }
}

/**
 * The baseline: a plain BullMQ Queue and Worker (no ClayTom code) on a fresh prefix, the jobs
 * removed on completion as our adapter does; measured as `portRate`.
 */
export async function bareBullmqRate(
  url: string,
  jobs: number,
  concurrency: number,
): Promise<RateResult> {
  const prefix = freshPrefix();
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue('bench.bare', { connection, prefix });
  let done = 0;
  const worker = new Worker(
    'bench.bare',
    () => {
      done++;
      return Promise.resolve();
    },
    { connection, prefix, concurrency },
  );
  try {
    await worker.waitUntilReady();
    return await addAndProcess(
      (i) => queue.add('bench.bare', { i }, { removeOnComplete: true, removeOnFail: false }),
      () => done,
      jobs,
    );
  } finally {
    await worker.close();
    await queue.close();
    await connection.quit();
    await deleteKeys(url, prefix);
  }
}
