import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../platform/clock/index.ts';
import { createIdGenerator } from '../../platform/ids/index.ts';
import { createLogger } from '../../platform/logging/index.ts';
import { createMetrics } from '../../platform/metrics/index.ts';
import { createSecretScanner } from '../../platform/redaction/index.ts';
import { createSqliteRelationalStore, sql } from '../../platform/storage/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import { createIngestPipeline, createSqliteEventStore } from '../../siem/index.ts';
import type { EventStore, IngestPipeline, IngestSource } from '../../siem/index.ts';
import { alertMigrations } from '../alerts/migrations.ts';
import { createRelationalAlertStore } from '../alerts/relational-alert-store.ts';
import type { AlertStore } from '../alerts/alert-store.ts';
import type { Alert } from '../alerts/alert.ts';
import { compileRuleSet } from '../hunt/rule-set.ts';
import { loadMappings } from '../mappings/logsource-mapping.ts';
import type { DetectionSnapshot } from '../service/detection-service.ts';
import { DEAD_ALERT_TOPIC } from './alert-relay.ts';
import { ALERT_TOPIC, createStreamDetector } from './stream-detector.ts';
import { createStreamingDetections } from './streaming-detections.ts';
import type { StreamingDetections } from './streaming-detections.ts';

// Detection inside the real ingest pipeline: a real SQLite event store (its outbox) and a real
// relational alert store, rules compiled from YAML text.

const mappings = loadMappings();
const logger = createLogger({ level: 'silent' });
const T0 = Date.UTC(2026, 10, 1, 10);

const MATCH_RULE = `title: Beta Seen
id: bbbbbbbb-0000-4000-8000-000000000002
name: beta_seen
status: test
author: Stream Test
level: high
tags: [attack.execution, attack.t1059]
logsource: { product: testapp }
detection:
  selection:
    message|contains: beta
  condition: selection
`;

const BURST = `${MATCH_RULE}---
title: Beta Burst
id: cccccccc-0000-4000-8000-000000000003
status: experimental
author: Stream Test
level: critical
correlation:
  type: event_count
  rules: [beta_seen]
  group-by: [host.name]
  timespan: 5m
  condition: { gte: 3 }
`;

const QUIET = `${MATCH_RULE}---
title: Beta Never Twice
id: dddddddd-0000-4000-8000-000000000004
level: medium
correlation:
  type: event_count
  rules: [beta_seen]
  group-by: [host.name]
  timespan: 1m
  condition: { lt: 2 }
  generate: false
`;

function snapshotOf(text: string): DetectionSnapshot {
  const set = compileRuleSet([{ file: 'stream.yml', text }], { mappings });
  expect(set.rules.length).toBeGreaterThan(0);
  return { generation: 1, loadedAt: T0, engine: set.engine, correlations: set.correlations };
}

function record(message: string, at: number, host = 'h1', id?: string) {
  return {
    record: {
      kind: 'json' as const,
      value: {
        '@timestamp': new Date(at).toISOString(),
        event: { module: 'testapp', ...(id === undefined ? {} : { id }) },
        host: { name: host },
        user: { name: 'alice' },
        message,
      },
    },
  };
}

