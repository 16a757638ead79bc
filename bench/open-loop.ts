/**
 * Open-loop HTTP/1.1 load generator: a constant offered rate over N keep-alive connections,
 * latency measured from each request's intended send time (coordinated omission corrected, as
 * wrk2 does). Runs in forked processes of its own; see open-loop/client.ts for the method.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ClientConfig, ClientReport, ConnectReport } from './open-loop/client.ts';
import type { ChildMessage, ParentMessage } from './open-loop/generator-process.ts';
import { summarizeLatencies } from './open-loop/latency.ts';
import type { LatencySummary } from './open-loop/latency.ts';
import type { RequestSpec } from './open-loop/requests.ts';

export { getRequest, ingestRequest } from './open-loop/requests.ts';
export type { RequestSpec } from './open-loop/requests.ts';
export type { LatencySummary } from './open-loop/latency.ts';

export interface OpenLoopOptions {
  /** `http://host:port` (the path comes from the request). */
  readonly url: string;
  readonly connections: number;
  /** Offered rate, requests per second, over all connections. */
  readonly rate: number;
  /** Length of the measured window. */
  readonly seconds: number;
  readonly request: RequestSpec;
  /** At the same rate, before the measured window; not measured. Default 2. */
  readonly warmupSeconds?: number;
  /** A request with no response this long after it was sent is an error. Default 10,000. */
  readonly timeoutMs?: number;
  /** Generator processes, each with its share of connections and rate. Default 1. */
  readonly processes?: number;
  /** Attempts per connection before it counts as a connect error. Default 3. */
  readonly connectAttempts?: number;
}

export interface OpenLoopErrors {
  readonly connect: number;
  readonly non2xx: number;
  readonly socket: number;
  readonly timeout: number;
  readonly total: number;
}

export interface OpenLoopResult {
  readonly offeredRate: number;
  /**
   * Responses to the requests scheduled in the measured window, divided by the time from the
   * window's start until the last of them was answered: the rate the server actually sustained.
   */
  readonly achievedRate: number;
  readonly connected: number;
  /** Requests whose intended send time fell in the measured window. */
  readonly scheduled: number;
  readonly completed: number;
  /** Over responses (any status) and timeouts (at their lower bound), in milliseconds. */
  readonly latency: LatencySummary;
  readonly errors: OpenLoopErrors;
  /** Most requests that were due but waiting for a free connection at once, per process. */
  readonly maxBacklog: number;
}

const generatorPath = fileURLToPath(new URL('./open-loop/generator-process.ts', import.meta.url));

/** Connects every connection, warms up, then offers `rate` req/s for `seconds`. */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const url = new URL(options.url);
  const processes = Math.max(1, Math.min(options.processes ?? 1, options.connections));
  const tag = randomBytes(6).toString('hex');
  const configs = Array.from({ length: processes }, (_, i): ClientConfig => ({
    host: url.hostname,
    port: Number(url.port || 80),
    connections:
      Math.floor(options.connections / processes) + (i < options.connections % processes ? 1 : 0),
    rate: options.rate / processes,
    // Interleaved: process i sends requests i, i + P, i + 2P, … of the common schedule.
    firstOffsetMs: (i * 1000) / options.rate,
    warmupSeconds: options.warmupSeconds ?? 2,
    seconds: options.seconds,
    timeoutMs: options.timeoutMs ?? 10_000,
    connectAttempts: options.connectAttempts ?? 3,
    request: options.request,
    tag: `${tag}${String(i)}`,
  }));
  const children = configs.map((config) => startGenerator(config));
  try {
    await Promise.all(children.map((c) => c.ready));
    // A common start a little ahead, so every process begins the same schedule together.
    const startAtEpochMs = performance.timeOrigin + performance.now() + 200;
    for (const c of children) c.send({ type: 'start', startAtEpochMs });
    const reports = await Promise.all(children.map((c) => c.done));
    return merge(options.rate, reports);
  } finally {
    for (const c of children) if (c.child.exitCode === null) c.child.kill();
  }
}

interface Generator {
  readonly child: ChildProcess;
  readonly ready: Promise<ConnectReport>;
  readonly done: Promise<ClientReport>;
  readonly send: (message: ParentMessage) => void;
}

function startGenerator(config: ClientConfig): Generator {
  // execArgv: [] so a test runner's loader flags do not follow; Node runs the .ts itself.
  const child = fork(generatorPath, [], { execArgv: [], serialization: 'advanced' });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`open-loop generator exited early (${String(code ?? signal)})`)),
    ),
  );
  const next = (type: ChildMessage['type']): Promise<ChildMessage> =>
    Promise.race([
      new Promise<ChildMessage>((resolve) => {
        const on = (m: ChildMessage): void => {
          if (m.type !== type) return;
          child.off('message', on);
          resolve(m);
        };
        child.on('message', on);
      }),
      exited,
    ]);
  const ready = next('ready').then((m) => m as ConnectReport);
  const done = next('done').then((m) => (m.type === 'done' ? m.report : unreachable()));
  // The exit after 'done' is normal; only an exit before it rejects.
  exited.catch(() => undefined);
  const send = (message: ParentMessage): void => void child.send(message);
  send({ type: 'configure', config });
  return { child, ready, done, send };
}

function unreachable(): never {
  throw new Error('unexpected message from the open-loop generator');
}

function merge(rate: number, reports: readonly ClientReport[]): OpenLoopResult {
  const sum = (f: (r: ClientReport) => number): number => reports.reduce((n, r) => n + f(r), 0);
  const completed = sum((r) => r.completed);
  const windowStart = Math.min(...reports.map((r) => r.windowStart));
  const lastCompletion = Math.max(...reports.map((r) => r.lastCompletion));
  const errors = {
    connect: sum((r) => r.connectErrors),
    non2xx: sum((r) => r.non2xx),
    socket: sum((r) => r.socketErrors),
    timeout: sum((r) => r.timeouts),
  };
  return {
    offeredRate: rate,
    achievedRate:
      completed > 0 && lastCompletion > windowStart
        ? completed / ((lastCompletion - windowStart) / 1000)
        : 0,
    connected: sum((r) => r.connected),
    scheduled: sum((r) => r.scheduled),
    completed,
    latency: summarizeLatencies(reports.map((r) => r.latencies)),
    errors: { ...errors, total: errors.connect + errors.non2xx + errors.socket + errors.timeout },
    maxBacklog: Math.max(...reports.map((r) => r.maxBacklog)),
  };
}
