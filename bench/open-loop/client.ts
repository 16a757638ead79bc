import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { LatencyRecorder } from './latency.ts';
import { HttpResponseParser } from './response-parser.ts';
import { createRequestBuilder } from './requests.ts';
import type { RequestSpec } from './requests.ts';

/** One generator process's share of a run. */
export interface ClientConfig {
  readonly host: string;
  readonly port: number;
  readonly connections: number;
  /** This client's share of the offered rate, requests per second. */
  readonly rate: number;
  /** Intended send time of this client's first request, after the common start. */
  readonly firstOffsetMs: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  readonly timeoutMs: number;
  readonly connectAttempts: number;
  readonly request: RequestSpec;
  /** Makes request bodies unique across generator processes and runs. */
  readonly tag: string;
}

export interface ConnectReport {
  readonly connected: number;
  readonly connectErrors: number;
}

/** Figures for the requests whose intended send time fell in the measured window. */
export interface ClientReport {
  readonly connected: number;
  readonly scheduled: number;
  /** Responses received (any status). */
  readonly completed: number;
  readonly non2xx: number;
  /** Connection closed or reset, or bytes that were not HTTP, while a request was in flight. */
  readonly socketErrors: number;
  /** No response within the timeout of being sent, or none by the end of the run. */
  readonly timeouts: number;
  /** Connections that could not be (re-)established after every attempt. */
  readonly connectErrors: number;
  /** Milliseconds from intended send time to response; timeouts at their lower bound. */
  readonly latencies: Float64Array;
  /** Epoch milliseconds. */
  readonly windowStart: number;
  readonly lastCompletion: number;
  /** Most requests that were due but waiting for a free connection at once. */
  readonly maxBacklog: number;
}

interface Slot {
  readonly id: number;
  readonly parser: HttpResponseParser;
  socket: Socket | undefined;
  alive: boolean;
  inFree: boolean;
  busy: boolean;
  measured: boolean;
  intended: number;
  sentAt: number;
}

// Connection attempts in flight at once, so the server's accept queue is not flooded.
const CONNECT_CONCURRENCY = 256;
const CONNECT_TIMEOUT_MS = 5_000;
const SWEEP_MS = 200;

/**
 * An open-loop HTTP/1.1 load generator over raw keep-alive TCP connections, one request in
 * flight per connection. Request k is due at t0 + firstOffsetMs + k / rate whatever happened to
 * earlier requests; it goes out on the least recently used free connection, waiting for one if
 * all are busy, and its latency runs from when it was due (the coordinated-omission correction
 * of wrk2 / HdrHistogram), so a stalled server is charged for the requests it held up.
 */
export class OpenLoopClient {
  readonly #config: ClientConfig;
  readonly #build: (index: number) => Buffer;
  readonly #slots: Slot[];
  // Free connections, oldest first (a ring of slot ids): spreading requests over every connection.
  readonly #free: Int32Array;
  #freeHead = 0;
  #freeCount = 0;
  #phase: 'idle' | 'connecting' | 'ready' | 'running' | 'closed' = 'idle';
  #connectErrors = 0;
  #connected = 0;
  #busy = 0;

  // Schedule (performance.now() milliseconds).
  #t0 = 0;
  #intervalMs = 0;
  #windowStart = 0;
  #deadline = 0;
  #total = 0;
  #firstMeasured = 0;
  #next = 0;
  #timer: NodeJS.Timeout | undefined;
  #sweeper: NodeJS.Timeout | undefined;
  #done: ((report: ClientReport) => void) | undefined;

  // Results.
  readonly #latencies = new LatencyRecorder();
  #completed = 0;
  #non2xx = 0;
  #socketErrors = 0;
  #timeouts = 0;
  #lastCompletion = 0;
  #maxBacklog = 0;

