import type { AddressInfo } from 'node:net';
import { systemClock } from '../../../platform/clock/index.ts';
import type { Clock } from '../../../platform/clock/index.ts';
import { PlatformError } from '../../../platform/errors/index.ts';
import type { FieldIssue } from '../../../platform/errors/index.ts';
import { BatchDispatcher } from './batch-dispatcher.ts';
import { silentLogger } from './syslog-message.ts';
import type { SyslogLogger, SyslogSink } from './syslog-message.ts';
import { createStatsRecorder } from './syslog-stats.ts';
import type { SyslogMetricListener, SyslogStats } from './syslog-stats.ts';
import { TcpListener } from './tcp-listener.ts';
import { UdpListener } from './udp-listener.ts';

/** A host and port to listen on; port 0 picks a free one (read it from `start()`). */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** Options of {@link createSyslogServer}. At least one of `tcp` and `udp` is required. */
export interface SyslogServerOptions {
  readonly tcp?: ListenAddress;
  readonly udp?: ListenAddress;
  readonly sink: SyslogSink;
  /** Longest message delivered, in bytes; longer ones are truncated and counted (`oversize`). */
  readonly maxMessageBytes: number;
  /** A TCP connection that sends nothing for this long is closed. */
  readonly idleTimeoutMs: number;
  /** Most messages in one `submit` call. Default 500. */
  readonly batchMaxMessages?: number;
  /** Longest a message waits for its batch to fill while the sink is idle. Default 100. */
  readonly batchMaxDelayMs?: number;
  /** Open TCP connections allowed; more are refused and counted. Default 1000. */
  readonly maxConnections?: number;
  /** Largest octet count trusted as a frame header (rsyslog's maxFrameSize). Default 200000. */
  readonly maxFrameBytes?: number;
  /** Batches waiting for the sink at which TCP pauses and UDP drops. Default 4. */
  readonly maxPendingBatches?: number;
  /** A connection's unaccepted messages at which it pauses. Default 2 × batchMaxMessages. */
  readonly maxPendingPerConnection?: number;
  /** Backoff between retries of a rejected batch, doubling from min to max. Default 50–5000. */
  readonly retryDelayMs?: { readonly min: number; readonly max: number };
  /** Source of `receivedAt`. Default: the system clock. */
  readonly clock?: Clock;
  readonly logger?: SyslogLogger;
  /** Told of every counter change, e.g. to feed Prometheus counters. */
  readonly onMetric?: SyslogMetricListener;
}

/** A running (or runnable) syslog input. */
export interface SyslogServer {
  /** Binds the listeners; returns the addresses actually bound. */
  start(): Promise<{ tcp?: AddressInfo; udp?: AddressInfo }>;
  /**
   * Stops accepting, lets TCP peers finish (half of `drainMs`), flushes every batch and waits for
   * the sink until `drainMs` has passed; anything still unaccepted is counted in `lost`.
   * Default `drainMs` 5000.
   */
  stop(options?: { readonly drainMs?: number }): Promise<void>;
  stats(): SyslogStats;
}

