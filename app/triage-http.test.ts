import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../platform/clock/index.ts';
import { startTestApp } from '../test/support/app.ts';
import type { TestApp } from '../test/support/app.ts';
import { raiseEncodedPowerShellAlert } from '../test/support/alerts.ts';

/**
 * Triage through the whole platform over HTTP: an alert raised at ingest is acknowledged,
 * commented on, assigned, resolved (audited, on its timeline, its state visible in GET /alerts),
 * bulk actions report per alert, and GET /metrics/mttx and /metrics measure the response.
 */
const clock = createManualClock(Date.now());
let t: TestApp;
let analyst: string;
let auditor: string;
/** Signs in an administrator of tenant beta (the test clock outlives token lifetimes). */
let betaAdmin: () => Promise<string>;

function call(method: string, path: string, token: string, body?: unknown) {
  return t.call(method, path, token, body);
}

function raiseAlert(host: string): Promise<string> {
  return raiseEncodedPowerShellAlert(t, analyst, host, clock.now() - 30_000);
}

beforeAll(async () => {
  t = await startTestApp({}, { clock });
  analyst = (await t.app.tokens.create('triage-analyst', 'soc-analyst')).token;
  auditor = (await t.app.tokens.create('triage-auditor', 'auditor')).token;
  betaAdmin = await t.tenantAdmin('beta');
});

afterAll(async () => {
  await t.stop();
});

