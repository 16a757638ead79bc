import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import type { Clock } from '../../../platform/clock/index.ts';
import type { BatchDispatcher } from './batch-dispatcher.ts';
import type { FramerLimits } from './syslog-framer.ts';
import type { SyslogLogger } from './syslog-message.ts';
import type { StatsRecorder } from './syslog-stats.ts';
import { TcpConnection } from './tcp-connection.ts';

export interface TcpListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly framerLimits: FramerLimits;
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxPendingPerConnection: number;
  readonly dispatcher: BatchDispatcher;
  readonly stats: StatsRecorder;
  readonly logger: SyslogLogger;
  readonly clock: Clock;
}

/** The TCP side of the syslog input: accepts connections (up to a limit) and tracks them. */
export class TcpListener {
  readonly #options: TcpListenerOptions;
  readonly #server: Server;
  readonly #connections = new Set<TcpConnection>();

  constructor(options: TcpListenerOptions) {
    this.#options = options;
    // allowHalfOpen false: when a peer finishes sending, node closes our side after the last read.
    this.#server = createServer({ allowHalfOpen: false, pauseOnConnect: false });
    this.#server.maxConnections = options.maxConnections;
    this.#server.on('connection', (socket) => {
      const connection = new TcpConnection({
        socket,
        framerLimits: options.framerLimits,
        idleTimeoutMs: options.idleTimeoutMs,
        maxPendingMessages: options.maxPendingPerConnection,
        dispatcher: options.dispatcher,
        stats: options.stats,
        logger: options.logger,
        clock: options.clock,
      });
      this.#connections.add(connection);
      options.stats.add('connectionsTotal');
      options.stats.add('connectionsOpen');
      void connection.closed.then(() => {
        this.#connections.delete(connection);
        options.stats.add('connectionsOpen', -1);
      });
    });
    this.#server.on('drop', (data) => {
      options.stats.add('connectionsRejected');
      const rejected = options.stats.snapshot().connectionsRejected;
      // Log the first refusal and then every 1000th, so a connection flood cannot flood the log.
      if (rejected % 1000 === 1) {
        options.logger.warn(
          { peer: data?.remoteAddress, maxConnections: options.maxConnections, rejected },
          'syslog TCP connection refused: too many connections',
        );
      }
    });
  }

  listen(): Promise<AddressInfo> {
    const { host, port, logger } = this.#options;
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ host, port }, () => {
        this.#server.off('error', reject);
        this.#server.on('error', (error) => {
          logger.error({ err: error }, 'syslog TCP listener error');
        });
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  /** Resumes connections paused for backpressure that now have room. */
  resumeIfRoom(): void {
    for (const connection of this.#connections) connection.resumeIfRoom();
  }

  /**
   * Stops accepting, asks every peer to finish (our FIN), keeps reading until each one closes or
   * `timeoutMs` passes, then closes what is left. Messages read so far are all handed on.
   */
  async close(timeoutMs: number): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
    const connections = [...this.#connections];
    for (const connection of connections) connection.end();
    const allClosed = Promise.all(connections.map((connection) => connection.closed));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([allClosed, timedOut]);
    clearTimeout(timer);
    for (const connection of this.#connections) connection.destroy();
    await Promise.all([allClosed, stopped]);
  }
}
