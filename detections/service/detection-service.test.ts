import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../platform/clock/index.ts';
import { createLogger } from '../../platform/logging/index.ts';
import { createSqliteRelationalStore, sql } from '../../platform/storage/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import { DetectionError } from '../errors.ts';
import { loadMappings } from '../mappings/logsource-mapping.ts';
import { createDetectionService } from './detection-service.ts';
import type { DetectionService, DetectionSnapshot } from './detection-service.ts';
import { ruleStateMigrations } from './rule-state-store.ts';

// The detection service over real rule directories on disk and rule switches in SQLite: loading,
// the atomic swap under a concurrent evaluation loop, failed reloads, and switches that persist.

const mappings = loadMappings();
const logger = createLogger({ level: 'silent' });
const clock = createManualClock(Date.UTC(2026, 10, 1));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ALPHA_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const BETA_ID = 'bbbbbbbb-0000-4000-8000-000000000002';
const BURST_ID = 'cccccccc-0000-4000-8000-000000000003';

/** A rule over the test application's events (generic logsource: `event.module: testapp`). */
function rule(title: string, id: string, word: string, extra = ''): string {
  return `title: ${title}
id: ${id}
${extra}status: test
author: Service Test
level: medium
tags: [attack.execution]
logsource: { product: testapp }
detection:
  selection:
    message|contains: ${word}
  condition: selection
`;
}

const BETA_WITH_BURST = `# beta, and a burst of it
${rule('Beta Seen', BETA_ID, 'beta', 'name: beta_seen\n')}---
title: Beta Burst
id: ${BURST_ID}
status: experimental
level: high
tags: [attack.impact]
correlation:
  type: event_count
  rules: [beta_seen]
  group-by: [host.name]
  timespan: 5m
  condition: { gte: 3 }
`;

function event(message: string, at = '2026-11-01T10:00:00Z', host = 'h1'): unknown {
  return { '@timestamp': at, event: { module: 'testapp' }, host: { name: host }, message };
}

function rulesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'secops-rules-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function relationalStore(): Promise<RelationalStore> {
  const store = createSqliteRelationalStore({ path: ':memory:' });
  await store.migrate(ruleStateMigrations);
  cleanups.push(() => store.close());
  return store;
}

async function service(
  dirs: readonly string[],
  store?: RelationalStore,
): Promise<DetectionService> {
  return createDetectionService({
    ruleDirs: dirs,
    mappings,
    relational: store ?? (await relationalStore()),
    clock,
    logger,
  });
}

/** Titles of the rules `snapshot` matches on `doc`. */
const titles = (snapshot: DetectionSnapshot, doc: unknown) =>
  snapshot.engine.match(doc).map((r) => r.meta.title);

