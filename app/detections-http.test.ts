import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startTestApp } from '../test/support/app.ts';
import type { TestApp } from '../test/support/app.ts';

/**
 * Rules management through the whole platform over HTTP: the starter pack plus a configured
 * rule directory, listed, read with their YAML, switched off and on (operator tenant only,
 * audited, applied to the engine at once), reloaded from disk, and tested against events.
 */
let t: TestApp;
let rulesDir: string;
let beta: string;
let analyst: string;
const ENCODED_POWERSHELL = '138311aa-d799-44dc-9267-76ba50c2e6c5';
const BRUTE_FORCE = 'a051265d-5fc4-47d4-9f4e-709b947add11';
const LOCAL_ID = 'eeeeeeee-0000-4000-8000-000000000001';

const localRule = (title: string, extra = `id: ${LOCAL_ID}\n`) => `title: ${title}
${extra}status: test
author: HTTP Test
level: low
logsource: { product: testapp }
detection:
  selection:
    message|contains: canary-word
  condition: selection
`;

function call(method: string, path: string, token: string, body?: unknown) {
  return t.call(method, path, token, body);
}

interface RuleView {
  id: string;
  kind: string;
  title: string;
  level: string | null;
  enabled: boolean;
  file: string;
  line: number;
  logsource: Record<string, string | null>;
}
const rulesOf = (body: Record<string, unknown>) => body.rules as RuleView[];

const canary = {
  '@timestamp': '2026-11-01T10:00:00Z',
  event: { module: 'testapp' },
  message: 'a canary-word here',
};

beforeAll(async () => {
  rulesDir = mkdtempSync(join(tmpdir(), 'secops-http-rules-'));
  writeFileSync(join(rulesDir, 'local.yml'), localRule('Local Canary'));
  t = await startTestApp({ 'detections.ruleDirs': [rulesDir] });
  analyst = (await t.app.tokens.create('detections-analyst', 'soc-analyst')).token;
  beta = await (await t.tenantAdmin('beta'))();
});
afterAll(async () => {
  await t.stop();
  rmSync(rulesDir, { recursive: true, force: true });
});

describe('GET /detections', () => {
  it('lists the starter pack and the configured directory, with filters and paging', async () => {
    const all = await call('GET', '/detections?limit=500', analyst);
    expect(all.status).toBe(200);
    const rules = rulesOf(all.body);
    expect(all.body.total).toBe(rules.length);
    expect(rules.filter((r) => r.file.startsWith('starter/')).length).toBeGreaterThanOrEqual(13);
    expect(rules.find((r) => r.id === LOCAL_ID)).toMatchObject({
      title: 'Local Canary',
      file: join(rulesDir, 'local.yml'),
      line: 1,
      enabled: true,
      kind: 'rule',
      logsource: { product: 'testapp', category: null, service: null },
    });
    expect(all.body.generation).toBe(t.app.detections.current().generation);

    const correlations = await call('GET', '/detections?kind=correlation', analyst);
    expect(rulesOf(correlations.body).map((r) => r.id)).toContain(BRUTE_FORCE);
    expect(rulesOf(correlations.body).every((r) => r.kind === 'correlation')).toBe(true);

    const high = await call('GET', '/detections?level=high,critical&product=windows', analyst);
    expect(rulesOf(high.body).length).toBeGreaterThan(0);
    expect(
      rulesOf(high.body).every((r) => r.level === 'high' && r.logsource.product === 'windows'),
    ).toBe(true);

    const found = await call('GET', '/detections?q=encoded%20command', analyst);
    expect(rulesOf(found.body).map((r) => r.id)).toEqual([ENCODED_POWERSHELL]);

    const first = await call('GET', '/detections?limit=2', analyst);
    expect(rulesOf(first.body)).toHaveLength(2);
    expect(first.body.nextOffset).toBe(2);
    const second = await call('GET', '/detections?limit=2&offset=2', analyst);
    expect(rulesOf(second.body)[0]?.id).toBe(rules[2]?.id);
  });

  it('answers a bad filter with problem+json naming the parameter', async () => {
    const bad = await call('GET', '/detections?level=severe&colour=red', analyst);
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    const paths = (bad.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(['query.level.0', 'query.colour']);
  });

  it('shows one rule with its YAML; an unknown id is 404', async () => {
    const one = await call('GET', `/detections/${ENCODED_POWERSHELL}`, analyst);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id: ENCODED_POWERSHELL,
      title: 'PowerShell With an Encoded Command',
      file: 'starter/win_powershell_encoded_command.yml',
      author: 'ClayTom SecOps',
    });
    expect(one.body.yaml).toContain(`id: ${ENCODED_POWERSHELL}`);
    const missing = await call('GET', '/detections/no-such-rule', analyst);
    expect(missing).toMatchObject({ status: 404, body: { code: 'DETECTION_RULE_NOT_FOUND' } });
  });

  it('shows the same platform-wide rules to another tenant', async () => {
    const theirs = await call('GET', `/detections/${ENCODED_POWERSHELL}`, beta);
    expect(theirs.status).toBe(200);
    expect(theirs.body.id).toBe(ENCODED_POWERSHELL);
  });
});

