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

  it('takes observables by hand: listed with its alerts’, pivots find the case, the events query finds the event', async () => {
    const alertId = await raiseAlert('wks-obs-2');
    const created = await call('POST', '/cases', analyst, {
      title: 'Exfil from wks-obs-2',
      alertIds: [alertId],
    });
    const caseId = String(created.body.id);
    // An event from the proxy naming the destination the analyst found.
    const ingested = await fetch(`${t.url}/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.ingestToken}`, 'content-type': 'application/x-ndjson' },
      body: JSON.stringify({
        '@timestamp': new Date().toISOString(),
        message: 'CONNECT upload.example.org:443',
        source: { ip: '10.20.0.5' },
        destination: { ip: '203.0.113.77', port: 443 },
      }),
    });
    expect(ingested.status).toBe(200);

    const added = await call('POST', `/cases/${caseId}/observables`, analyst, {
      observables: [
        { kind: 'ip', value: '203.0.113.77', note: 'exfil destination in the proxy log' },
        { kind: 'domain', value: 'Upload.Example.ORG' },
      ],
    });
    expect(added.status, added.text).toBe(200);
    expect(added.body).toEqual({
      added: [
        { kind: 'ip', value: '203.0.113.77' },
        { kind: 'domain', value: 'upload.example.org' },
      ],
      existing: [],
    });
    const bad = await call('POST', `/cases/${caseId}/observables`, analyst, {
      observables: [{ kind: 'hash', value: 'xyz' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.text).toContain('observables[0].value');
    expect(
      (
        await call('POST', `/cases/${caseId}/observables`, auditor, {
          observables: [{ kind: 'ip', value: '10.0.0.1' }],
        })
      ).status,
    ).toBe(403);

    const listed = await call('GET', `/cases/${caseId}/observables`, analyst);
    expect(listed.status, listed.text).toBe(200);
    const observables = listed.body.observables as {
      kind: string;
      value: string;
      alerts: number;
      note: string | null;
      pivot: string;
      events: { query: string };
    }[];
    expect(observables.map((o) => `${o.kind}:${o.value}:${String(o.alerts)}`)).toEqual(
      expect.arrayContaining([
        'domain:upload.example.org:0',
        'host:wks-obs-2:1',
        'ip:203.0.113.77:0',
        'technique:T1059.001:1',
      ]),
    );
    const ip = observables.find((o) => o.kind === 'ip');
    expect(ip).toMatchObject({
      note: 'exfil destination in the proxy log',
      pivot: '/observables/ip/203.0.113.77',
    });

    // The pivot finds the case; the events query finds the proxy event.
    const pivot = await call('GET', ip?.pivot ?? '', analyst);
    expect(pivot.body).toMatchObject({ alerts: [], cases: [caseId] });
    const deadline = Date.now() + 10_000;
    let hits: { event: Record<string, unknown> }[] = [];
    while (Date.now() < deadline && hits.length === 0) {
      const found = await call(
        'GET',
        `/events/search?q=${encodeURIComponent(ip?.events.query ?? '')}&from=now-1d`,
        analyst,
      );
      expect(found.status, found.text).toBe(200);
      hits = found.body.hits as typeof hits;
      if (hits.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(hits.map((h) => h.event.message)).toEqual(['CONNECT upload.example.org:443']);

    const removed = await call(
      'DELETE',
      `/cases/${caseId}/observables/domain/upload.example.org`,
      analyst,
    );
    expect(removed.status).toBe(204);
    expect(
      (await call('DELETE', `/cases/${caseId}/observables/host/wks-obs-2`, analyst)).status,
    ).toBe(404);
    const timeline = await call('GET', `/cases/${caseId}/timeline`, analyst);
    expect((timeline.body.entries as { kind: string }[]).map((e) => e.kind)).toEqual([
      'created',
      'alerts.added',
      'observables.added',
      'observables.removed',
    ]);
    const { records } = await t.app.audit.list({
      actionPrefix: 'soar.case.observables.',
      limit: 10,
    });
    expect(records.map((r) => `${r.action}:${r.outcome}`)).toEqual(
      expect.arrayContaining([
        'soar.case.observables.add:success',
        'soar.case.observables.remove:success',
      ]),
    );
  });
});
