import type { Socket } from 'node:net';
import type { Clock } from '../../../platform/clock/index.ts';
import type { BatchDispatcher, MessageSource } from './batch-dispatcher.ts';
import { SyslogFramer } from './syslog-framer.ts';
import type { FramerEvent, FramerLimits } from './syslog-framer.ts';
import type { SyslogLogger, SyslogPeer } from './syslog-message.ts';
import type { StatsRecorder } from './syslog-stats.ts';

export interface TcpConnectionOptions {
  readonly socket: Socket;
  readonly framerLimits: FramerLimits;
  readonly idleTimeoutMs: number;
  /** Messages of this connection not yet accepted by the sink at which reading pauses. */
  readonly maxPendingMessages: number;
  readonly dispatcher: BatchDispatcher;
  readonly stats: StatsRecorder;
  readonly logger: SyslogLogger;
  readonly clock: Clock;
}

/**
 * One accepted TCP syslog connection: frames what it reads, hands messages to the dispatcher,
 * and pauses the socket while too many of its messages (or too many batches overall) wait for
 * the sink. Every failure stays inside the connection: the worst a peer can do is get closed.
 */
export class TcpConnection implements MessageSource {
  readonly transport = 'tcp';
  readonly peer: SyslogPeer;
  /** Resolves when the socket has closed and its last message was handed on. */
  readonly closed: Promise<void>;
  readonly #options: TcpConnectionOptions;
  readonly #socket: Socket;
  readonly #framer: SyslogFramer;
  #pending = 0;
  #paused = false;
  #finished = false;
  #idleClosing = false;
  #framingErrors = 0;

  constructor(options: TcpConnectionOptions) {
    this.#options = options;
    this.#socket = options.socket;
    this.#framer = new SyslogFramer(options.framerLimits);
    this.peer = Object.freeze({
      address: options.socket.remoteAddress ?? 'unknown',
      port: options.socket.remotePort ?? 0,
      transport: 'tcp',
    });
    const socket = this.#socket;
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#finish();
        resolve();
      });
    });
    socket.setTimeout(options.idleTimeoutMs);
    socket.on('data', (chunk: Buffer) => {
      this.#onData(chunk);
    });
    socket.on('end', () => {
      this.#finish();
    });
    socket.on('timeout', () => {
      this.#onTimeout();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      options.logger.warn(
        { peer: this.peer, code: error.code, err: error },
        'syslog TCP connection error',
      );
    });
  }

  /** Messages of this connection the sink has accepted. */
  accepted(count: number): void {
    this.#pending -= count;
    this.resumeIfRoom();
  }

  /** Resumes reading when this connection and the dispatcher have room again. */
  resumeIfRoom(): void {
    if (!this.#paused || this.#socket.destroyed) return;
    if (this.#pending >= this.#options.maxPendingMessages || this.#options.dispatcher.saturated)
      return;
    this.#paused = false;
    this.#socket.resume();
  }

  /** Half-closes our side: the peer may finish sending; we keep reading until it closes. */
  end(): void {
    this.#socket.end();
  }

  /** Closes at once; what was already read is still delivered. */
  destroy(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    try {
      this.#options.stats.add('tcpBytes', chunk.length);
      this.#deliver(this.#framer.push(chunk));
      if (this.#pending >= this.#options.maxPendingMessages || this.#options.dispatcher.saturated) {
        this.#paused = true;
        this.#socket.pause();
      }
    } catch (error) {
      // Defensive: a bug triggered by one peer's bytes must not take the process down.
      this.#options.logger.error(
        { peer: this.peer, err: error },
        'syslog TCP connection failed; closing it',
      );
      this.#socket.destroy();
    }
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#deliver(this.#framer.end());
  }

  #deliver(events: readonly FramerEvent[]): void {
    if (events.length === 0) return;
    const receivedAt = this.#options.clock.now();
    const { stats, dispatcher } = this.#options;
    for (const event of events) {
      if (event.kind === 'framing-error') {
        stats.add('framingErrors');
        // One line per connection: a garbage-spewing peer must not flood the log.
        if (this.#framingErrors++ === 0) {
          this.#options.logger.warn(
            { peer: this.peer, reason: event.reason },
            'syslog TCP framing error',
          );
        }
        continue;
      }
      stats.add('tcpMessages');
      if (event.truncated === 'oversize') stats.add('oversize');
      this.#pending++;
      dispatcher.add(
        event.truncated === undefined
          ? { text: event.text, receivedAt, peer: this.peer }
          : { text: event.text, receivedAt, peer: this.peer, truncated: event.truncated },
        this,
      );
    }
  }

  #onTimeout(): void {
    const socket = this.#socket;
    const idleTimeoutMs = this.#options.idleTimeoutMs;
    if (this.#paused) {
      // Quiet because we stopped reading, not because the peer is idle.
      socket.setTimeout(idleTimeoutMs);
      return;
    }
    if (this.#idleClosing) {
      socket.destroy(); // the peer ignored our FIN for another idle period
      return;
    }
    this.#idleClosing = true;
    this.#options.stats.add('idleTimeouts');
    this.#options.logger.info(
      { peer: this.peer, idleTimeoutMs },
      'closing idle syslog TCP connection',
    );
    socket.end();
    socket.setTimeout(idleTimeoutMs);
  }
}