describe('alert triage over HTTP', () => {
  it('works an alert from new to resolved: audited, on its timeline, its state in GET /alerts', async () => {
    const id = await raiseAlert('wks-triage-1');
    const fresh = await call('GET', `/alerts/${id}/triage`, analyst);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ state: 'new', acknowledgedAt: null, severity: 'medium' });

    clock.advance(90_000);
    const acked = await call('POST', `/alerts/${id}/triage`, analyst, { action: 'acknowledge' });
    expect(acked.status, acked.text).toBe(200);
    expect(acked.body).toMatchObject({ changed: true, triage: { state: 'acknowledged' } });
    const listed = await call('GET', '/alerts?state=acknowledged', analyst);
    expect((listed.body.alerts as { id: string }[]).map((a) => a.id)).toContain(id);

    const secret = 'AKIAZ7VRSQ5TNIGXBPQK';
    const commented = await call('POST', `/alerts/${id}/comments`, analyst, {
      text: `access key ${secret} was in the command line; revoked`,
    });
    expect(commented.status, commented.text).toBe(201);
    expect(commented.text).not.toContain(secret);

    clock.advance(10 * 60_000);
    const resolved = await call('POST', `/alerts/${id}/triage`, analyst, {
      action: 'resolve',
      resolution: 'true_positive',
    });
    expect(resolved.body).toMatchObject({
      triage: { state: 'resolved', resolution: 'true_positive' },
    });

    // A resolved alert cannot be acknowledged: 409, problem+json, with its code.
    const refused = await call('POST', `/alerts/${id}/triage`, analyst, { action: 'acknowledge' });
    expect(refused.status).toBe(409);
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body.code).toBe('SOAR_TRANSITION_INVALID');

    const timeline = await call('GET', `/alerts/${id}/activity`, analyst);
    expect((timeline.body.entries as { kind: string }[]).map((e) => e.kind)).toEqual([
      'opened',
      'acknowledge',
      'comment',
      'resolve',
    ]);
    const comments = await call('GET', `/alerts/${id}/comments`, analyst);
    expect(comments.body.entries).toHaveLength(1);
    expect(comments.text).not.toContain(secret);

    const { records } = await t.app.audit.list({ action: 'soar.alert.triage', limit: 100 });
    const mine = records.filter((r) => r.resource.id === id);
    expect(mine.map((r) => r.details?.action)).toEqual(['acknowledge', 'resolve', 'acknowledge']);
    expect(mine.map((r) => r.outcome)).toEqual(['success', 'success', 'failure']);
  });

  it('refuses triage without alerts:write, and keeps tenants apart', async () => {
    const id = await raiseAlert('wks-triage-2');
    const denied = await call('POST', `/alerts/${id}/triage`, auditor, { action: 'acknowledge' });
    const beta = await betaAdmin();
    expect(denied.status).toBe(403);
    expect((await call('GET', `/alerts/${id}/triage`, beta)).status).toBe(404);
    expect(
      (await call('POST', `/alerts/${id}/triage`, beta, { action: 'acknowledge' })).status,
    ).toBe(404);
    const bad = await call('POST', `/alerts/${id}/triage`, analyst, { action: 'resolve' });
    expect(bad.status).toBe(400);
    expect((await call('GET', `/alerts/${id}/triage`, analyst)).body).toMatchObject({
      state: 'new',
    });
  });

  it('applies a bulk action and reports each alert', async () => {
    const first = await raiseAlert('wks-bulk-1');
    const second = await raiseAlert('wks-bulk-2');
    const res = await call('POST', '/alerts/triage', analyst, {
      ids: [first, second, 'no-such-alert'],
      action: 'assign',
      assignee: { kind: 'agent', id: 'soc-agent-7', team: 'soc-l1' },
    });
    expect(res.status, res.text).toBe(200);
    expect((res.body.results as { status: string }[]).map((r) => r.status)).toEqual([
      'changed',
      'changed',
      'failed',
    ]);
    expect((await call('GET', `/alerts/${second}/triage`, analyst)).body).toMatchObject({
      assignee: { kind: 'agent', id: 'soc-agent-7', team: 'soc-l1' },
    });
    const { records } = await t.app.audit.list({ action: 'soar.alert.triage-bulk', limit: 10 });
    expect(records.at(-1)?.details).toMatchObject({
      action: 'assign',
      alerts: [
        { id: first, status: 'changed' },
        { id: second, status: 'changed' },
        { id: 'no-such-alert', status: 'failed', code: 'SOAR_ALERT_NOT_FOUND' },
      ],
    });
  });

  it('measures the response: GET /metrics/mttx as JSON and CSV, and the Prometheus gauges', async () => {
    const res = await call('GET', '/metrics/mttx?from=now-1d&groupBy=severity', analyst);
    expect(res.status, res.text).toBe(200);
    // The first test's alert: acknowledged 90 s and resolved 690 s after it was raised.
    expect(res.body).toMatchObject({
      overall: {
        measures: {
          mtta: { count: 1, mean: 90, median: 90, p90: 90 },
          mttr: { count: 1, mean: 690 },
        },
        targets: { mtta: { seconds: 300, met: true }, mttr: { seconds: 1800, met: true } },
      },
    });
    const csv = await call(
      'GET',
      '/metrics/mttx?from=now-1d&groupBy=severity,team&format=csv',
      analyst,
    );
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    const [header, overall] = csv.text.split('\r\n');
    expect(header).toMatch(/^severity,team,period,alerts,mtta_count,mtta_mean_seconds,/);
    expect(overall).toMatch(/^,,,\d+,1,90\.000,/);
    // Auditors read measures as evidence, not through the live endpoint (no metrics:read).
    expect((await call('GET', '/metrics/mttx', auditor)).status).toBe(403);
    expect((await call('GET', '/metrics/mttx?from=garbage', analyst)).status).toBe(400);

    await t.app.measureGauges.refresh();
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain(
      'soar_alert_mtta_seconds{tenant="default",severity="all",stat="mean"} 90',
    );
    expect(metrics).toMatch(/soar_alerts_measured\{tenant="default",severity="medium"\} \d+/);
  });

  it('shows SLA clocks, takes the tenant’s policy, pauses the resolve clock, and records breaches', async () => {
    const defaults = await call('GET', '/sla/policies', analyst);
    expect(defaults.body.policies).toContainEqual({
      severity: 'critical',
      acknowledgeMinutes: 5,
      resolveMinutes: 30,
    });
    // Analysts may not change targets; an administrator may, audited.
    const policy = { acknowledgeMinutes: 10, resolveMinutes: 60 };
    expect((await call('PUT', '/sla/policies/medium', analyst, policy)).status).toBe(403);
    const set = await call('PUT', '/sla/policies/medium', t.adminToken, policy);
    expect(set.status, set.text).toBe(200);
    const bad = await call('PUT', '/sla/policies/medium', t.adminToken, {
      acknowledgeMinutes: 30,
      resolveMinutes: 10,
    });
    expect(bad.status).toBe(400);
    const { records } = await t.app.audit.list({ action: 'soar.sla.policy.update', limit: 10 });
    // The refusal is recorded too (outcome denied); the change once, with its targets.
    expect(records.map((r) => [r.outcome, r.details?.resolveMinutes])).toEqual([
      ['denied', undefined],
      ['success', 60],
    ]);

    const id = await raiseAlert('wks-sla-1');
    clock.advance(9 * 60_000);
    const clocks = await call('GET', `/alerts/${id}/sla`, analyst);
    expect(clocks.status, clocks.text).toBe(200);
    expect(clocks.body.clocks).toMatchObject([
      { clock: 'acknowledge', targetMinutes: 10, status: 'running', level: 'warning' },
      { clock: 'resolve', targetMinutes: 60, status: 'running', level: 'ok' },
    ]);
    await call('POST', `/alerts/${id}/triage`, analyst, { action: 'start' });
    const paused = await call('POST', `/alerts/${id}/triage`, analyst, {
      action: 'pause',
      reason: 'waiting on the hosting provider',
    });
    expect(paused.body).toMatchObject({ triage: { state: 'in_progress' } });
    clock.advance(120 * 60_000);
    const later = await call('GET', `/alerts/${id}/sla`, analyst);
    expect(later.body.clocks).toMatchObject([
      { clock: 'acknowledge', status: 'met' },
      { clock: 'resolve', status: 'paused', level: 'ok', elapsedSeconds: 9 * 60 },
    ]);
    await call('POST', `/alerts/${id}/triage`, analyst, { action: 'resume' });
    clock.advance(60 * 60_000);
    const check = await t.app.slaMonitor.check();
    expect(check.breaches).toBeGreaterThanOrEqual(1);
    const timeline = await call('GET', `/alerts/${id}/activity`, analyst);
    expect((timeline.body.entries as { kind: string }[]).map((e) => e.kind)).toContain(
      'sla.breach',
    );
  });
});