  constructor(config: ClientConfig) {
    this.#config = config;
    this.#build = createRequestBuilder(
      config.request,
      `${config.host}:${String(config.port)}`,
      config.tag,
    );
    this.#free = new Int32Array(config.connections);
    this.#slots = Array.from({ length: config.connections }, (_, id) => {
      const slot: Slot = {
        id,
        parser: new HttpResponseParser((status) => this.#onResponse(slot, status)),
        socket: undefined,
        alive: false,
        inFree: false,
        busy: false,
        measured: false,
        intended: 0,
        sentAt: 0,
      };
      return slot;
    });
  }

  /** Opens every connection (each retried up to `connectAttempts` times). */
  connect(): Promise<ConnectReport> {
    this.#phase = 'connecting';
    return new Promise((resolve) => {
      let started = 0;
      let settled = 0;
      const next = (): void => {
        if (settled === this.#slots.length) {
          this.#phase = 'ready';
          resolve({ connected: this.#aliveCount(), connectErrors: this.#connectErrors });
          return;
        }
        while (started < this.#slots.length && started - settled < CONNECT_CONCURRENCY) {
          const slot = this.#slots[started++];
          if (slot) {
            this.#open(slot, 1, () => {
              settled++;
              next();
            });
          }
        }
      };
      next();
    });
  }

  /** Runs warm-up then the measured window from `startAtEpochMs`, and closes every connection. */
  run(startAtEpochMs: number): Promise<ClientReport> {
    const c = this.#config;
    this.#t0 = startAtEpochMs - performance.timeOrigin + c.firstOffsetMs;
    this.#intervalMs = 1000 / c.rate;
    const common = startAtEpochMs - performance.timeOrigin;
    this.#windowStart = common + c.warmupSeconds * 1000;
    const end = this.#windowStart + c.seconds * 1000;
    this.#total = Math.max(0, Math.ceil((end - this.#t0) / this.#intervalMs));
    this.#firstMeasured = Math.max(0, Math.ceil((this.#windowStart - this.#t0) / this.#intervalMs));
    this.#deadline = end + c.timeoutMs;
    this.#connected = this.#aliveCount();
    this.#phase = 'running';
    return new Promise((resolve) => {
      this.#done = resolve;
      this.#sweeper = setInterval(() => this.#sweep(), SWEEP_MS);
      this.#pump();
    });
  }

  #intended(k: number): number {
    return this.#t0 + k * this.#intervalMs;
  }

  #aliveCount(): number {
    return this.#slots.reduce((n, s) => n + (s.alive ? 1 : 0), 0);
  }

  #open(slot: Slot, attempt: number, settled?: () => void): void {
    const socket = connect({ host: this.#config.host, port: this.#config.port, noDelay: true });
    let connected = false;
    socket.setTimeout(CONNECT_TIMEOUT_MS);
    socket.once('timeout', () => socket.destroy());
    socket.once('connect', () => {
      connected = true;
      socket.setTimeout(0);
      slot.socket = socket;
      slot.alive = true;
      slot.parser.reset();
      settled?.();
      if (this.#phase === 'closed') {
        socket.destroy();
        return;
      }
      this.#release(slot);
      if (this.#phase === 'running') this.#pump();
    });
    socket.on('data', (chunk: Buffer) => {
      if (slot.socket !== socket) return;
      try {
        slot.parser.push(chunk);
      } catch {
        socket.destroy(); // not HTTP: the close handler counts the in-flight request
      }
    });
    socket.on('error', () => undefined); // 'close' follows
    socket.once('close', () => {
      if (!connected) {
        if (this.#phase !== 'closed' && attempt < this.#config.connectAttempts) {
          setTimeout(() => this.#open(slot, attempt + 1, settled), 100 * attempt);
        } else {
          if (this.#phase !== 'closed') this.#connectErrors++;
          settled?.();
        }
        return;
      }
      if (slot.socket !== socket) return;
      this.#onClose(slot);
    });
  }

  #onClose(slot: Slot): void {
    slot.parser.end(); // may complete a response delimited by the close
    slot.alive = false;
    slot.socket = undefined;
    if (slot.busy) {
      slot.busy = false;
      this.#busy--;
      if (slot.measured) this.#socketErrors++;
    }
    if (this.#phase === 'ready' || this.#phase === 'running') this.#open(slot, 1);
    if (this.#phase === 'running') this.#pump();
  }

  #onResponse(slot: Slot, status: number): void {
    if (!slot.busy) {
      slot.socket?.destroy(); // a response to nothing: the connection is out of step
      return;
    }
    const now = performance.now();
    slot.busy = false;
    this.#busy--;
    if (slot.measured) {
      this.#completed++;
      if (status < 200 || status >= 300) this.#non2xx++;
      this.#latencies.record(now - slot.intended);
      this.#lastCompletion = now;
    }
    this.#release(slot);
    this.#pump();
  }

  #release(slot: Slot): void {
    if (slot.inFree) return;
    slot.inFree = true;
    this.#free[(this.#freeHead + this.#freeCount) % this.#free.length] = slot.id;
    this.#freeCount++;
  }

  #take(): Slot | undefined {
    while (this.#freeCount > 0) {
      const slot = this.#slots[this.#free[this.#freeHead] ?? -1];
      this.#freeHead = (this.#freeHead + 1) % this.#free.length;
      this.#freeCount--;
      if (!slot) continue;
      slot.inFree = false;
      if (slot.alive && !slot.busy) return slot;
    }
    return undefined;
  }

  #pump(): void {
    if (this.#phase !== 'running') return;
    const now = performance.now();
    while (this.#next < this.#total) {
      const due = this.#intended(this.#next);
      if (due > now) {
        this.#timer ??= setTimeout(() => {
          this.#timer = undefined;
          this.#pump();
        }, due - now);
        return;
      }
      const slot = this.#take();
      if (!slot) {
        // Every connection is busy: the rest wait for a response (which calls #pump again).
        const backlog = Math.floor((now - this.#t0) / this.#intervalMs) + 1 - this.#next;
        if (backlog > this.#maxBacklog) this.#maxBacklog = backlog;
        return;
      }
      this.#send(slot, this.#next++, due, now);
    }
    if (this.#busy === 0) this.#finish(now);
  }

  #send(slot: Slot, k: number, intended: number, now: number): void {
    slot.busy = true;
    this.#busy++;
    slot.measured = k >= this.#firstMeasured;
    slot.intended = intended;
    slot.sentAt = now;
    slot.socket?.write(this.#build(k));
  }

  #sweep(): void {
    const now = performance.now();
    if (now >= this.#deadline) {
      this.#finish(now);
      return;
    }
    for (const slot of this.#slots) {
      if (slot.busy && now - slot.sentAt >= this.#config.timeoutMs) {
        slot.busy = false;
        this.#busy--;
        if (slot.measured) {
          this.#timeouts++;
          this.#latencies.record(now - slot.intended);
        }
        slot.socket?.destroy(); // reconnected by the close handler
      }
    }
  }

  #finish(now: number): void {
    if (this.#phase !== 'running') return;
    this.#phase = 'closed';
    // Whatever is still unanswered at the deadline waited at least this long: timeouts.
    for (let k = Math.max(this.#next, this.#firstMeasured); k < this.#total; k++) {
      this.#timeouts++;
      this.#latencies.record(now - this.#intended(k));
    }
    for (const slot of this.#slots) {
      if (slot.busy && slot.measured) {
        this.#timeouts++;
        this.#latencies.record(now - slot.intended);
      }
      slot.busy = false;
      slot.socket?.destroy();
    }
    clearTimeout(this.#timer);
    clearInterval(this.#sweeper);
    const epoch = (t: number): number => performance.timeOrigin + t;
    this.#done?.({
      connected: this.#connected,
      scheduled: Math.max(0, this.#total - this.#firstMeasured),
      completed: this.#completed,
      non2xx: this.#non2xx,
      socketErrors: this.#socketErrors,
      timeouts: this.#timeouts,
      connectErrors: this.#connectErrors,
      latencies: this.#latencies.toArray(),
      windowStart: epoch(this.#windowStart),
      lastCompletion: epoch(this.#lastCompletion),
      maxBacklog: this.#maxBacklog,
    });
  }
}
