import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../test/support/app.ts';
import type { TestApp } from '../test/support/app.ts';
import { raiseEncodedPowerShellAlert } from '../test/support/alerts.ts';

/**
 * Cases through the whole platform over HTTP: alerts raised at ingest promoted and grouped,
 * the case worked, tasks, comments, merge, timeline; permissions and audit records.
 */
let t: TestApp;
let analyst: string;
let auditor: string;

const call = (method: string, path: string, token: string, body?: unknown) =>
  t.call(method, path, token, body);

function raiseAlert(host: string): Promise<string> {
  return raiseEncodedPowerShellAlert(t, analyst, host);
}

beforeAll(async () => {
  t = await startTestApp();
  analyst = (await t.app.tokens.create('cases-analyst', 'soc-analyst')).token;
  auditor = (await t.app.tokens.create('cases-auditor', 'auditor')).token;
});
afterAll(async () => {
  await t.stop();
});

describe('cases over HTTP', () => {
  it('promotes an alert, groups another, works the case with tasks and comments, audited', async () => {
    const first = await raiseAlert('wks-case-1');
    const second = await raiseAlert('wks-case-2');
    const promoted = await call('POST', `/alerts/${first}/promote`, analyst);
    expect(promoted.status, promoted.text).toBe(201);
    expect(promoted.body).toMatchObject({
      title: expect.stringContaining('wks-case-1') as string,
      state: 'open',
      alertIds: [first],
    });
    const caseId = String(promoted.body.id);
    expect((await call('POST', `/alerts/${first}/promote`, analyst)).status).toBe(409);

    const added = await call('POST', `/cases/${caseId}/alerts`, analyst, {
      ids: [second, 'no-such-alert'],
    });
    expect(added.body).toMatchObject({
      added: [second],
      failed: [{ alertId: 'no-such-alert', code: 'SOAR_ALERT_NOT_FOUND' }],
    });

    const started = await call('POST', `/cases/${caseId}/actions`, analyst, { action: 'start' });
    expect(started.body).toMatchObject({ changed: true, case: { state: 'in_progress' } });
    const task = await call('POST', `/cases/${caseId}/tasks`, analyst, {
      title: 'Isolate wks-case-1',
      assignee: { kind: 'agent', id: 'edr-agent-3', team: 'ir' },
    });
    expect(task.status, task.text).toBe(201);
    const done = await call('PATCH', `/cases/${caseId}/tasks/${String(task.body.id)}`, analyst, {
      state: 'done',
    });
    expect(done.body).toMatchObject({ state: 'done' });
    expect(
      (await call('POST', `/cases/${caseId}/comments`, analyst, { text: 'contained' })).status,
    ).toBe(201);
    const removed = await call('DELETE', `/cases/${caseId}/alerts/${second}`, analyst);
    expect(removed.status).toBe(204);
    const closed = await call('POST', `/cases/${caseId}/actions`, analyst, {
      action: 'close',
      resolution: 'true_positive',
    });
    expect(closed.body).toMatchObject({ case: { state: 'closed', resolution: 'true_positive' } });

    const read = await call('GET', `/cases/${caseId}`, analyst);
    expect(read.body).toMatchObject({ alertIds: [first], tasks: [{ state: 'done' }] });
    const timeline = await call('GET', `/cases/${caseId}/timeline`, analyst);
    expect((timeline.body.entries as { kind: string }[]).map((e) => e.kind)).toEqual([
      'created',
      'alerts.added',
      'alerts.added',
      'start',
      'task.added',
      'task.done',
      'comment',
      'alerts.removed',
      'close',
    ]);
    const listed = await call('GET', '/cases?state=closed', analyst);
    expect((listed.body.cases as { id: string }[]).map((c) => c.id)).toEqual([caseId]);

    const { records } = await t.app.audit.list({ actionPrefix: 'soar.case.', limit: 100 });
    expect(new Set(records.map((r) => r.action))).toEqual(
      new Set([
        'soar.case.promote',
        'soar.case.alerts.add',
        'soar.case.action',
        'soar.case.task.add',
        'soar.case.task.update',
        'soar.case.comment',
        'soar.case.alerts.remove',
      ]),
    );
  });

  it('merges cases, and refuses writes without cases:write', async () => {
    const a = await call('POST', '/cases', analyst, { title: 'Phishing wave', severity: 'high' });
    const b = await call('POST', '/cases', analyst, {
      title: 'Same wave',
      alertIds: [await raiseAlert('wks-case-3')],
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    const merged = await call('POST', `/cases/${String(a.body.id)}/merge`, analyst, {
      from: [b.body.id],
    });
    expect(merged.status, merged.text).toBe(200);
    expect(merged.body.alertIds).toEqual(b.body.alertIds);
    expect((await call('GET', `/cases/${String(b.body.id)}`, analyst)).body).toMatchObject({
      state: 'merged',
      mergedInto: a.body.id,
    });
    const refused = await call('POST', `/cases/${String(b.body.id)}/actions`, analyst, {
      action: 'start',
    });
    expect(refused.status).toBe(409);
    expect((await call('POST', '/cases', auditor, { title: 'nope' })).status).toBe(403);
    expect((await call('POST', '/cases', analyst, { title: '  ' })).status).toBe(400);
  });

  it('groups alerts of one host by the tenant’s rule, and pivots on the host', async () => {
    const rules = await call('PUT', '/cases/grouping/rules/host', analyst, { windowMinutes: 60 });
    expect(rules.status, rules.text).toBe(200);
    expect(rules.body).toEqual({ rules: [{ kind: 'host', windowMinutes: 60 }] });
    const first = await raiseEncodedPowerShellAlert(t, analyst, 'wks-group-1', Date.now(), 'ann');
    const second = await raiseEncodedPowerShellAlert(t, analyst, 'wks-group-1', Date.now(), 'bob');
    expect(second).not.toBe(first);
    const pivot = await call('GET', '/observables/host/WKS-GROUP-1', analyst);
    expect(pivot.status, pivot.text).toBe(200);
    expect(pivot.body).toMatchObject({
      kind: 'host',
      value: 'wks-group-1',
      events: { query: 'host.name:"WKS-GROUP-1"' },
    });
    expect((pivot.body.alerts as { id: string }[]).map((a) => a.id).sort()).toEqual(
      [first, second].sort(),
    );
    const [caseId] = pivot.body.cases as string[];
    const grouped = await call('GET', `/cases/${caseId ?? ''}`, analyst);
    expect(grouped.body).toMatchObject({ title: 'Alerts sharing host wks-group-1' });
    expect((grouped.body.alertIds as string[]).sort()).toEqual([first, second].sort());
    const off = await call('PUT', '/cases/grouping/rules/host', analyst, { windowMinutes: null });
    expect(off.body).toEqual({ rules: [] });
    expect(
      (await call('PUT', '/cases/grouping/rules/host', auditor, { windowMinutes: 5 })).status,
    ).toBe(403);
  });

  it('pivots on a file hash an alert’s events name, including events folded in later', async () => {
    const first = 'a'.repeat(64);
    const second = 'b'.repeat(64);
    const id = await raiseEncodedPowerShellAlert(t, analyst, 'wks-obs-1', Date.now(), 'cy', first);
    const alert = await call('GET', `/alerts/${id}`, analyst);
    expect(alert.body.observables).toContainEqual({ kind: 'hash', value: first });
    // The same host and user again, another binary: the same alert, one more observable.
    expect(
      await raiseEncodedPowerShellAlert(t, analyst, 'wks-obs-1', Date.now() + 1000, 'cy', second),
    ).toBe(id);
    const deadline = Date.now() + 10_000;
    let found: string[] = [];
    while (Date.now() < deadline) {
      const pivot = await call('GET', `/observables/hash/${second.toUpperCase()}`, analyst);
      found = (pivot.body.alerts as { id: string }[]).map((a) => a.id);
      if (found.length > 0) {
        expect(pivot.body.events).toEqual({
          query: `related.hash:"${second.toUpperCase()}" or file.hash.sha256:"${second.toUpperCase()}" or process.hash.sha256:"${second.toUpperCase()}"`,
        });
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(found).toEqual([id]);
    expect((await call('GET', '/observables/ip/not-an-ip', analyst)).status).toBe(400);
  });
});