describe('POST /detections/:id/disable and /enable', () => {
  it('switches a rule off for the engine at once, audited, and back on', async () => {
    const doc = canary;
    expect(
      t.app.detections
        .current()
        .engine.match(doc)
        .map((r) => r.ref),
    ).toEqual([LOCAL_ID]);
    const off = await call('POST', `/detections/${LOCAL_ID}/disable`, t.adminToken);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ changed: true, rule: { id: LOCAL_ID, enabled: false } });
    expect(t.app.detections.current().engine.match(doc)).toEqual([]);
    expect((await call('GET', `/detections/${LOCAL_ID}`, analyst)).body.enabled).toBe(false);
    expect(
      rulesOf((await call('GET', '/detections?enabled=false', analyst)).body).map((r) => r.id),
    ).toEqual([LOCAL_ID]);

    const { records } = await t.app.audit.list({ action: 'detections.rule.disable', limit: 10 });
    expect(records).toEqual([
      expect.objectContaining({
        outcome: 'success',
        resource: { type: 'detection-rule', id: LOCAL_ID },
        tenantId: 'default',
      }),
    ]);

    const on = await call('POST', `/detections/${LOCAL_ID}/enable`, t.adminToken);
    expect(on.body).toMatchObject({ changed: true, rule: { enabled: true } });
    expect(
      t.app.detections
        .current()
        .engine.match(doc)
        .map((r) => r.ref),
    ).toEqual([LOCAL_ID]);
  });

  it('refuses other tenants (rules are platform-wide), analysts, and unknown ids', async () => {
    const theirs = await call('POST', `/detections/${ENCODED_POWERSHELL}/disable`, beta);
    expect(theirs).toMatchObject({ status: 403, body: { code: 'DETECTION_OPERATOR_ONLY' } });
    const reload = await call('POST', '/detections/reload', beta);
    expect(reload).toMatchObject({ status: 403, body: { code: 'DETECTION_OPERATOR_ONLY' } });
    const analysts = await call('POST', `/detections/${ENCODED_POWERSHELL}/disable`, analyst);
    expect(analysts).toMatchObject({ status: 403, body: { code: 'IDENTITY_FORBIDDEN' } });
    expect(t.app.detections.get(ENCODED_POWERSHELL)?.enabled).toBe(true);
    const unknown = await call('POST', '/detections/no-such-rule/disable', t.adminToken);
    expect(unknown).toMatchObject({ status: 404, body: { code: 'DETECTION_RULE_NOT_FOUND' } });
  });

  it('addresses a rule without an id by its URL-encoded file:line', async () => {
    writeFileSync(join(rulesDir, 'anon.yml'), localRule('Anonymous Canary', ''));
    await call('POST', '/detections/reload', t.adminToken);
    const ref = `${join(rulesDir, 'anon.yml')}:1`;
    const off = await call('POST', `/detections/${encodeURIComponent(ref)}/disable`, t.adminToken);
    expect(off).toMatchObject({ status: 200, body: { rule: { id: ref, enabled: false } } });
    const one = await call('GET', `/detections/${encodeURIComponent(ref)}`, analyst);
    expect(one.body).toMatchObject({ title: 'Anonymous Canary', enabled: false });
    rmSync(join(rulesDir, 'anon.yml'));
    await call('POST', '/detections/reload', t.adminToken);
  });
});

