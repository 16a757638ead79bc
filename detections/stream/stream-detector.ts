import type { Clock } from '../../platform/clock/index.ts';
import type { IdGenerator } from '../../platform/ids/index.ts';
import type { Logger } from '../../platform/logging/index.ts';
import type { AppendStatus, OutboxRecord, PreparedEvent } from '../../siem/index.ts';
import type { AlertCandidate } from '../alerts/alert.ts';
import { alertFromCorrelation, alertFromMatch } from '../alerts/alert-candidates.ts';
import type { AlertGrouping } from '../alerts/grouping.ts';
import { correlationFeed, readProjected } from '../hunt/correlation-feed.ts';
import type { CorrelationFeed } from '../hunt/correlation-feed.ts';
import type { LoadedCorrelation } from '../hunt/correlation-set.ts';
import type { DetectionSnapshot } from '../service/detection-service.ts';
import { createCorrelationEngine } from '../sigma/correlation/index.ts';
import type { BaseMatch, CorrelationEngine, CorrelationMatch } from '../sigma/correlation/index.ts';

/** The outbox topic alerts travel on, from the ingest commit to the alert store. */
export const ALERT_TOPIC = 'alerts';

export interface StreamDetectorOptions {
  /** The rules to evaluate with; taken once per batch. */
  readonly snapshot: () => DetectionSnapshot;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly grouping?: AlertGrouping;
  /**
   * How long (event time) a tumbling correlation window waits for late events after the newest
   * event of its tenant before it is closed. Default 60 s.
   */
  readonly latenessMs?: number;
}

/** What one batch raised. */
export interface BatchDetection {
  /** Alerts of the batch's rule matches: commit them with the batch's events. */
  readonly records: readonly OutboxRecord[];
  /**
   * Feeds the correlations with the matches of the events that were stored now (duplicates of
   * events stored before were counted then), once the batch is durable; returns the alerts of
   * the correlations they complete.
   */
  committed(statuses: readonly AppendStatus[]): OutboxRecord[];
}

export interface StreamDetectorStats {
  readonly events: number;
  readonly matches: number;
  readonly correlationMatches: number;
  /** Tenants holding correlation state. */
  readonly tenants: number;
  /** Times the correlation state was dropped because a reload changed the correlations. */
  readonly correlationResets: number;
}

export interface StreamDetector {
  detect(events: readonly PreparedEvent[]): BatchDetection;
  /**
   * Closes the tumbling correlation windows every tenant's watermark has passed: the newest
   * event time seen, plus the processing time since it arrived, minus the lateness. Returns the
   * alerts they raise.
   */
  tick(): OutboxRecord[];
  /**
   * How far back stored events must be replayed to rebuild correlation state after a restart:
   * twice the longest correlation timespan (0 without correlations).
   */
  replaySpanMs(): number;
  /**
   * Feeds stored events of one tenant (in time order) to its correlation state, as at ingest,
   * without raising their rule matches again; returns the correlation alerts they complete.
   * Alerts raised before the restart come back with the same occurrence keys, so the alert store
   * counts them once.
   */
  replay(
    tenantId: string,
    events: readonly { readonly id: string; readonly timestamp: number; readonly doc: unknown }[],
  ): OutboxRecord[];
  stats(): StreamDetectorStats;
}

/** Correlation state of one tenant: its own engine and event-time watermark. */
interface TenantCorrelations {
  readonly engine: CorrelationEngine;
  newestEvent: number;
  arrivedAt: number;
}

/** The correlations of one load, with the state each tenant has built over them. */
interface CorrelationState {
  readonly correlations: readonly LoadedCorrelation[];
  readonly feed: CorrelationFeed;
  readonly byRule: ReadonlyMap<LoadedCorrelation['rule'], LoadedCorrelation>;
  readonly tenants: Map<string, TenantCorrelations>;
}

/**
 * Evaluates each ingest batch with the current rules: every rule match becomes an alert record
 * to commit with the batch; matches of rules that correlations reference feed per-tenant
 * correlation state once their events are stored. Correlation state lives in memory: `replay`
 * rebuilds it from stored events after a restart; a reload that changes the correlation rules
 * starts it empty.
 */
