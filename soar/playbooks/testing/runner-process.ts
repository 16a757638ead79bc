// A playbook runner as its own process, for crash tests (playbook-crash.int.test.ts): built from
// the real modules on a real store and queue, it recovers at start as the app does, starts a run
// when told on stdin, and reports committed progress as JSON lines on stdout, so a test can
// SIGKILL it at a precise moment and start it again.
//
//   CRASH_RUNNER_CONFIG='{"store":{...},"queue":{...},"leaseMs":1000,"peerPort":12345,"tenant":"t"}' \
//     node soar/playbooks/testing/runner-process.ts
//
// stdin, one JSON object a line: {"cmd":"start","playbook":"<yaml>","key":"manual:1"} starts a
// run of that playbook (saved as version 1 on first use); {"cmd":"stop"} (or SIGTERM, or the end
// of stdin) closes everything gracefully and exits 0.
// stdout events: ready, started, step (a committed status change), run (a committed end), error.
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { alertMigrations } from '../../../detections/index.ts';
import { systemClock } from '../../../platform/clock/index.ts';
import { createIdGenerator } from '../../../platform/ids/index.ts';
import { createOutboundHttp } from '../../../platform/outbound/index.ts';
import {
  createBullmqJobQueue,
  createRelationalJobQueue,
  queueMigrations,
} from '../../../platform/queue/index.ts';
import type { JobQueue } from '../../../platform/queue/index.ts';
import {
  createPostgresRelationalStore,
  createSqliteRelationalStore,
} from '../../../platform/storage/index.ts';
import type { RelationalStore } from '../../../platform/storage/index.ts';
import { createRelationalRunStore } from '../../adapters/relational/relational-run-store.ts';
import { soarMigrations } from '../../triage/migrations.ts';
import { httpActions } from '../actions/http-actions.ts';
import { parsePlaybook } from '../playbook-document.ts';
import { createPlaybookRunner } from '../playbook-runner.ts';
import type { RunStore } from '../run-store.ts';

const configSchema = z.strictObject({
  store: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('sqlite'), path: z.string().min(1) }),
    z.strictObject({ kind: z.literal('postgres'), url: z.string().min(1), schema: z.string() }),
  ]),
  queue: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('relational'), pollMs: z.int().min(10).default(50) }),
    z.strictObject({ kind: z.literal('bullmq'), url: z.string().min(1), prefix: z.string() }),
  ]),
  /** Short leases, so that a restart recovers the dead process's jobs within seconds. */
  leaseMs: z.int().min(200),
  /** The loopback port of the test's HTTP peer (the only one outbound requests may reach). */
  peerPort: z.int().min(1).max(65_535),
  /** The tenant the runs belong to. */
  tenant: z.string().min(1),
});

export type CrashRunnerConfig = z.input<typeof configSchema>;

const commandSchema = z.discriminatedUnion('cmd', [
  z.strictObject({ cmd: z.literal('start'), playbook: z.string().min(1), key: z.string().min(1) }),
  z.strictObject({ cmd: z.literal('stop') }),
]);

/** What the process reports on stdout, one JSON object a line. */
export type CrashRunnerEvent =
  | { readonly event: 'ready'; readonly pid: number; readonly recovered: number }
  | { readonly event: 'started'; readonly runId: string }
  | {
      readonly event: 'step';
      readonly runId: string;
      readonly stepId: string;
      readonly status: string;
      readonly attempts: number | null;
    }
  | { readonly event: 'run'; readonly runId: string; readonly status: string }
  | { readonly event: 'error'; readonly where: string; readonly message: string }
  | { readonly event: 'stopped' };

const emit = (event: CrashRunnerEvent): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const config = Object.freeze(
  configSchema.parse(JSON.parse(process.env.CRASH_RUNNER_CONFIG ?? 'null') as unknown),
);