interface Rig {
  readonly events: EventStore;
  readonly relational: RelationalStore;
  readonly alerts: AlertStore;
  readonly pipeline: IngestPipeline;
  readonly streaming: StreamingDetections;
  readonly clock: ReturnType<typeof createManualClock>;
  readonly source: IngestSource;
  readonly dir: string;
  list(): Promise<Alert[]>;
  ingest(
    items: ReturnType<typeof record>[],
    source?: IngestSource,
  ): ReturnType<IngestPipeline['ingest']>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(
  rules: string,
  reuse?: { dir: string; relational: RelationalStore },
  options: { replay?: boolean; startAt?: number } = {},
): Promise<Rig> {
  const dir = reuse?.dir ?? mkdtempSync(join(tmpdir(), 'stream-'));
  if (!reuse) cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const clock = createManualClock(options.startAt ?? T0);
  const ids = createIdGenerator(clock);
  const metrics = createMetrics({ defaultMetrics: false });
  const events = await createSqliteEventStore({
    path: join(dir, 'events.db'),
    threads: false,
    durability: 'normal',
    clock,
  });
  let relational = reuse?.relational;
  if (!relational) {
    const opened = createSqliteRelationalStore({ path: join(dir, 'app.db') });
    await opened.migrate(alertMigrations);
    relational = opened;
  }
  const alerts = createRelationalAlertStore({ store: relational });
  const snapshot = snapshotOf(rules);
  const streaming = createStreamingDetections({
    snapshot: () => snapshot,
    events,
    alerts,
    ids,
    clock,
    logger,
    metrics,
    latenessMs: 30_000,
    ...(options.replay
      ? { replay: { events, tenants: () => Promise.resolve(['acme', 'empty-tenant']) } }
      : {}),
  });
  const pipeline = createIngestPipeline({
    store: events,
    scanner: createSecretScanner(),
    clock,
    ids,
    metrics,
    logger,
    maxEventBytes: 64 * 1024,
    hooks: [streaming.hook],
  });
  const source: IngestSource = { id: 'src-1', name: 'test', tenantId: 'acme', parser: 'auto' };
  const owned = relational;
  cleanups.push(async () => {
    await streaming.stop();
    await events.close();
    if (!reuse) await owned.close();
  });
  await streaming.start();
  return {
    events,
    relational,
    alerts,
    pipeline,
    streaming,
    clock,
    source,
    dir,
    list: async () => [...(await alerts.list('acme', {}, { limit: 100 })).alerts],
    ingest: (items, other) =>
      pipeline.ingest(items, { source: other ?? source, idStrategy: 'content' }),
  };
}

describe('streaming detections', () => {
  it('raises an alert for a matching event, committed with it and relayed to the alert store', async () => {
    const r = await rig(MATCH_RULE);
    const results = await r.ingest([record('alpha only', T0), record('beta here', T0 + 1)]);
    expect(results.map((x) => x.status)).toEqual(['created', 'created']);
    await r.streaming.relay.drain();

    const alerts = await r.list();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      tenantId: 'acme',
      kind: 'match',
      state: 'new',
      ruleRef: 'bbbbbbbb-0000-4000-8000-000000000002',
      ruleTitle: 'Beta Seen',
      ruleAuthor: 'Stream Test',
      severity: 'high',
      techniques: ['T1059'],
      eventIds: results[1]?.ids,
      count: 1,
      host: 'h1',
    });
    // Relayed records leave the outbox.
    expect(await r.events.readOutbox(ALERT_TOPIC, 10)).toEqual([]);
  });