describe('loading', () => {
  it('loads the rule directories: report, list with filters, a rule with its own YAML document', async () => {
    const dir = rulesDir({
      'alpha.yml': rule('Alpha Seen', ALPHA_ID, 'alpha'),
      'beta.yml': BETA_WITH_BURST,
      'broken.yml': rule('Broken', 'x', 'y').replace('message|contains', 'message|sideways'),
    });
    const svc = await service([dir]);
    const report = svc.report();
    expect(report).toMatchObject({
      generation: 1,
      files: 3,
      detectionRules: 2,
      correlationRules: 1,
      disabled: { rules: 0, correlations: 0 },
      invalid: [{ file: join(dir, 'broken.yml'), line: 10 }],
      ruleDirs: [dir],
    });
    expect(svc.current()).toMatchObject({
      generation: 1,
      correlations: [{ rule: { title: 'Beta Burst' } }],
    });
    expect(titles(svc.current(), event('alpha here'))).toEqual(['Alpha Seen']);

    expect(svc.list().rules.map((r) => [r.id, r.kind, r.line])).toEqual([
      [ALPHA_ID, 'rule', 1],
      [BETA_ID, 'rule', 2],
      [BURST_ID, 'correlation', 15],
    ]);
    expect(svc.list({ kind: 'correlation' }).rules).toEqual([
      expect.objectContaining({
        id: BURST_ID,
        title: 'Beta Burst',
        level: 'high',
        status: 'experimental',
        tags: ['attack.impact'],
        logsource: {},
        enabled: true,
        correlation: {
          type: 'event_count',
          rules: ['beta_seen'],
          groupBy: ['host.name'],
          timespan: '5m',
        },
      }),
    ]);
    expect(svc.list({ levels: ['medium'], q: 'ALPHA' }).rules.map((r) => r.id)).toEqual([ALPHA_ID]);
    expect(svc.list({ product: 'TestApp' }).total).toBe(2);
    expect(svc.list({ enabled: false }).total).toBe(0);
    expect(svc.list({}, { limit: 1, offset: 1 })).toMatchObject({
      total: 3,
      rules: [{ id: BETA_ID }],
    });

    const burst = svc.get(BURST_ID);
    expect(burst?.yaml).toMatch(/^title: Beta Burst\n/);
    expect(burst?.yaml).not.toContain('Beta Seen');
    expect(svc.get(BETA_ID)?.yaml).toMatch(/^# beta, and a burst of it\ntitle: Beta Seen/);
    expect(svc.get(BETA_ID)?.yaml).not.toContain('Beta Burst');
    expect(svc.get('no-such-rule')).toBeUndefined();
  });

  it('names rule files under a directory label, and refuses to start without readable rules', async () => {
    const dir = rulesDir({ 'alpha.yml': rule('Alpha Seen', ALPHA_ID, 'alpha') });
    const store = await relationalStore();
    const labelled = await createDetectionService({
      ruleDirs: [{ path: dir, label: 'pack' }],
      mappings,
      relational: store,
      clock,
      logger,
    });
    expect(labelled.list().rules.map((r) => r.file)).toEqual(['pack/alpha.yml']);
    await expect(service([join(dir, 'missing')], store)).rejects.toMatchObject({
      code: 'DETECTION_RELOAD_FAILED',
      message: expect.stringContaining(join(dir, 'missing')) as unknown,
    });
  });
});

describe('reload', () => {
  it('swaps engines atomically: a concurrent evaluation loop sees the old engine or the new, never a mix, and keeps evaluating during the reload', async () => {
    const dir = rulesDir({ 'rule.yml': rule('Alpha Seen', ALPHA_ID, 'alpha') });
    const svc = await service([dir]);
    // One batch: an event only the old rule matches, then one only the new rule matches.
    const batch = [event('alpha here'), event('beta here')];
    const OLD = JSON.stringify([['Alpha Seen'], []]);
    const NEW = JSON.stringify([[], ['Beta Seen']]);
    const seen: { generation: number; results: string; duringReload: boolean }[] = [];
    const state = { reloading: false, stop: false };
    const loop = (async () => {
      while (!state.stop) {
        // As the ingest hook does: one snapshot for the whole batch.
        const snapshot = svc.current();
        const during = state.reloading;
        const results: string[][] = [];
        for (const doc of batch) {
          results.push(titles(snapshot, doc));
          await nextTurn(); // the reload runs between the events of a batch
        }
        seen.push({
          generation: snapshot.generation,
          results: JSON.stringify(results),
          duringReload: during,
        });
      }
    })();

    await nextTurn();
    writeFileSync(join(dir, 'rule.yml'), rule('Beta Seen', BETA_ID, 'beta'));
    state.reloading = true;
    const report = await svc.reload();
    state.reloading = false;
    for (let i = 0; i < 3; i++) await nextTurn();
    state.stop = true;
    await loop;

    expect(report.generation).toBe(2);
    expect(svc.current().generation).toBe(2);
    const wrong = seen.filter(
      (b) =>
        !((b.generation === 1 && b.results === OLD) || (b.generation === 2 && b.results === NEW)),
    );
    expect(wrong).toEqual([]);
    // Events kept being evaluated (with the old engine) while the reload read and compiled.
    expect(seen.some((b) => b.duringReload && b.generation === 1)).toBe(true);
    expect(seen.at(-1)?.generation).toBe(2);
    // Generations only move forward.
    const generations = seen.map((b) => b.generation);
    expect(generations).toEqual([...generations].sort((a, b) => a - b));
  });

  it('runs concurrent reloads one at a time, in call order', async () => {
    const dir = rulesDir({ 'rule.yml': rule('Alpha Seen', ALPHA_ID, 'alpha') });
    const svc = await service([dir]);
    const reports = await Promise.all([svc.reload(), svc.reload(), svc.reload()]);
    expect(reports.map((r) => r.generation)).toEqual([2, 3, 4]);
    expect(svc.current().generation).toBe(4);
  });

  it('keeps the engine in effect when a directory cannot be read, and says why', async () => {
    const root = rulesDir({});
    const dir = join(root, 'rules');
    mkdirSync(dir);
    writeFileSync(join(dir, 'rule.yml'), rule('Alpha Seen', ALPHA_ID, 'alpha'));
    const svc = await service([dir]);
    const before = svc.current();
    rmSync(dir, { recursive: true });

    const failure = await svc.reload().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DetectionError);
    expect(failure).toMatchObject({ code: 'DETECTION_RELOAD_FAILED' });
    expect((failure as Error).message).toContain(dir);
    expect((failure as Error).message).toContain('generation 1 stays in effect');
    expect(svc.current()).toBe(before);
    expect(svc.report().generation).toBe(1);
    expect(titles(svc.current(), event('alpha here'))).toEqual(['Alpha Seen']);

    mkdirSync(dir);
    writeFileSync(join(dir, 'rule.yml'), rule('Beta Seen', BETA_ID, 'beta'));
    expect((await svc.reload()).generation).toBe(2);
    expect(titles(svc.current(), event('beta here'))).toEqual(['Beta Seen']);
  });
});

