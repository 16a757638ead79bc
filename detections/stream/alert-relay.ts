import type { Clock } from '../../platform/clock/index.ts';
import type { Logger } from '../../platform/logging/index.ts';
import type { Metrics } from '../../platform/metrics/index.ts';
import type { EventStore, OutboxEntry } from '../../siem/index.ts';
import type { AlertCandidate } from '../alerts/alert.ts';
import type { AlertStore } from '../alerts/alert-store.ts';
import type { DedupPolicy } from '../alerts/dedup.ts';
import { recordAlerts } from '../alerts/record-alerts.ts';
import { ALERT_TOPIC } from './stream-detector.ts';

/** Where records nobody can read go, kept for an operator rather than dropped. */
export const DEAD_ALERT_TOPIC = 'alerts.dead';

export interface AlertRelayOptions {
  readonly outbox: Pick<EventStore, 'append' | 'readOutbox' | 'ackOutbox'>;
  readonly alerts: AlertStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly policy?: DedupPolicy;
  /** Records applied per alert-store transaction. Default 500. */
  readonly batchSize?: number;
  /** First wait after a failure; it doubles up to `maxRetryMs`. Defaults 500 ms and 30 s. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
}

export interface AlertRelay {
  /** Something was committed: relay it now (or once the relay in progress ends). */
  kick(): void;
  /** Relays everything held now; rejects if the alert store fails (the records stay held). */
  drain(): Promise<void>;
  /** Stops retrying and waits for the relay in progress. */
  stop(): Promise<void>;
}

/**
 * Moves alert records from the event store's outbox (committed with their events) into the
 * alert store, oldest first: dedup folds them into alerts, then they are acknowledged. A crash
 * between the two applies them again, which changes nothing (occurrence keys). While the alert
 * store fails, records stay in the outbox and the relay retries with backoff.
 */
export function createAlertRelay(options: AlertRelayOptions): AlertRelay {
  const batchSize = options.batchSize ?? 500;
  const firstRetry = options.retryMs ?? 500;
  const maxRetry = options.maxRetryMs ?? 30_000;
  const relayed = options.metrics.counter(
    'alerts_relayed_total',
    'Alert records applied to the alert store, by outcome',
    ['outcome'],
  );
  const failures = options.metrics.counter(
    'alert_relay_failures_total',
    'Times applying alert records failed (they stay held and are retried)',
  );
  const lag = options.metrics.histogram(
    'alert_relay_lag_seconds',
    'From a match being found at ingest to its alert being stored',
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );

  let running: Promise<void> | undefined;
  let kicks = 0;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryDelay = firstRetry;

  /** One pass: relays until the outbox is empty. */
  const pass = async (): Promise<void> => {
    for (;;) {
      const entries = await options.outbox.readOutbox(ALERT_TOPIC, batchSize);
      if (entries.length === 0) return;
      const { candidates, unreadable } = decode(entries);
      if (unreadable.length > 0) {
        options.logger.error(
          { records: unreadable.map((e) => e.key.replaceAll('\u0000', '/')) },
          'unreadable alert records moved to the dead-letter topic',
        );
        await options.outbox.append(
          [],
          unreadable.map((e) => ({ topic: DEAD_ALERT_TOPIC, key: e.key, payload: e.payload })),
        );
      }
      const applied = await recordAlerts(options.alerts, candidates, options.policy);
      const now = options.clock.now();
      for (const result of applied) relayed.inc({ outcome: result.status });
      for (const candidate of candidates)
        lag.observe(Math.max(0, now - candidate.alert.createdAt) / 1000);
      await options.outbox.ackOutbox(
        ALERT_TOPIC,
        entries.map((e) => e.seq),
      );
      if (entries.length < batchSize) return;
    }
  };

  const run = (): Promise<void> => {
    running ??= (async () => {
      try {
        // Kicks during a pass may have committed more: pass again until none came.
        let seen: number;
        do {
          seen = kicks;
          await pass();
        } while (kicks !== seen && !stopped);
        retryDelay = firstRetry;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const kick = (): void => {
    // After a failure, the retry timer runs the next pass: commits do not hammer a failing store.
    if (stopped || retryTimer) return;
    kicks++;
    if (running) return;
    run().catch((err: unknown) => {
      failures.inc();
      options.logger.error(
        { err, retryInMs: retryDelay },
        'relaying alerts failed; they stay in the outbox',
      );
      if (stopped) return;
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        kick();
      }, retryDelay);
      retryTimer.unref();
      retryDelay = Math.min(retryDelay * 2, maxRetry);
    });
  };

  return {
    kick,
    async drain() {
      while (running) await running.catch(() => undefined);
      await run();
    },
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      while (running) await running.catch(() => undefined);
    },
  };
}

/** Reads alert records back; one that is not an alert candidate is set apart. */
function decode(entries: readonly OutboxEntry[]): {
  candidates: AlertCandidate[];
  unreadable: OutboxEntry[];
} {
  const candidates: AlertCandidate[] = [];
  const unreadable: OutboxEntry[] = [];
  for (const entry of entries) {
    let value: unknown;
    try {
      value = JSON.parse(entry.payload);
    } catch {
      unreadable.push(entry);
      continue;
    }
    if (isCandidate(value)) candidates.push(value);
    else unreadable.push(entry);
  }
  return { candidates, unreadable };
}

function isCandidate(value: unknown): value is AlertCandidate {
  if (typeof value !== 'object' || value === null) return false;
  const { alert, occurrence } = value as Record<string, unknown>;
  if (typeof alert !== 'object' || alert === null) return false;
  if (typeof occurrence !== 'object' || occurrence === null) return false;
  const a = alert as Record<string, unknown>;
  const o = occurrence as Record<string, unknown>;
  return (
    typeof a.id === 'string' &&
    typeof a.tenantId === 'string' &&
    typeof a.ruleRef === 'string' &&
    typeof a.groupKey === 'string' &&
    typeof a.createdAt === 'number' &&
    typeof o.key === 'string' &&
    Array.isArray(o.eventIds) &&
    typeof o.firstSeen === 'number' &&
    typeof o.lastSeen === 'number'
  );
}
