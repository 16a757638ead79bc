import type { Clock } from '../../platform/clock/index.ts';
import type { IdGenerator } from '../../platform/ids/index.ts';
import type { Logger } from '../../platform/logging/index.ts';
import type { Metrics } from '../../platform/metrics/index.ts';
import type { EventStore, IngestHook, KqlNode, OutboxRecord } from '../../siem/index.ts';
import type { AlertStore } from '../alerts/alert-store.ts';
import type { DedupPolicy } from '../alerts/dedup.ts';
import type { AlertGrouping } from '../alerts/grouping.ts';
import type { DetectionSnapshot } from '../service/detection-service.ts';
import { createAlertRelay } from './alert-relay.ts';
import type { AlertRelay } from './alert-relay.ts';
import { createStreamDetector } from './stream-detector.ts';
import type { StreamDetectorStats } from './stream-detector.ts';

const MATCH_ALL: KqlNode = { type: 'match_all' };
const REPLAY_PAGE = 1000;

export interface StreamingDetectionsOptions {
  readonly snapshot: () => DetectionSnapshot;
  readonly events: Pick<EventStore, 'append' | 'readOutbox' | 'ackOutbox'>;
  readonly alerts: AlertStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly grouping?: AlertGrouping;
  readonly policy?: DedupPolicy;
  /** See `StreamDetectorOptions.latenessMs`. */
  readonly latenessMs?: number;
  /** How often correlation windows are closed and held records retried. Default 1 s. */
  readonly tickMs?: number;
  /**
   * Where `start` rebuilds correlation state from: the stored events of each tenant within the
   * replay span (twice the longest correlation timespan, at most `maxMs`, default 24 h).
   * Without it, correlation state starts empty after a restart.
   */
  readonly replay?: {
    readonly events: Pick<EventStore, 'search'>;
    readonly tenants: () => Promise<readonly string[]>;
    readonly maxMs?: number;
  };
}

export interface StreamingDetections {
  /** The ingest hook: attach it to the SIEM's pipeline. */
  readonly hook: IngestHook;
  readonly relay: AlertRelay;
  /**
   * Relays what an earlier run left in the outbox, rebuilds correlation state from the stored
   * events of the replay span (with `replay`), then starts the timer.
   */
  start(): Promise<void>;
  /**
   * Stops the timer and relays what is held (call after ingest drained, before the event store
   * closes). Correlation windows still open are not evaluated here; the next start rebuilds them
   * from the stored events (with `replay`).
   */
  stop(): Promise<void>;
  /** Runs the timer's work now: closes correlation windows, stores their alerts, relays. */
  tick(): Promise<void>;
  stats(): StreamDetectorStats & { readonly heldCorrelationAlerts: number };
}

/**
 * Detection on the ingest path. Each batch is evaluated before it is stored and its alerts are
 * committed with its events (the event store's outbox), then relayed to the alert store.
 * Correlations see a batch's matches once it is stored; the alerts they raise are committed on
 * their own right after (or, if that fails, retried on the next tick).
 */
export function createStreamingDetections(
  options: StreamingDetectionsOptions,
): StreamingDetections {
  const detector = createStreamDetector({
    snapshot: options.snapshot,
    ids: options.ids,
    clock: options.clock,
    logger: options.logger,
    ...(options.grouping ? { grouping: options.grouping } : {}),
    ...(options.latenessMs === undefined ? {} : { latenessMs: options.latenessMs }),
  });
  const relay = createAlertRelay({
    outbox: options.events,
    alerts: options.alerts,
    clock: options.clock,
    logger: options.logger,
    metrics: options.metrics,
    ...(options.policy ? { policy: options.policy } : {}),
  });
  const matched = options.metrics.counter(
    'detection_matches_total',
    'Rule matches found at ingest (before dedup into alerts)',
  );
  const evaluated = options.metrics.counter(
    'detection_events_total',
    'Events evaluated by the detection rules at ingest',
  );
  const seconds = options.metrics.histogram(
    'detection_batch_seconds',
    'Time evaluating one ingest batch with the detection rules',
    [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  );

  // Correlation alerts whose commit failed: retried on the next tick, never dropped.
  let held: OutboxRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;

  const commitHeld = async (): Promise<void> => {
    if (held.length === 0) return;
    const records = held;
    held = [];
    try {
      await options.events.append([], records);
    } catch (err) {
      held = [...records, ...held];
      options.logger.error(
        { err, alerts: records.length },
        'storing correlation alerts failed; retrying on the next tick',
      );
      return;
    }
    relay.kick();
  };

  const tick = (): Promise<void> => {
    ticking ??= (async () => {
      try {
        held.push(...detector.tick());
        await commitHeld();
        relay.kick();
      } finally {
        ticking = undefined;
      }
    })();
    return ticking;
  };

  /** Rebuilds each tenant's correlation state from its stored events of the replay span. */
  const replayCorrelations = async (
    replay: NonNullable<StreamingDetectionsOptions['replay']>,
  ): Promise<void> => {
    const span = Math.min(detector.replaySpanMs(), replay.maxMs ?? 86_400_000);
    if (span <= 0) return;
    const now = options.clock.now();
    for (const tenantId of await replay.tenants()) {
      let cursor: string | undefined;
      let replayed = 0;
      do {
        const page = await replay.events.search(tenantId, {
          query: MATCH_ALL,
          from: now - span,
          to: now + 1,
          size: REPLAY_PAGE,
          sort: 'asc',
          trackTotalHits: 0,
          ...(cursor === undefined ? {} : { cursor }),
        });
        held.push(...detector.replay(tenantId, page.hits));
        replayed += page.hits.length;
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      if (replayed > 0)
        options.logger.info(
          { tenantId, events: replayed, spanMinutes: Math.round(span / 60_000) },
          'correlation state rebuilt from stored events',
        );
    }
    await commitHeld();
  };

  const hook: IngestHook = {
    name: 'detections',
    onEvents(events) {
      const started = performance.now();
      const batch = detector.detect(events);
      seconds.observe((performance.now() - started) / 1000);
      evaluated.inc(events.length);
      if (batch.records.length > 0) matched.inc(batch.records.length);
      return {
        outbox: batch.records,
        committed: (statuses) => {
          const raised = batch.committed(statuses);
          if (raised.length > 0) {
            held.push(...raised);
            void commitHeld();
          }
          if (batch.records.length > 0) relay.kick();
        },
      };
    },
  };

  return {
    hook,
    relay,
    async start() {
      await relay.drain();
      if (options.replay) await replayCorrelations(options.replay);
      const every = options.tickMs ?? 1000;
      timer = setInterval(() => void tick(), every);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await ticking;
      await commitHeld();
      await relay.stop();
      await relay.drain().catch((err: unknown) => {
        options.logger.error({ err }, 'alerts left in the outbox at stop; relayed at next start');
      });
    },
    tick,
    stats: () => ({ ...detector.stats(), heldCorrelationAlerts: held.length }),
  };
}