const store: RelationalStore =
  config.store.kind === 'sqlite'
    ? createSqliteRelationalStore({ path: config.store.path })
    : createPostgresRelationalStore({
        url: config.store.url,
        schema: config.store.schema,
        poolSize: 6,
      });
await store.migrate([...alertMigrations, ...soarMigrations, ...queueMigrations]);

const queueError = (err: unknown): void => {
  emit({ event: 'error', where: 'queue', message: messageOf(err) });
};
const queue: JobQueue =
  config.queue.kind === 'relational'
    ? createRelationalJobQueue({
        store,
        pollMs: config.queue.pollMs,
        leaseMs: config.leaseMs,
        onError: queueError,
      })
    : createBullmqJobQueue({
        url: config.queue.url,
        prefix: config.queue.prefix,
        leaseMs: config.leaseMs,
        onError: queueError,
      });

// Reports each change once it has committed (what a restart will find), delegating to the real store.
const stored = createRelationalRunStore(store);
const runs: RunStore = {
  ...stored,
  async updateStep(runId, stepId, change, from) {
    const moved = await stored.updateStep(runId, stepId, change, from);
    const { status } = change;
    if (moved && status !== undefined)
      store.onCommit(() => {
        emit({ event: 'step', runId, stepId, status, attempts: change.attempts ?? null });
      });
    return moved;
  },
  async finishRun(runId, status, endedAt, error) {
    const finished = await stored.finishRun(runId, status, endedAt, error);
    if (finished)
      store.onCommit(() => {
        emit({ event: 'run', runId, status });
      });
    return finished;
  },
};

const http = createOutboundHttp({
  allowHttp: true,
  allowPrivateNetworks: ['127.0.0.0/8'],
  allowedPorts: [config.peerPort],
});
const catalog = new Map(httpActions(http).map((action) => [action.name, action]));

const runner = createPlaybookRunner({
  relational: store,
  runs,
  queue,
  catalog,
  clock: systemClock,
  ids: createIdGenerator(),
  readSecret: (_tenant, path) => Promise.reject(new Error(`no secret ${path}`)),
  redact: (text) => text,
  onError: (err, where) => {
    emit({ event: 'error', where, message: messageOf(err) });
  },
});

// As the app does on start: workers for every lane, then the runs a previous process left running.
runner.startWorkers();
const recovered = await runner.recover();
emit({ event: 'ready', pid: process.pid, recovered });

const start = async (text: string, key: string): Promise<void> => {
  const definition = parsePlaybook({ name: 'crash.yaml', text }, catalog);
  if ((await runs.playbook(config.tenant, definition.id, 1)) === undefined)
    await runs.savePlaybook({
      tenantId: config.tenant,
      id: definition.id,
      version: 1,
      definition,
      source: text,
      createdAt: systemClock.now(),
      createdBy: 'crash-test',
    });
  const { run } = await runner.start(config.tenant, definition.id, {
    kind: 'manual',
    key,
    by: 'crash-test',
  });
  emit({ event: 'started', runId: run.id });
};

let stopping: Promise<void> | undefined;
const stop = (): Promise<void> => {
  stopping ??= (async () => {
    await runner.close();
    await queue.close();
    await store.close();
    emit({ event: 'stopped' });
    process.exit(0);
  })();
  return stopping;
};

process.on('SIGTERM', () => void stop());
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  let parsed: ReturnType<typeof commandSchema.safeParse>;
  try {
    parsed = commandSchema.safeParse(JSON.parse(line) as unknown);
  } catch (err) {
    emit({ event: 'error', where: 'stdin', message: messageOf(err) });
    return;
  }
  if (!parsed.success) {
    emit({ event: 'error', where: 'stdin', message: parsed.error.message });
    return;
  }
  const command = parsed.data;
  if (command.cmd === 'stop') {
    void stop();
    return;
  }
  start(command.playbook, command.key).catch((err: unknown) => {
    emit({ event: 'error', where: 'start', message: messageOf(err) });
  });
});
// The test process went away: leave nothing running behind it.
lines.on('close', () => void stop());