  it('counts a re-sent batch once, and folds matches of one group into one alert', async () => {
    const r = await rig(MATCH_RULE);
    const batch = [record('beta one', T0), record('beta two', T0 + 1000)];
    await r.ingest(batch);
    const again = await r.ingest(batch);
    expect(again.map((x) => x.status)).toEqual(['duplicate', 'duplicate']);
    await r.streaming.relay.drain();
    const alerts = await r.list();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ count: 2, eventCount: 2 });
  });

  it('stores no alert of a batch that was not stored', async () => {
    const r = await rig(MATCH_RULE);
    // A source without a tenant: the store refuses the whole batch.
    const results = await r.ingest([record('beta lost', T0)], { ...r.source, tenantId: '' });
    expect(results[0]?.status).toBe('overloaded');
    await r.streaming.relay.drain();
    expect(await r.events.readOutbox(ALERT_TOPIC, 10)).toEqual([]);
    expect(await r.alerts.list('', {}, { limit: 10 })).toMatchObject({ alerts: [] });
  });

  it('keeps alerts in the outbox while the alert store fails, and relays them once it is back', async () => {
    const r = await rig(MATCH_RULE);
    // The alert store refuses every new alert (as a full or failing database would).
    await r.relational.execute(
      sql`CREATE TRIGGER alerts_down BEFORE INSERT ON detections_alerts BEGIN SELECT RAISE(ABORT, 'alert store down'); END`,
    );
    await r.ingest([record('beta while down', T0)]);
    await expect(r.streaming.relay.drain()).rejects.toThrow();
    expect(await r.events.readOutbox(ALERT_TOPIC, 10)).toHaveLength(1);

    await r.relational.execute(sql`DROP TRIGGER alerts_down`);
    await r.streaming.relay.drain();
    expect(await r.list()).toHaveLength(1);
    expect(await r.events.readOutbox(ALERT_TOPIC, 10)).toEqual([]);
  });

  it('relays at start what a stopped process left in the outbox', async () => {
    const first = await rig(MATCH_RULE);
    // As if the process died between the commit and the relay: records committed, none applied.
    const detector = createStreamDetector({
      snapshot: () => snapshotOf(MATCH_RULE),
      ids: createIdGenerator(first.clock),
      clock: first.clock,
      logger,
    });
    const event = {
      tenantId: 'acme',
      id: 'left-behind',
      timestamp: T0,
      doc: {
        '@timestamp': new Date(T0).toISOString(),
        event: { module: 'testapp' },
        message: 'beta',
      },
      json: '{}',
    };
    const detected = detector.detect([event]);
    expect(await first.events.append([event], detected.records)).toEqual(['created']);
    await first.streaming.stop();
    await first.events.close();
    cleanups.pop();

    const second = await rig(MATCH_RULE, { dir: first.dir, relational: first.relational });
    const alerts = await second.list();
    expect(alerts.map((a) => a.eventIds)).toEqual([['left-behind']]);
  });

  it('sets apart a record it cannot read instead of dropping it or stalling', async () => {
    const r = await rig(MATCH_RULE);
    await r.events.append([], [{ topic: ALERT_TOPIC, key: 'garbled', payload: '{"alert":' }]);
    await r.ingest([record('beta after garbage', T0)]);
    await r.streaming.relay.drain();
    expect(await r.list()).toHaveLength(1);
    expect(await r.events.readOutbox(ALERT_TOPIC, 10)).toEqual([]);
    expect((await r.events.readOutbox(DEAD_ALERT_TOPIC, 10)).map((e) => e.key)).toEqual([
      'garbled',
    ]);
  });

  it('runs correlations over stored events across batches, counting re-sent events once', async () => {
    const r = await rig(BURST);
    await r.ingest([record('beta 1', T0), record('beta x', T0 + 1000, 'other-host')]);
    await r.ingest([record('beta 2', T0 + 60_000)]);
    // The same event again: a duplicate, which must not complete the burst.
    await r.ingest([record('beta 2', T0 + 60_000)]);
    await r.streaming.relay.drain();
    expect((await r.list()).filter((a) => a.kind === 'correlation')).toEqual([]);

    const third = await r.ingest([record('beta 3', T0 + 120_000)]);
    await r.streaming.tick();
    await r.streaming.relay.drain();
    const correlation = (await r.list()).filter((a) => a.kind === 'correlation');
    expect(correlation).toHaveLength(1);
    expect(correlation[0]).toMatchObject({
      ruleRef: 'cccccccc-0000-4000-8000-000000000003',
      ruleTitle: 'Beta Burst',
      ruleAuthor: 'Stream Test',
      severity: 'critical',
      groupBy: { 'host.name': 'h1' },
      host: 'h1',
      eventCount: 3,
    });
    expect(correlation[0]?.eventIds).toContain(third[0]?.ids[0]);
    expect(r.streaming.stats()).toMatchObject({ correlationMatches: 1, tenants: 1 });
  });

  it('rebuilds correlation state after a restart from the stored events, counting nothing twice', async () => {
    const first = await rig(BURST);
    await first.ingest([record('beta 1', T0), record('beta 2', T0 + 60_000)]);
    await first.streaming.relay.drain();
    await first.streaming.stop();
    await first.events.close();
    cleanups.pop();

    // Restarted two minutes later: the two stored matches are replayed into the burst's window,
    // so a third completes it.
    const second = await rig(
      BURST,
      { dir: first.dir, relational: first.relational },
      { replay: true, startAt: T0 + 120_000 },
    );
    expect(second.streaming.stats()).toMatchObject({ tenants: 1, matches: 0 });
    const third = await second.ingest([record('beta 3', T0 + 120_000)]);
    await second.streaming.tick();
    await second.streaming.relay.drain();
    const raised = (await second.list()).filter((a) => a.kind === 'correlation');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ eventCount: 3, count: 1 });
    expect(raised[0]?.eventIds).toContain(third[0]?.ids[0]);
    // The replay raises no rule matches: here the base rule raises none at all (its correlation
    // does not ask for them); the replay is covered by the correlation's occurrence keys.
    expect((await second.list()).filter((a) => a.kind === 'match')).toEqual([]);
    await second.streaming.stop();
    await second.events.close();
    cleanups.pop();

    // Restarted again: the replay completes the same burst with the same events, and the alert
    // store recognises it (same occurrence key): still one correlation alert, counted once.
    const third2 = await rig(
      BURST,
      { dir: first.dir, relational: first.relational },
      { replay: true, startAt: T0 + 180_000 },
    );
    await third2.streaming.tick();
    await third2.streaming.relay.drain();
    const again = (await third2.list()).filter((a) => a.kind === 'correlation');
    expect(again.map((a) => a.count)).toEqual([1]);
  });

  it('closes tumbling windows on the tick once the watermark passes them, and keeps generate: false quiet', async () => {
    const r = await rig(QUIET);
    await r.ingest([record('beta once', T0)]);
    await r.streaming.tick();
    await r.streaming.relay.drain();
    // Base matches of a rule that only feeds a `generate: false` correlation raise nothing alone,
    // and the window (1 m + 30 s lateness) is still open.
    expect(await r.list()).toEqual([]);

    r.clock.advance(95_000);
    await r.streaming.tick();
    await r.streaming.relay.drain();
    const alerts = await r.list();
    expect(alerts.map((a) => [a.kind, a.ruleTitle])).toEqual([['correlation', 'Beta Never Twice']]);
  });
});