describe('enable and disable', () => {
  it('persists a switch, applies it at once, and keeps it across reloads and restarts', async () => {
    const dir = rulesDir({
      'alpha.yml': rule('Alpha Seen', ALPHA_ID, 'alpha'),
      'beta.yml': BETA_WITH_BURST,
    });
    const store = await relationalStore();
    const svc = await service([dir], store);

    const off = await svc.setEnabled(ALPHA_ID, false, 'user-1');
    expect(off).toMatchObject({
      changed: true,
      generation: 2,
      rule: { id: ALPHA_ID, enabled: false },
    });
    expect(titles(svc.current(), event('alpha here'))).toEqual([]);
    expect(svc.list({ enabled: false }).rules.map((r) => r.id)).toEqual([ALPHA_ID]);
    expect(svc.report().disabled).toEqual({ rules: 1, correlations: 0 });
    const rows = await store.query(
      sql`SELECT rule_ref, enabled, changed_by FROM detections_rule_state`,
    );
    expect(rows).toEqual([{ rule_ref: ALPHA_ID, enabled: 0, changed_by: 'user-1' }]);

    // Again: recorded, nothing to swap.
    expect(await svc.setEnabled(ALPHA_ID, false)).toMatchObject({ changed: false, generation: 2 });

    await svc.reload();
    expect(titles(svc.current(), event('alpha here'))).toEqual([]);
    const restarted = await service([dir], store);
    expect(titles(restarted.current(), event('alpha here'))).toEqual([]);
    expect(restarted.get(ALPHA_ID)?.enabled).toBe(false);

    await restarted.setEnabled(ALPHA_ID, true);
    expect(titles(restarted.current(), event('alpha here'))).toEqual(['Alpha Seen']);
  });

  it('undoes a switch whose unit of work rolls back (its audit record failed): stored and applied', async () => {
    const dir = rulesDir({ 'alpha.yml': rule('Alpha Seen', ALPHA_ID, 'alpha') });
    const store = await relationalStore();
    const svc = await service([dir], store);
    await expect(
      store.unitOfWork(async () => {
        const off = await svc.setEnabled(ALPHA_ID, false, 'user-1');
        expect(off.rule.enabled).toBe(false);
        throw new Error('audit append failed');
      }),
    ).rejects.toThrow('audit append failed');
    // Undone on the serial queue (no reload, which would read the store again).
    await nextTurn();
    expect(titles(svc.current(), event('alpha here'))).toEqual(['Alpha Seen']);
    expect(svc.get(ALPHA_ID)?.enabled).toBe(true);
    expect(await store.query(sql`SELECT rule_ref FROM detections_rule_state`)).toEqual([]);
  });

  it('disables correlations, and warns when a correlation loses the rule it counts', async () => {
    const dir = rulesDir({ 'beta.yml': BETA_WITH_BURST });
    const svc = await service([dir]);
    await svc.setEnabled(BURST_ID, false);
    expect(svc.current().correlations).toEqual([]);
    expect(svc.report().disabled).toEqual({ rules: 0, correlations: 1 });
    await svc.setEnabled(BURST_ID, true);
    await svc.setEnabled(BETA_ID, false);
    expect(svc.current().correlations).toHaveLength(1);
    expect(svc.report().warnings).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('did not load (disabled)') as unknown,
      }),
    ]);
  });

  it('picks up switches made by another process on the same database at its next reload', async () => {
    const dir = rulesDir({ 'alpha.yml': rule('Alpha Seen', ALPHA_ID, 'alpha') });
    const store = await relationalStore();
    const one = await service([dir], store);
    const other = await service([dir], store);
    await other.setEnabled(ALPHA_ID, false);
    expect(titles(one.current(), event('alpha here'))).toEqual(['Alpha Seen']);
    await one.reload();
    expect(titles(one.current(), event('alpha here'))).toEqual([]);
  });

  it('refuses an unknown rule id and stores nothing', async () => {
    const store = await relationalStore();
    const svc = await service(
      [rulesDir({ 'alpha.yml': rule('Alpha Seen', ALPHA_ID, 'alpha') })],
      store,
    );
    await expect(svc.setEnabled('no-such-rule', false)).rejects.toMatchObject({
      code: 'DETECTION_RULE_NOT_FOUND',
    });
    expect(await store.query(sql`SELECT * FROM detections_rule_state`)).toEqual([]);
  });

  it('addresses a rule without an id by file:line', async () => {
    const dir = rulesDir({
      'anon.yml': rule('Anonymous', ALPHA_ID, 'alpha').replace(`id: ${ALPHA_ID}\n`, ''),
    });
    const svc = await service([dir]);
    const ref = `${join(dir, 'anon.yml')}:1`;
    expect(svc.list().rules.map((r) => r.id)).toEqual([ref]);
    await svc.setEnabled(ref, false);
    expect(titles(svc.current(), event('alpha here'))).toEqual([]);
  });
});

