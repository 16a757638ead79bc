/** Where a syslog message came from. */
export interface SyslogPeer {
  readonly address: string;
  readonly port: number;
  readonly transport: 'tcp' | 'udp';
}

/** One raw syslog message as received: not parsed (RFC 5424/3164 parsing happens downstream). */
export interface SyslogMessage {
  /** The message bytes decoded as UTF-8 (invalid sequences become U+FFFD), framing removed. */
  readonly text: string;
  /** Epoch milliseconds when the bytes were read from the socket. */
  readonly receivedAt: number;
  readonly peer: SyslogPeer;
  /**
   * Set when the text is not the whole message: `oversize` (cut at `maxMessageBytes`) or
   * `incomplete` (the connection ended inside an octet-counted frame).
   */
  readonly truncated?: 'oversize' | 'incomplete';
}

/** Where the syslog input hands batches of messages (the ingest pipeline). */
export interface SyslogSink {
  /**
   * Resolves once the batch is durably accepted. Rejects when it is not, e.g. with a
   * `SiemError` of code `SIEM_OVERLOADED`; the input then retries (TCP) or drops and counts (UDP).
   */
  submit(messages: readonly SyslogMessage[]): Promise<void>;
}

/** The logging the syslog input needs; a pino logger fits. */
export interface SyslogLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentLogger: SyslogLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
