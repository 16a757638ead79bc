import { isSecOpsError } from '../../../platform/errors/index.ts';
import type { SyslogLogger, SyslogMessage, SyslogSink } from './syslog-message.ts';
import type { StatsRecorder } from './syslog-stats.ts';

/** Who a pending message belongs to; told how many of its messages the sink accepted. */
export interface MessageSource {
  readonly transport: 'tcp' | 'udp';
  accepted(count: number): void;
}

export interface BatchDispatcherOptions {
  readonly sink: SyslogSink;
  readonly batchMaxMessages: number;
  readonly batchMaxDelayMs: number;
  /** Sealed batches (in flight or waiting) at which the dispatcher reports itself saturated. */
  readonly maxPendingBatches: number;
  readonly retryDelayMs: { readonly min: number; readonly max: number };
  readonly stats: StatsRecorder;
  readonly logger: SyslogLogger;
  /** Called whenever room may have appeared (a batch was accepted or emptied). */
  readonly onCapacity: () => void;
}

interface Entry {
  readonly message: SyslogMessage;
  readonly source: MessageSource;
}

/**
 * Collects messages from every connection into batches and submits them to the sink one at a
 * time, in arrival order. A rejected batch keeps its TCP messages and is retried with a capped
 * exponential backoff (its UDP messages are dropped and counted); the batches behind it wait,
 * which is what makes TCP connections pause. A batch is sealed when full, or after
 * `batchMaxDelayMs` once the previous batch has been accepted (so a slow sink gets fuller batches).
 */
export class BatchDispatcher {
  readonly #options: BatchDispatcherOptions;
  #current: Entry[] = [];
  #timer: NodeJS.Timeout | undefined;
  #due = false;
  #sealed: Entry[][] = [];
  #pumping = false;
  #closed = false;
  #wake: (() => void) | undefined;
  #idleWaiters: (() => void)[] = [];

  constructor(options: BatchDispatcherOptions) {
    this.#options = options;
  }

  /** True while enough batches wait for the sink that readers should pause (TCP) or drop (UDP). */
  get saturated(): boolean {
    return this.#sealed.length >= this.#options.maxPendingBatches;
  }

  /** Takes ownership of a message until the sink accepts it. */
  add(message: SyslogMessage, source: MessageSource): void {
    if (this.#closed) {
      this.#countUndelivered([{ message, source }]);
      return;
    }
    this.#current.push({ message, source });
    if (this.#current.length >= this.#options.batchMaxMessages) {
      this.#seal();
    } else if (this.#current.length === 1) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#due = true;
        if (this.#sealed.length === 0) this.#seal();
      }, this.#options.batchMaxDelayMs);
    }
  }

  /**
   * Submits everything held and waits until the sink accepted it or `timeoutMs` passed; what is
   * then still unaccepted is counted (`lost` for TCP, `udpDropped` for UDP) and returned.
   */
  async drain(timeoutMs: number): Promise<number> {
    if (this.#current.length > 0) this.#seal();
    if (this.#sealed.length > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.#idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.#closed = true;
    this.#wake?.();
    clearTimeout(this.#timer);
    const left = [...this.#sealed.flat(), ...this.#current];
    this.#sealed = [];
    this.#current = [];
    return this.#countUndelivered(left);
  }

  #seal(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#due = false;
    if (this.#current.length === 0) return;
    this.#sealed.push(this.#current);
    this.#current = [];
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    let attempt = 0;
    try {
      for (
        let batch = this.#sealed[0];
        batch !== undefined && !this.#closed;
        batch = this.#sealed[0]
      ) {
        try {
          await this.#options.sink.submit(batch.map((entry) => entry.message));
          if (this.#isClosed()) return; // stop() gave up on this batch while it was in flight
          attempt = 0;
          this.#sealed.shift();
          this.#accepted(batch);
        } catch (error) {
          if (this.#isClosed()) return;
          if (this.#keepTcpOnly(batch) === 0) {
            this.#sealed.shift();
          } else {
            this.#logRejection(error, attempt, batch.length);
            this.#options.stats.add('submitRetries');
            const { min, max } = this.#options.retryDelayMs;
            await this.#sleep(Math.min(max, min * 2 ** Math.min(attempt, 30)));
            attempt++;
          }
        }
        if (this.#sealed.length === 0 && this.#due) this.#seal();
        this.#options.onCapacity();
      }
    } finally {
      this.#pumping = false;
      if (this.#sealed.length === 0) this.#notifyIdle();
    }
  }

  // A method, not the field, so the check is not narrowed away across the await above.
  #isClosed(): boolean {
    return this.#closed;
  }

  #accepted(batch: readonly Entry[]): void {
    this.#options.stats.add('acceptedMessages', batch.length);
    this.#options.stats.add('batches');
    const bySource = new Map<MessageSource, number>();
    for (const { source } of batch) bySource.set(source, (bySource.get(source) ?? 0) + 1);
    for (const [source, count] of bySource) source.accepted(count);
  }

  /** UDP cannot be held back at the sender, so a rejected batch drops its UDP messages. */
  #keepTcpOnly(batch: Entry[]): number {
    const kept = batch.filter((entry) => entry.source.transport === 'tcp');
    const dropped = batch.length - kept.length;
    if (dropped > 0) {
      this.#options.stats.add('udpDropped', dropped);
      batch.splice(0, batch.length, ...kept);
    }
    return kept.length;
  }

  #countUndelivered(entries: readonly Entry[]): number {
    const tcp = entries.filter((entry) => entry.source.transport === 'tcp').length;
    this.#options.stats.add('lost', tcp);
    this.#options.stats.add('udpDropped', entries.length - tcp);
    if (tcp > 0) {
      this.#options.logger.error(
        { lost: tcp },
        'syslog input stopped before the sink accepted TCP messages',
      );
    }
    return entries.length;
  }

  #logRejection(error: unknown, attempt: number, messages: number): void {
    // Log the first failure of a batch and then every 10th retry, not every retry.
    if (attempt % 10 !== 0) return;
    const transient =
      isSecOpsError(error) && (error.kind === 'overloaded' || error.kind === 'unavailable');
    const fields = { err: error, attempt, messages };
    if (transient) this.#options.logger.warn(fields, 'syslog sink rejected a batch; retrying');
    else
      this.#options.logger.error(
        fields,
        'syslog sink failed unexpectedly; retrying (TCP messages are never dropped)',
      );
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = () => {
        clearTimeout(timer);
        done();
      };
    });
  }

  #notifyIdle(): void {
    if (this.#current.length > 0 && !this.#closed) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