export function createStreamDetector(options: StreamDetectorOptions): StreamDetector {
  const lateness = options.latenessMs ?? 60_000;
  let state: CorrelationState | undefined;
  const totals = { events: 0, matches: 0, correlationMatches: 0, correlationResets: 0 };

  const candidateContext = () => ({
    ids: options.ids,
    now: options.clock.now(),
    ...(options.grouping ? { grouping: options.grouping } : {}),
  });

  /** The correlation state for the snapshot's correlations; reset when they changed. */
  const stateFor = (snapshot: DetectionSnapshot): CorrelationState => {
    if (state && sameCorrelations(state.correlations, snapshot.correlations)) return state;
    if (state && state.tenants.size > 0) {
      totals.correlationResets++;
      options.logger.info(
        { generation: snapshot.generation, tenants: state.tenants.size },
        'correlation rules changed: correlation state starts empty',
      );
    }
    state = {
      correlations: snapshot.correlations,
      feed: correlationFeed(snapshot.correlations),
      byRule: new Map(snapshot.correlations.map((c) => [c.rule, c])),
      tenants: new Map(),
    };
    return state;
  };

  const tenantState = (current: CorrelationState, tenantId: string): TenantCorrelations => {
    let tenant = current.tenants.get(tenantId);
    if (!tenant) {
      tenant = {
        engine: createCorrelationEngine({
          rules: current.correlations.map((c) => c.rule),
          readField: readProjected,
        }),
        newestEvent: -Infinity,
        arrivedAt: options.clock.now(),
      };
      current.tenants.set(tenantId, tenant);
    }
    return tenant;
  };

  const correlationRecords = (
    current: CorrelationState,
    tenantId: string,
    matches: readonly CorrelationMatch[],
  ): OutboxRecord[] => {
    const records: OutboxRecord[] = [];
    const context = candidateContext();
    for (const match of matches) {
      const loaded = current.byRule.get(match.rule);
      if (match.suppressed || !loaded) continue;
      totals.correlationMatches++;
      records.push(toRecord(alertFromCorrelation({ tenantId, match, origin: loaded }, context)));
    }
    return records;
  };

  return {
    detect(events) {
      const snapshot = options.snapshot();
      const current = stateFor(snapshot);
      const records: OutboxRecord[] = [];
      // Per event index: its matches that feed correlations.
      const fed: { index: number; base: BaseMatch }[] = [];
      const context = candidateContext();
      events.forEach((event, index) => {
        const rules = snapshot.engine.match(event.doc);
        if (rules.length === 0) return;
        for (const rule of rules) {
          totals.matches++;
          const base = current.feed.baseMatch(rule, event.id, event.timestamp, event.doc);
          if (base) fed.push({ index, base });
          if (!current.feed.reports(rule)) continue;
          records.push(
            toRecord(
              alertFromMatch(
                {
                  tenantId: event.tenantId,
                  rule,
                  eventId: event.id,
                  timestamp: event.timestamp,
                  doc: event.doc,
                },
                context,
              ),
            ),
          );
        }
      });
      totals.events += events.length;
      return {
        records,
        committed(statuses) {
          if (fed.length === 0 || state !== current) return [];
          const now = options.clock.now();
          const out: OutboxRecord[] = [];
          for (const { index, base } of fed) {
            if (statuses[index] !== 'created') continue;
            const tenantId = events[index]?.tenantId ?? '';
            const tenant = tenantState(current, tenantId);
            tenant.newestEvent = Math.max(tenant.newestEvent, base.timestamp);
            tenant.arrivedAt = now;
            out.push(...correlationRecords(current, tenantId, tenant.engine.observe(base)));
          }
          return out;
        },
      };
    },

    tick() {
      if (!state) return [];
      const now = options.clock.now();
      const out: OutboxRecord[] = [];
      for (const [tenantId, tenant] of state.tenants) {
        if (tenant.newestEvent === -Infinity) continue;
        const watermark = tenant.newestEvent + (now - tenant.arrivedAt) - lateness;
        out.push(...correlationRecords(state, tenantId, tenant.engine.flush(watermark)));
      }
      return out;
    },

    replaySpanMs() {
      const longest = options
        .snapshot()
        .correlations.reduce((max, c) => Math.max(max, c.rule.timespanMs), 0);
      return 2 * longest;
    },

    replay(tenantId, events) {
      const snapshot = options.snapshot();
      const current = stateFor(snapshot);
      if (current.correlations.length === 0 || events.length === 0) return [];
      const tenant = tenantState(current, tenantId);
      const out: OutboxRecord[] = [];
      for (const event of events) {
        for (const rule of snapshot.engine.match(event.doc)) {
          const base = current.feed.baseMatch(rule, event.id, event.timestamp, event.doc);
          if (!base) continue;
          tenant.newestEvent = Math.max(tenant.newestEvent, base.timestamp);
          out.push(...correlationRecords(current, tenantId, tenant.engine.observe(base)));
        }
      }
      tenant.arrivedAt = options.clock.now();
      return out;
    },

    stats() {
      return { ...totals, tenants: state?.tenants.size ?? 0 };
    },
  };
}

/** An alert candidate as an outbox record, keyed so a re-sent batch stores it once. */
function toRecord(candidate: AlertCandidate): OutboxRecord {
  const { alert, occurrence } = candidate;
  return {
    topic: ALERT_TOPIC,
    key: `${alert.tenantId}\u0000${alert.ruleRef}\u0000${occurrence.key}`,
    payload: JSON.stringify(candidate),
  };
}

function sameCorrelations(
  a: readonly LoadedCorrelation[],
  b: readonly LoadedCorrelation[],
): boolean {
  return a === b || (a.length === b.length && a.every((c, i) => c.rule === b[i]?.rule));
}