/** Creates the syslog network input (TCP and/or UDP). Nothing listens until `start()`. */
export function createSyslogServer(options: SyslogServerOptions): SyslogServer {
  const config = resolveOptions(options);
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const stats = createStatsRecorder(options.onMetric);
  let tcp: TcpListener | undefined;
  const dispatcher = new BatchDispatcher({
    sink: options.sink,
    batchMaxMessages: config.batchMaxMessages,
    batchMaxDelayMs: config.batchMaxDelayMs,
    maxPendingBatches: config.maxPendingBatches,
    retryDelayMs: config.retryDelayMs,
    stats,
    logger,
    onCapacity: () => tcp?.resumeIfRoom(),
  });
  if (options.tcp) {
    tcp = new TcpListener({
      ...options.tcp,
      framerLimits: {
        maxMessageBytes: options.maxMessageBytes,
        maxFrameBytes: config.maxFrameBytes,
      },
      idleTimeoutMs: options.idleTimeoutMs,
      maxConnections: config.maxConnections,
      maxPendingPerConnection: config.maxPendingPerConnection,
      dispatcher,
      stats,
      logger,
      clock,
    });
  }
  const udp = options.udp
    ? new UdpListener({
        ...options.udp,
        maxMessageBytes: options.maxMessageBytes,
        dispatcher,
        stats,
        logger,
        clock,
      })
    : undefined;

  let started: Promise<{ tcp?: AddressInfo; udp?: AddressInfo }> | undefined;
  let stopped: Promise<void> | undefined;

  async function listen(): Promise<{ tcp?: AddressInfo; udp?: AddressInfo }> {
    try {
      const tcpAddress = tcp ? await tcp.listen() : undefined;
      const udpAddress = udp ? await udp.listen() : undefined;
      logger.info({ tcp: tcpAddress, udp: udpAddress }, 'syslog input listening');
      return { ...(tcpAddress && { tcp: tcpAddress }), ...(udpAddress && { udp: udpAddress }) };
    } catch (error) {
      await Promise.all([tcp?.close(0), udp?.close()]);
      throw error;
    }
  }

  async function shutdown(drainMs: number): Promise<void> {
    const startedAt = performance.now();
    await started?.catch(() => undefined);
    await Promise.all([udp?.close(), tcp?.close(drainMs / 2)]);
    const left = Math.max(0, drainMs - (performance.now() - startedAt));
    const undelivered = await dispatcher.drain(left);
    logger.info({ stats: stats.snapshot(), undelivered }, 'syslog input stopped');
  }

  return {
    start() {
      if (stopped)
        return Promise.reject(new PlatformError('SHUTTING_DOWN', 'syslog input was stopped'));
      started ??= listen();
      return started;
    },
    stop(stopOptions) {
      stopped ??= shutdown(stopOptions?.drainMs ?? 5000);
      return stopped;
    },
    stats: () => stats.snapshot(),
  };
}

interface ResolvedOptions {
  readonly batchMaxMessages: number;
  readonly batchMaxDelayMs: number;
  readonly maxConnections: number;
  readonly maxFrameBytes: number;
  readonly maxPendingBatches: number;
  readonly maxPendingPerConnection: number;
  readonly retryDelayMs: { readonly min: number; readonly max: number };
}

function resolveOptions(options: SyslogServerOptions): ResolvedOptions {
  const batchMaxMessages = options.batchMaxMessages ?? 500;
  const resolved: ResolvedOptions = {
    batchMaxMessages,
    batchMaxDelayMs: options.batchMaxDelayMs ?? 100,
    maxConnections: options.maxConnections ?? 1000,
    maxFrameBytes: options.maxFrameBytes ?? Math.max(200_000, options.maxMessageBytes),
    maxPendingBatches: options.maxPendingBatches ?? 4,
    maxPendingPerConnection: options.maxPendingPerConnection ?? 2 * batchMaxMessages,
    retryDelayMs: options.retryDelayMs ?? { min: 50, max: 5000 },
  };
  const issues: FieldIssue[] = [];
  const check = (path: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    if (!Number.isInteger(value) || value < min || value > max) {
      issues.push({ path, message: `must be an integer from ${min} to ${max}, got ${value}` });
    }
  };
  if (!options.tcp && !options.udp) issues.push({ path: 'tcp', message: 'give tcp, udp or both' });
  if (options.tcp) check('tcp.port', options.tcp.port, 0, 65535);
  if (options.udp) check('udp.port', options.udp.port, 0, 65535);
  check('maxMessageBytes', options.maxMessageBytes, 16, 16 * 1024 * 1024);
  check('idleTimeoutMs', options.idleTimeoutMs, 1);
  check('batchMaxMessages', resolved.batchMaxMessages, 1);
  check('batchMaxDelayMs', resolved.batchMaxDelayMs, 0);
  check('maxConnections', resolved.maxConnections, 1);
  // 200000000 is rsyslog's ceiling; the framer relies on it to bound the header's digits.
  check('maxFrameBytes', resolved.maxFrameBytes, options.maxMessageBytes, 200_000_000);
  check('maxPendingBatches', resolved.maxPendingBatches, 1);
  check('maxPendingPerConnection', resolved.maxPendingPerConnection, 1);
  check('retryDelayMs.min', resolved.retryDelayMs.min, 1);
  check('retryDelayMs.max', resolved.retryDelayMs.max, resolved.retryDelayMs.min);
  if (issues.length > 0) {
    throw new PlatformError(
      'CONFIG_INVALID',
      `invalid syslog input options: ${issues.map((i) => i.path).join(', ')}`,
      {
        issues,
      },
    );
  }
  return resolved;
}
