import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBullmqJobQueue, createRelationalJobQueue } from '../../platform/queue/index.ts';
import type { JobQueue } from '../../platform/queue/index.ts';
import {
  createPostgresRelationalStore,
  createSqliteRelationalStore,
} from '../../platform/storage/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import {
  createFreshSchema,
  probePostgres,
  probeRedis,
  requireOrSkip,
} from '../../test/support/services.ts';
import { createRelationalRunStore } from '../adapters/relational/relational-run-store.ts';
import type { RunRecord, StepRecord } from './run-store.ts';
import type { CrashRunnerConfig, CrashRunnerEvent } from './testing/runner-process.ts';

// The requirement: a process killed (SIGKILL) in the middle of a run, then started again,
// completes the run, and no step whose repetition would matter reaches its peer twice.

const pgUrl = requireOrSkip('PostgreSQL', await probePostgres());
const redisUrl = requireOrSkip('Redis', await probeRedis());

const ENTRY = fileURLToPath(new URL('./testing/runner-process.ts', import.meta.url));
const TENANT = 'tenant-crash';
/** Short leases: the restarted process takes the dead one's jobs back within a second or two. */
const LEASE_MS = 1_000;
const EVENT_TIMEOUT_MS = 20_000;
/** The queues of the lanes this playbook's steps use. */
const LANES = ['soar.step.webhook', 'soar.step.http', 'soar.step.control'];

/**
 * notify (webhook.send, idempotent) → enrich (http.request, not idempotent) ∥ ticket (webhook.send)
 * → pause (wait 2s) → contain (http.request); page (webhook.send) handles a failure of enrich.
 */
const playbook = (base: string): string => `id: crash-drill
name: Crash drill
trigger: { manual: true }
steps:
  - id: notify
    action: webhook.send
    with: { url: "${base}/notify", payload: { event: crash-drill } }
  - id: enrich
    needs: [notify]
    action: http.request
    with: { url: "${base}/enrich", method: POST, body: { host: ws-7 } }
  - id: ticket
    needs: [notify]
    action: webhook.send
    with: { url: "${base}/ticket", payload: { host: ws-7 } }
  - id: pause
    needs: [enrich, ticket]
    action: wait
    with: { duration: 2s }
  - id: contain
    needs: [pause]
    action: http.request
    with: { url: "${base}/contain", method: POST, body: { host: ws-7, ticket: "\${{ steps.ticket.output.status }}" } }
  - id: page
    needs: [enrich]
    when: failure
    action: webhook.send
    with: { url: "${base}/page", payload: { failed: "\${{ steps.enrich.error }}" } }
`;

// ---------------------------------------------------------------------------------------------
// The peer: a loopback HTTP server recording every request; it can hold one request open.

