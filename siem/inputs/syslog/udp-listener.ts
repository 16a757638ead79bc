import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../platform/clock/index.ts';
import type { BatchDispatcher, MessageSource } from './batch-dispatcher.ts';
import { decodeMessage, stripTrailer, truncateUtf8 } from './message-bytes.ts';
import type { SyslogLogger } from './syslog-message.ts';
import type { StatsRecorder } from './syslog-stats.ts';

export interface UdpListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxMessageBytes: number;
  readonly dispatcher: BatchDispatcher;
  readonly stats: StatsRecorder;
  readonly logger: SyslogLogger;
  readonly clock: Clock;
}

// UDP senders cannot be slowed down, so nothing is owed to them when the sink accepts.
const udpSource: MessageSource = { transport: 'udp', accepted: () => undefined };

/**
 * The UDP side of the syslog input: one datagram is one message (a trailing LF/NUL is removed,
 * oversize datagrams are truncated like rsyslog's imudp). When the dispatcher is saturated the
 * datagram is dropped and counted: UDP has no way to push back.
 */
export class UdpListener {
  readonly #options: UdpListenerOptions;
  readonly #socket: Socket;

  constructor(options: UdpListenerOptions) {
    this.#options = options;
    this.#socket = createSocket({ type: isIPv6(options.host) ? 'udp6' : 'udp4' });
    this.#socket.on('message', (datagram, remote) => {
      try {
        this.#onMessage(datagram, remote);
      } catch (error) {
        options.logger.error({ err: error }, 'syslog UDP datagram could not be handled');
      }
    });
  }

  listen(): Promise<AddressInfo> {
    const { host, port, logger } = this.#options;
    return new Promise((resolve, reject) => {
      this.#socket.once('error', reject);
      this.#socket.bind({ address: host, port }, () => {
        this.#socket.off('error', reject);
        this.#socket.on('error', (error) => {
          logger.error({ err: error }, 'syslog UDP listener error');
        });
        resolve(this.#socket.address());
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.#socket.close(() => {
          resolve();
        });
      } catch {
        resolve(); // never bound, or already closed
      }
    });
  }

  #onMessage(datagram: Buffer, remote: RemoteInfo): void {
    const { stats, dispatcher, maxMessageBytes } = this.#options;
    stats.add('udpBytes', datagram.length);
    const body = stripTrailer(datagram);
    if (body.length === 0) return;
    stats.add('udpMessages');
    if (dispatcher.saturated) {
      stats.add('udpDropped');
      return;
    }
    const peer = { address: remote.address, port: remote.port, transport: 'udp' } as const;
    const receivedAt = this.#options.clock.now();
    if (body.length > maxMessageBytes) {
      stats.add('oversize');
      const text = decodeMessage(truncateUtf8(body, maxMessageBytes));
      dispatcher.add({ text, receivedAt, peer, truncated: 'oversize' }, udpSource);
    } else {
      dispatcher.add({ text: decodeMessage(body), receivedAt, peer }, udpSource);
    }
  }
}