describe('POST /detections/reload', () => {
  it('reads the directories again and swaps in the new engine, audited', async () => {
    const before = t.app.detections.current().generation;
    writeFileSync(
      join(rulesDir, 'second.yml'),
      localRule('Second Canary', 'id: eeeeeeee-0000-4000-8000-000000000002\n'),
    );
    writeFileSync(
      join(rulesDir, 'broken.yml'),
      localRule('Broken').replace('message|contains', 'message|sideways'),
    );
    const res = await call('POST', '/detections/reload', t.adminToken);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      generation: before + 1,
      ruleDirs: ['starter', rulesDir],
      invalid: [{ file: join(rulesDir, 'broken.yml'), line: 9, kind: 'invalid' }],
      disabled: { rules: 0, correlations: 0 },
    });
    expect(
      t.app.detections
        .current()
        .engine.match(canary)
        .map((r) => r.meta.title),
    ).toEqual(['Local Canary', 'Second Canary']);
    const { records } = await t.app.audit.list({ action: 'detections.reload', limit: 10 });
    expect(records.at(-1)).toMatchObject({
      outcome: 'success',
      details: expect.objectContaining({ generation: before + 1, invalid: 1 }) as unknown,
    });
    rmSync(join(rulesDir, 'broken.yml'));
    rmSync(join(rulesDir, 'second.yml'));
    await call('POST', '/detections/reload', t.adminToken);
  });

  it('answers 503 naming the directory it cannot read, and keeps the rules in effect', async () => {
    const moved = `${rulesDir}-moved`;
    const { renameSync } = await import('node:fs');
    renameSync(rulesDir, moved);
    try {
      const before = t.app.detections.current();
      const res = await call('POST', '/detections/reload', t.adminToken);
      expect(res).toMatchObject({ status: 503, body: { code: 'DETECTION_RELOAD_FAILED' } });
      expect(res.body.detail).toContain(rulesDir);
      expect(t.app.detections.current()).toBe(before);
      const { records } = await t.app.audit.list({ action: 'detections.reload', limit: 100 });
      expect(records.at(-1)).toMatchObject({ outcome: 'failure' });
    } finally {
      renameSync(moved, rulesDir);
    }
  });
});

describe('POST /detections/test', () => {
  const rule = `title: Failed Login
name: failed_login
level: low
logsource: { product: testapp }
detection:
  selection:
    event.outcome: failure
  condition: selection
`;

  it('runs a rule text over events and reports matches; nothing is loaded', async () => {
    const generation = t.app.detections.current().generation;
    const res = await call('POST', '/detections/test', t.adminToken, {
      rule,
      events: [
        { event: { module: 'testapp', outcome: 'failure' } },
        { event: { module: 'testapp', outcome: 'success' } },
      ],
    });
    expect(res.status).toBe(200);
    expect((res.body.events as { matched: boolean }[]).map((e) => e.matched)).toEqual([
      true,
      false,
    ]);
    expect(res.body.problems).toEqual([]);
    expect(t.app.detections.current().generation).toBe(generation);
    expect(t.app.detections.list({ q: 'Failed Login' }).total).toBe(0);
  });

  it('parses raw records when given a parser, and reports compile problems by line', async () => {
    const res = await call('POST', '/detections/test', beta, {
      rule: rule.replace('event.outcome:', 'event.outcome|sideways:'),
      events: ['<13>Nov  1 10:00:00 web01 sshd[7]: Failed password for eve'],
      parser: 'syslog',
    });
    expect(res.status).toBe(200);
    expect(res.body.problems).toEqual([expect.objectContaining({ line: 7, kind: 'invalid' })]);
    expect(res.body.events).toEqual([
      expect.objectContaining({ index: 0, matched: false, ecs: expect.any(Object) as unknown }),
    ]);
  });

  it('refuses unknown fields, too many events and unknown parsers', async () => {
    const extra = await call('POST', '/detections/test', t.adminToken, {
      rule,
      events: [],
      save: true,
    });
    expect(extra.status).toBe(400);
    const many = await call('POST', '/detections/test', t.adminToken, {
      rule,
      events: Array.from({ length: 1001 }, () => ({})),
    });
    expect(many.status).toBe(400);
    const parser = await call('POST', '/detections/test', t.adminToken, {
      rule,
      events: [],
      parser: 'nope',
    });
    expect(parser).toMatchObject({ status: 400, body: { code: 'REQUEST_INVALID' } });
    expect((parser.body.errors as { path: string }[])[0]?.path).toBe('body.parser');
  });
});