describe('rule tests', () => {
  const catastrophic = `title: Backtracking
status: test
logsource: { product: testapp }
detection:
  selection:
    message|re: '^(a+)+$'
  condition: selection
`;

  it('runs a rule text in a worker thread and answers with its matches', async () => {
    const svc = await service([rulesDir({ 'alpha.yml': rule('Alpha Seen', ALPHA_ID, 'alpha') })]);
    const result = await svc.testRule(rule('Local', BETA_ID, 'beta'), [
      event('beta here'),
      event('nothing'),
    ]);
    expect(result.events.map((e) => e.matched)).toEqual([true, false]);
    expect(result.problems).toEqual([]);
  });

  it('stops a test that runs too long (catastrophic backtracking) while the server keeps serving', async () => {
    const svc = await createDetectionService({
      ruleDirs: [],
      mappings,
      relational: await relationalStore(),
      clock,
      logger,
      ruleTests: { timeoutMs: 1000 },
    });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    try {
      const err = await svc
        .testRule(catastrophic, [event(`${'a'.repeat(40)}!`)])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DetectionError);
      expect((err as DetectionError).code).toBe('DETECTION_INVALID_REQUEST');
      expect((err as DetectionError).message).toContain('ran longer than 1 s');
      // The event loop went on while the expression backtracked in the worker.
      expect(ticks).toBeGreaterThan(10);
    } finally {
      clearInterval(ticker);
    }
  });
});
