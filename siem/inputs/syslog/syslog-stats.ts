/** Counters of a syslog server since it was created. `connectionsOpen` is a gauge. */
export interface SyslogStats {
  /** Messages framed from TCP connections. */
  readonly tcpMessages: number;
  /** Datagrams received over UDP (including those later dropped). */
  readonly udpMessages: number;
  /** Bytes read from TCP connections. */
  readonly tcpBytes: number;
  /** Bytes of UDP datagrams received. */
  readonly udpBytes: number;
  /** Messages the sink accepted. */
  readonly acceptedMessages: number;
  /** Batches the sink accepted. */
  readonly batches: number;
  /** Rejected `submit` calls that were retried. */
  readonly submitRetries: number;
  /** Messages longer than `maxMessageBytes`, delivered truncated. */
  readonly oversize: number;
  /** Bad or incomplete TCP frame headers (see README). */
  readonly framingErrors: number;
  /** UDP messages dropped because the sink was overloaded. */
  readonly udpDropped: number;
  /** TCP messages read but not accepted by the sink before `stop()`'s deadline. Should stay 0. */
  readonly lost: number;
  readonly connectionsOpen: number;
  readonly connectionsTotal: number;
  /** Connections refused because `maxConnections` were open. */
  readonly connectionsRejected: number;
  /** Connections closed for being idle for `idleTimeoutMs`. */
  readonly idleTimeouts: number;
}

/** Name of a counter in {@link SyslogStats}. */
export type SyslogStatName = keyof SyslogStats;

/** Receives every change of a counter (a positive delta, or ±1 for `connectionsOpen`). */
export type SyslogMetricListener = (name: SyslogStatName, delta: number) => void;

/** Mutable counters plus a listener hook; internal to the syslog input. */
export interface StatsRecorder {
  add(name: SyslogStatName, delta?: number): void;
  snapshot(): SyslogStats;
}

export function createStatsRecorder(onMetric?: SyslogMetricListener): StatsRecorder {
  const counters: Record<SyslogStatName, number> = {
    tcpMessages: 0,
    udpMessages: 0,
    tcpBytes: 0,
    udpBytes: 0,
    acceptedMessages: 0,
    batches: 0,
    submitRetries: 0,
    oversize: 0,
    framingErrors: 0,
    udpDropped: 0,
    lost: 0,
    connectionsOpen: 0,
    connectionsTotal: 0,
    connectionsRejected: 0,
    idleTimeouts: 0,
  };
  return {
    add(name, delta = 1) {
      if (delta === 0) return;
      counters[name] += delta;
      if (onMetric) {
        try {
          onMetric(name, delta);
        } catch {
          // A faulty metrics hook must never break ingestion.
        }
      }
    },
    snapshot: () => ({ ...counters }),
  };
}