describe('alerts raised at ingest', () => {
  /** The starter pack's own test records (Winlogbeat JSON), as a shipper would send them. */
  const starterTests = (name: string) =>
    parseYaml(
      readFileSync(
        new URL(`../detections/packs/starter/tests/${name}.yml`, import.meta.url),
        'utf8',
      ),
      { merge: true },
    ) as {
      positive: { record: Record<string, unknown> }[];
      correlations?: Record<
        string,
        { positive: { template: Record<string, unknown>; events: Record<string, unknown>[] }[] }
      >;
    };

  const ingestLines = async (records: readonly unknown[]) => {
    const res = await fetch(`${t.url}/ingest?ids=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.ingestToken}`, 'content-type': 'application/x-ndjson' },
      body: records.map((r) => JSON.stringify(r)).join('\n'),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: { status: string; ids: string[] }[] }).items;
  };

  /** Polls GET /alerts until `ready` holds (the relay runs right after the ingest commit). */
  const alertsWhen = (query: string, ready: (alerts: Record<string, unknown>[]) => boolean) =>
    t.alertsWhen(analyst, query, ready);

  it('turns a matching event into an alert with the rule, its author, ATT&CK and the event', async () => {
    const record = starterTests('win_powershell_encoded_command').positive[0]?.record;
    const items = await ingestLines([record]);
    expect(items[0]?.status).toBe('created');
    const alerts = await alertsWhen(`rule=${ENCODED_POWERSHELL}`, (a) => a.length > 0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'match',
      state: 'new',
      rule: { ref: ENCODED_POWERSHELL, file: 'starter/win_powershell_encoded_command.yml' },
      host: 'wks-042.corp.example.com',
      eventIds: items[0]?.ids,
      count: 1,
    });
    const alert = alerts[0] as { rule: { author: string }; attack: { techniques: string[] } };
    expect(alert.rule.author).not.toBe('');
    expect(alert.attack.techniques).toContain('T1059.001');

    // The same record again (a shipper retry): stored once, counted once.
    expect((await ingestLines([record]))[0]?.status).toBe('duplicate');
    const again = await alertsWhen(`rule=${ENCODED_POWERSHELL}`, () => true);
    expect(again.map((a) => a.count)).toEqual([1]);
  });

  it('raises the brute-force correlation from failures streamed in several requests', async () => {
    const tests = starterTests('win_failed_logon_brute_force');
    const burst = tests.correlations?.win_logon_brute_force?.positive[0];
    if (burst === undefined) throw new Error('the starter pack lost its brute-force sequence');
    const records = burst.events.map((fields) => ({ ...burst.template, ...fields }));
    // Three requests, as a shipper sends them over time.
    for (let i = 0; i < records.length; i += 4) await ingestLines(records.slice(i, i + 4));
    const alerts = await alertsWhen(`rule=${BRUTE_FORCE}&kind=correlation`, (a) => a.length > 0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'correlation', rule: { ref: BRUTE_FORCE } });
    expect(alerts[0]?.eventCount).toBeGreaterThanOrEqual(10);
  });
});