interface Received {
  readonly path: string;
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

interface Peer {
  readonly port: number;
  readonly base: string;
  readonly received: Received[];
  /** Holds the next request to `path` unanswered until its connection closes. */
  hold(path: string): void;
  /** Requests to `path`, in arrival order. */
  to(path: string): Received[];
  readonly close: () => Promise<void>;
}

async function startPeer(): Promise<Peer> {
  const received: Received[] = [];
  const holds = new Set<string>();
  const held = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({
        path,
        method: req.method ?? '',
        headers: req.headers,
        body,
        at: Date.now(),
      });
      if (holds.delete(path)) {
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    base: `http://127.0.0.1:${String(port)}`,
    received,
    hold: (path) => holds.add(path),
    to: (path) => received.filter((r) => r.path === path),
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The runner process: real modules in a child process, driven over stdin and read on stdout.

interface RunnerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly events: CrashRunnerEvent[];
  /** The exit code, or the signal that ended it. */
  readonly exited: Promise<number | string>;
  /** The first event (already seen or still to come) that matches. */
  next(what: string, match: (event: CrashRunnerEvent) => boolean): Promise<CrashRunnerEvent>;
  send(command: Record<string, string>): void;
}

const alive = new Set<ChildProcessWithoutNullStreams>();

function launch(config: CrashRunnerConfig): RunnerProcess {
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...process.env, CRASH_RUNNER_CONFIG: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  alive.add(child);
  const events: CrashRunnerEvent[] = [];
  const waiters = new Set<() => void>();
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      events.push(JSON.parse(line) as CrashRunnerEvent);
    }
    for (const check of waiters) check();
  });
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      alive.delete(child);
      resolve(code ?? signal ?? -1);
      for (const check of waiters) check();
    });
  });
  const output = (): string => `stdout:\n${stdout}\nstderr:\n${stderr.slice(-4_000)}`;
  return {
    child,
    events,
    exited,
    next: (what, match) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${what} within ${String(EVENT_TIMEOUT_MS)} ms\n${output()}`));
        }, EVENT_TIMEOUT_MS);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        const check = (): void => {
          const found = events.find(match);
          if (found !== undefined) {
            done();
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`the runner process ended before ${what}\n${output()}`));
          }
        };
        waiters.add(check);
        check();
      }),
    send: (command) => {
      child.stdin.write(`${JSON.stringify(command)}\n`);
    },
  };
}

afterAll(() => {
  for (const child of alive) child.kill('SIGKILL');
});

// ---------------------------------------------------------------------------------------------
// Where the processes keep their state: a fresh SQLite file, or a fresh PostgreSQL schema and
// Redis key prefix.

interface Backend {
  readonly store: CrashRunnerConfig['store'];
  readonly queue: CrashRunnerConfig['queue'];
  /** The store and queue the processes used, opened by the test once they have stopped. */
  open(): { relational: RelationalStore; queue: JobQueue };
  readonly cleanup: () => Promise<void>;
}

function sqliteEmbedded(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'secops-pb-crash-'));
  const path = join(dir, 'secops.db');
  return Promise.resolve({
    store: { kind: 'sqlite', path },
    queue: { kind: 'relational', pollMs: 50 },
    open: () => {
      const relational = createSqliteRelationalStore({ path });
      return { relational, queue: createRelationalJobQueue({ store: relational }) };
    },
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
}

async function postgresBullmq(url: string, redis: string): Promise<Backend> {
  const { schema, drop } = await createFreshSchema(url, 'secops_crash');
  const prefix = `secops:test:crash${randomBytes(6).toString('hex')}`;
  return {
    store: { kind: 'postgres', url, schema },
    queue: { kind: 'bullmq', url: redis, prefix },
    open: () => ({
      relational: createPostgresRelationalStore({ url, schema, poolSize: 2 }),
      queue: createBullmqJobQueue({ url: redis, prefix }),
    }),
    cleanup: async () => {
      await drop();
      const client = new Redis(redis);
      const keys = await client.keys(`${prefix}:*`);
      if (keys.length > 0) await client.del(...keys);
      await client.quit();
    },
  };
}

const setups: { name: string; make: (() => Promise<Backend>) | undefined }[] = [
  { name: 'embedded queue on SQLite', make: sqliteEmbedded },
  {
    name: 'BullMQ on Redis, runs in PostgreSQL',
    make:
      pgUrl === undefined || redisUrl === undefined
        ? undefined
        : () => postgresBullmq(pgUrl, redisUrl),
  },
];

for (const setup of setups) {
  describe.skipIf(setup.make === undefined)(`playbook run killed mid-way: ${setup.name}`, () => {
    let backend: Backend;
    let peer: Peer;
    /** Undoes what beforeEach created, newest first, even when creating the rest failed. */
    const cleanups: (() => Promise<void>)[] = [];

    beforeEach(async () => {
      if (setup.make === undefined) return;
      backend = await setup.make();
      cleanups.push(backend.cleanup);
      peer = await startPeer();
      cleanups.push(peer.close);
    });

    afterEach(async () => {
      // Whatever happened, no runner process outlives its test.
      for (const child of alive) child.kill('SIGKILL');
      await Promise.all(
        [...alive].map((child) => new Promise((resolve) => child.once('exit', resolve))),
      );
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    const config = (): CrashRunnerConfig => ({
      store: backend.store,
      queue: backend.queue,
      leaseMs: LEASE_MS,
      peerPort: peer.port,
      tenant: TENANT,
    });

    /** A first process starts the run. */
    const begin = async (key: string): Promise<{ first: RunnerProcess; runId: string }> => {
      const first = launch(config());
      expect(await first.next('ready', (e) => e.event === 'ready')).toMatchObject({
        recovered: 0,
      });
      first.send({ cmd: 'start', playbook: playbook(peer.base), key });
      const started = await first.next('started', (e) => e.event === 'started');
      if (started.event !== 'started') throw new Error('unreachable');
      return { first, runId: started.runId };
    };

    const stepReached = (runId: string, stepId: string, status: string) => (e: CrashRunnerEvent) =>
      e.event === 'step' && e.runId === runId && e.stepId === stepId && e.status === status;

    const requestArrived = async (path: string): Promise<void> => {
      await vi.waitFor(
        () => {
          expect(peer.to(path)).toHaveLength(1);
        },
        { timeout: EVENT_TIMEOUT_MS, interval: 10 },
      );
    };

    const kill = async (runner: RunnerProcess): Promise<void> => {
      runner.child.kill('SIGKILL');
      expect(await runner.exited).toBe('SIGKILL');
    };

    /**
     * A second process recovers the run and carries it to its end; the queues are checked for
     * leftovers while it runs, and once it has stopped the records are read through the run store.
     */
    const resume = async (
      runId: string,
    ): Promise<{ run: RunRecord; steps: Map<string, StepRecord>; ended: string }> => {
      const second = launch(config());
      expect(await second.next('ready', (e) => e.event === 'ready')).toMatchObject({
        recovered: 1,
      });
      const end = await second.next(
        'the end of the run',
        (e) => e.event === 'run' && e.runId === runId,
      );
      const { relational, queue } = backend.open();
      try {
        // Nothing is left behind: every job of the dead process (a step's job can outlive the
        // step by the moment it takes to acknowledge it) is taken back and finished, and none
        // ends as a dead letter.
        await vi.waitFor(
          async () => {
            for (const lane of LANES)
              expect(await queue.counts(lane), lane).toEqual({
                waiting: 0,
                delayed: 0,
                active: 0,
                failed: 0,
              });
          },
          { timeout: EVENT_TIMEOUT_MS, interval: 100 },
        );
        second.send({ cmd: 'stop' });
        expect(await second.exited).toBe(0);
        expect(second.events.filter((e) => e.event === 'error')).toEqual([]);
        const runs = createRelationalRunStore(relational);
        const run = await runs.run(TENANT, runId);
        if (run === undefined) throw new Error(`no run ${runId}`);
        const steps = new Map((await runs.steps(runId)).map((step) => [step.stepId, step]));
        return { run, steps, ended: end.event === 'run' ? end.status : '' };
      } finally {
        await queue.close();
        await relational.close();
      }
    };

    const statuses = (steps: Map<string, StepRecord>): Record<string, string> =>
      Object.fromEntries([...steps].map(([id, step]) => [id, step.status]));

    /** Every request carried the idempotency key of its step in this run. */
    const expectKeys = (runId: string): void => {
      for (const request of peer.received)
        expect(request.headers['idempotency-key'], request.path).toBe(
          `${runId}.${request.path.slice(1)}`,
        );
    };

    it('killed between steps (during a wait): the run completes and every action reached the peer once', async () => {
      const { first, runId } = await begin('manual:between');
      await first.next('the wait', stepReached(runId, 'pause', 'waiting'));
      await kill(first);
      const before = peer.received.length;
      expect(peer.received.map((r) => r.path).sort()).toEqual(['/enrich', '/notify', '/ticket']);

      const { run, steps, ended } = await resume(runId);
      expect(ended).toBe('completed');
      expect(run).toMatchObject({ status: 'completed', error: null, endedAt: expect.any(Number) });
      expect(statuses(steps)).toEqual({
        notify: 'completed',
        enrich: 'completed',
        ticket: 'completed',
        pause: 'completed',
        contain: 'completed',
        page: 'skipped',
      });
      for (const id of ['notify', 'enrich', 'ticket', 'contain'])
        expect(steps.get(id), id).toMatchObject({ attempts: 1, error: null });
      expect(steps.get('pause')?.output).toEqual({ waited: { duration: '2s' } });
      expect(steps.get('contain')?.input).toMatchObject({ body: { ticket: 200 } });
      // Only the step after the wait ran in the second process; nothing ran twice.
      expect(peer.received.slice(before).map((r) => r.path)).toEqual(['/contain']);
      for (const path of ['/notify', '/enrich', '/ticket', '/contain'])
        expect(peer.to(path), path).toHaveLength(1);
      expect(peer.to('/page')).toEqual([]);
      expectKeys(runId);
    });

    it('killed while an idempotent step is in flight: it runs again with the same Idempotency-Key and the run completes', async () => {
      peer.hold('/ticket');
      const { first, runId } = await begin('manual:idempotent');
      // The webhook is at the peer, unanswered; its sibling (not idempotent) has finished.
      await requestArrived('/ticket');
      await first.next('enrich completed', stepReached(runId, 'enrich', 'completed'));
      await kill(first);
      const before = peer.received.length;

      const { run, steps, ended } = await resume(runId);
      expect(ended).toBe('completed');
      expect(run).toMatchObject({ status: 'completed', error: null, endedAt: expect.any(Number) });
      expect(statuses(steps)).toEqual({
        notify: 'completed',
        enrich: 'completed',
        ticket: 'completed',
        pause: 'completed',
        contain: 'completed',
        page: 'skipped',
      });
      // A redelivery after a dead worker is the same try, not a new one.
      expect(steps.get('ticket')).toMatchObject({
        attempts: 1,
        error: null,
        output: { status: 200 },
      });
      // The dedupe contract: the peer saw the webhook twice, both times with one key and body.
      const tickets = peer.to('/ticket');
      expect(tickets).toHaveLength(2);
      expect(tickets.map((r) => r.headers['idempotency-key'])).toEqual([
        `${runId}.ticket`,
        `${runId}.ticket`,
      ]);
      expect(tickets[1]?.body).toBe(tickets[0]?.body);
      expect(peer.received.indexOf(tickets[1]!)).toBeGreaterThanOrEqual(before);
      // The step that is not idempotent, and every other one, reached the peer once.
      for (const path of ['/notify', '/enrich', '/contain'])
        expect(peer.to(path), path).toHaveLength(1);
      expect(peer.received.slice(before).map((r) => r.path)).toEqual(['/ticket', '/contain']);
      expect(peer.to('/page')).toEqual([]);
      expectKeys(runId);
    });

    it('killed while a step that is not idempotent is in flight: it is not sent again, fails as interrupted, and its failure handler runs', async () => {
      peer.hold('/enrich');
      const { first, runId } = await begin('manual:not-idempotent');
      // The request is at the peer, unanswered (it may have acted on it); its sibling finished.
      await requestArrived('/enrich');
      await first.next('ticket completed', stepReached(runId, 'ticket', 'completed'));
      await kill(first);
      const before = peer.received.length;

      const { run, steps, ended } = await resume(runId);
      expect(ended).toBe('failed');
      expect(run).toMatchObject({
        status: 'failed',
        error: 'failed steps: enrich',
        endedAt: expect.any(Number),
      });
      expect(statuses(steps)).toEqual({
        notify: 'completed',
        enrich: 'failed',
        ticket: 'completed',
        pause: 'skipped',
        contain: 'skipped',
        page: 'completed',
      });
      expect(steps.get('enrich')?.attempts).toBe(1);
      expect(steps.get('enrich')?.error).toMatch(
        /^interrupted while running: http\.request is not idempotent/,
      );
      // Sent once, before the crash; after it only the failure handler reached the peer.
      expect(peer.to('/enrich')).toHaveLength(1);
      expect(peer.received.slice(before).map((r) => r.path)).toEqual(['/page']);
      expect(JSON.parse(peer.to('/page')[0]?.body ?? '{}')).toEqual({
        failed: steps.get('enrich')?.error,
      });
      for (const path of ['/notify', '/ticket']) expect(peer.to(path), path).toHaveLength(1);
      expect(peer.to('/contain')).toEqual([]);
      expectKeys(runId);
    });
  });
}
