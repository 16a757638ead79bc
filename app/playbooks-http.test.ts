import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../platform/clock/index.ts';
import { ENCODED_POWERSHELL, raiseEncodedPowerShellAlert } from '../test/support/alerts.ts';
import { startTestApp } from '../test/support/app.ts';
import type { ApiResponse, TestApp } from '../test/support/app.ts';
import { startHttpPeer } from '../test/support/http-peer.ts';
import type { HttpPeer } from '../test/support/http-peer.ts';

/**
 * Playbooks through the whole platform: an alert raised at ingest starts a playbook in the same
 * transaction; its steps enrich from an intel file, acknowledge the alert, open a case, send a
 * webhook whose URL is a secret (with a signed approval link), wait for the approval given
 * through that link, and block an address through the configured firewall endpoint, a real
 * HTTP server on loopback. Runs, approvals, commands and permissions over HTTP.
 */
const clock = createManualClock(Date.now());
const HOOK_TOKEN = 'T0001/B0001/hook-s3cr3t-4f9a8c7e1d';
const FIREWALL_TOKEN = 'fw-bearer-9c1e7a55d2b84f0e77aa';
let t: TestApp;
let peer: HttpPeer;
let intelDir: string;
let admin: string;
let analyst: string;
let auditor: string;

const call = (method: string, path: string, token: string, body?: unknown) =>
  t.call(method, path, token, body);

async function runWhen(
  id: string,
  ready: (run: Record<string, unknown>) => boolean,
  token = admin,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await call('GET', `/runs/${id}`, token);
    if (res.status !== 200) throw new Error(`GET /runs/${id}: ${res.text}`);
    if (ready(res.body) || Date.now() > deadline) return res.body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const stepOf = (run: Record<string, unknown>, id: string) =>
  (run.steps as Record<string, unknown>[]).find((s) => s.id === id) ?? {};

async function upload(yaml: string, token = admin): Promise<ApiResponse> {
  return call('POST', '/playbooks', token, { yaml });
}

const CONTAIN = (host: string) => `
id: contain-encoded-powershell
name: Contain encoded PowerShell
trigger:
  alert:
    rules: [${ENCODED_POWERSHELL}]
    where: alert.host = "${host}"
steps:
  - id: intel
    action: enrich.lookup
    with: { values: ["\${{ alert.host }}", 203.0.113.9] }
  - id: ack
    action: alert.state
    with: { action: acknowledge }
  - id: open_case
    action: case.create
    needs: [ack]
    with:
      title: "Encoded PowerShell on \${{ alert.host }}"
      tasks: [Isolate the host]
  - id: notify
    action: webhook.send
    needs: [open_case]
    with:
      url: { secret: hooks/soc }
      payload:
        case: "\${{ steps.open_case.output.case_id }}"
        approve: "\${{ approval_links.ask }}"
  - id: record_ioc
    action: case.update
    needs: [intel, open_case]
    if: steps.intel.output.matched
    with:
      case_id: "\${{ steps.open_case.output.case_id }}"
      add_observables:
        - { kind: ip, value: 203.0.113.9, note: "\${{ steps.intel.output.matches[0].list }} intel match" }
  - id: ask
    action: approval
    needs: [intel, open_case]
    if: steps.intel.output.matched
    with: { prompt: "Block 203.0.113.9 at the firewall?", timeout: 10m, default: reject }
  - id: block
    action: containment.block_address
    needs: [ask]
    if: steps.ask.output.approved
    with:
      address: 203.0.113.9
      reason: "case \${{ steps.open_case.output.case_id }}"
`;

beforeAll(async () => {
  peer = await startHttpPeer();
  intelDir = mkdtempSync(join(tmpdir(), 'secops-intel-'));
  writeFileSync(
    join(intelDir, 'known-bad.txt'),
    '# addresses seen in the campaign\n203.0.113.0/24\nevil.example\n',
  );
  writeFileSync(
    join(intelDir, 'feeds.csv'),
    'value,type,tags,description\n"44d88612fea8a8f36de82e1278abb02f",file-hash,malware;eicar,EICAR test file\n',
  );
  t = await startTestApp(
    {
      'playbooks.allowHttp': true,
      'playbooks.allowPrivateNetworks': ['127.0.0.0/8'],
      'playbooks.allowedPorts': [peer.port],
      'playbooks.blockAddressUrl': `${peer.url}/firewall/block`,
      'playbooks.blockAddressTokenSecret': 'firewall/token',
      'playbooks.pagerdutyUrl': `${peer.url}/pagerduty`,
      'playbooks.intelFiles': [join(intelDir, 'known-bad.txt'), join(intelDir, 'feeds.csv')],
    },
    { clock },
  );
  admin = t.adminToken;
  analyst = (await t.app.tokens.create('pb-analyst', 'soc-analyst')).token;
  auditor = (await t.app.tokens.create('pb-auditor', 'auditor')).token;
  for (const [path, value] of [
    ['hooks/soc', { url: `${peer.url}/hooks/${HOOK_TOKEN}` }],
    ['firewall/token', { value: FIREWALL_TOKEN }],
  ] as const) {
    const put = await call('PUT', `/secrets/data/${path}`, admin, { value });
    expect(put.status, put.text).toBe(200);
  }
});

afterAll(async () => {
  await t.stop();
  await peer.close();
  rmSync(intelDir, { recursive: true, force: true });
});

describe('playbook documents over HTTP', () => {
  it('stores versions, and refuses a bad document naming line and field', async () => {
    const bad = await upload(
      'id: broken\nname: Broken\ntrigger: { manual: true }\nsteps:\n  - id: a\n    action: slack.post\n    with: { text: hi, colour: red }\n',
    );
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    expect(bad.body.code).toBe('SOAR_PLAYBOOK_INVALID');
    expect(JSON.stringify(bad.body.errors)).toMatch(/playbook\.yaml:7:\d+ steps\[0\]\.with/);

    const doc = {
      id: 'manual-note',
      name: 'A note',
      trigger: { manual: true },
      steps: [{ id: 'pause', action: 'wait', with: { duration: '1s' } }],
    };
    const first = await call('POST', '/playbooks', admin, { playbook: doc });
    expect(first.status, first.text).toBe(201);
    const second = await call('POST', '/playbooks', admin, { playbook: { ...doc, name: 'B' } });
    expect([first.body.version, second.body.version]).toEqual([1, 2]);
    expect((await call('GET', '/playbooks/manual-note?version=1', admin)).body.name).toBe('A note');
    expect((await call('GET', '/playbooks/manual-note', analyst)).body.name).toBe('B');
    const listed = await call('GET', '/playbooks', auditor);
    expect(listed.status).toBe(403);
    expect((await upload('id: x', analyst)).status).toBe(403);

    // A JSON version has no text of its own: it is written out as YAML that loads back the same.
    const rendered = await call('GET', '/playbooks/manual-note/source?version=1', analyst);
    expect(rendered.status, rendered.text).toBe(200);
    expect(rendered.headers.get('x-playbook-source')).toBe('rendered');
    expect(rendered.text).toContain('name: A note');
  });

  it('keeps the YAML as uploaded, comments and all, and refuses literal credentials', async () => {
    const text = [
      '# Owner: SOC tier 2 — page them before changing the schedule',
      'id: nightly-note',
      'name: Nightly note',
      'trigger: { manual: true }',
      'steps:',
      '  - id: pause # one second, so the run is visible in the history',
      '    action: wait',
      '    with: { duration: 1s }',
      '',
    ].join('\n');
    expect((await upload(text)).status).toBe(201);
    const source = await call('GET', '/playbooks/nightly-note/source', analyst);
    expect(source.status).toBe(200);
    expect(source.type).toContain('application/yaml');
    expect(source.headers.get('x-playbook-source')).toBe('uploaded');
    expect(source.text).toBe(text);
    // Uploading that text again gives the next version of the same playbook.
    expect((await upload(source.text)).body).toMatchObject({ id: 'nightly-note', version: 2 });

    const hook = 'https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/literalKeyMustNotLeak00';
    const leaky = await upload(
      text.replace(
        '  - id: pause # one second, so the run is visible in the history\n    action: wait\n    with: { duration: 1s }',
        `  - id: tell\n    action: webhook.send\n    with: { url: "${hook}", payload: {} }`,
      ),
    );
    expect(leaky.status, leaky.text).toBe(400);
    expect(leaky.body.detail).toMatch(
      /^playbook\.yaml:8:\d+: steps\[0\]\.with\.url: a literal credential \(slack-webhook-url\)/,
    );
    expect(leaky.text).not.toContain('literalKeyMustNotLeak00');
    const { records } = await t.app.audit.list({ action: 'soar.playbook.save', limit: 100 });
    expect(JSON.stringify(records)).not.toContain('literalKeyMustNotLeak00');
    expect((await call('GET', '/playbooks/nightly-note', admin)).body.version).toBe(2);
  });
});

describe('an alert starts a playbook', () => {
  it('enriches, acknowledges, opens a case, sends the approval link, and blocks once approved', async () => {
    const host = 'wks-playbook-1';
    const saved = await upload(CONTAIN(host));
    expect(saved.status, saved.text).toBe(201);
    expect(saved.body.containmentSteps).toEqual(['block']);

    const alertId = await raiseEncodedPowerShellAlert(t, admin, host, clock.now() - 30_000);
    const [hook] = await peer.waitFor('/hooks/');
    const sent = JSON.parse(hook?.body ?? '{}') as { case: string; approve: string };
    expect(sent.approve).toMatch(/\/runs\/[0-9a-f-]+\/approvals\/ask\?token=[A-Za-z0-9_-]{43}$/);
    const runId = /\/runs\/([0-9a-f-]+)\//.exec(sent.approve)?.[1] ?? '';

    const waiting = await runWhen(runId, (r) => stepOf(r, 'ask').status === 'waiting');
    expect(waiting).toMatchObject({
      status: 'running',
      playbookId: 'contain-encoded-powershell',
      trigger: { kind: 'alert', alertId },
    });
    expect(stepOf(waiting, 'intel').output).toMatchObject({
      matched: true,
      matches: [{ value: '203.0.113.9', indicator: '203.0.113.0/24', list: 'known-bad' }],
    });
    // The alert was acknowledged by the run, the case holds it.
    const triage = await call('GET', `/alerts/${alertId}/triage`, admin);
    expect(triage.body.state).toBe('acknowledged');
    const opened = await call('GET', `/cases/${sent.case}`, admin);
    expect(opened.body).toMatchObject({ alertIds: [alertId] });
    // Neither the hook URL's token nor the link's token is in the run record.
    const recorded = await call('GET', `/runs/${runId}`, admin);
    expect(recorded.text).not.toContain(HOOK_TOKEN);
    expect(recorded.text).not.toContain(new URL(sent.approve).searchParams.get('token'));
    expect(JSON.stringify(stepOf(recorded.body, 'notify').input)).toContain('[approval-link:ask]');

    // The link: a wrong token finds nothing; the page changes nothing; its form decides.
    const link = new URL(sent.approve);
    const wrong = await fetch(`${t.url}${link.pathname}?token=${'A'.repeat(43)}`);
    expect(wrong.status).toBe(404);
    const page = await fetch(`${t.url}${link.pathname}${link.search}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Block 203.0.113.9 at the firewall?');
    expect(stepOf(await runWhen(runId, () => true), 'ask').status).toBe('waiting');
    const decided = await fetch(`${t.url}${link.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        token: link.searchParams.get('token') ?? '',
        outcome: 'approve',
      }),
    });
    expect(decided.status, await decided.clone().text()).toBe(200);
    expect(await decided.json()).toMatchObject({
      status: 'completed',
      output: { approved: true, decided_by: 'signed-link' },
    });

    const [blocked] = await peer.waitFor('/firewall/block');
    expect(blocked?.headers.authorization).toBe(`Bearer ${FIREWALL_TOKEN}`);
    expect(blocked?.headers['idempotency-key']).toBe(`${runId}.block`);
    expect(JSON.parse(blocked?.body ?? '{}')).toMatchObject({
      address: '203.0.113.9',
      reason: `case ${sent.case}`,
      run_id: runId,
      alert_id: alertId,
    });
    const done = await runWhen(runId, (r) => r.status !== 'running');
    expect(done.status).toBe('completed');
    // The intel match went on the case as an observable, by the playbook.
    const observables = await call('GET', `/cases/${sent.case}/observables`, admin);
    expect(observables.body.observables).toContainEqual(
      expect.objectContaining({
        kind: 'ip',
        value: '203.0.113.9',
        note: 'known-bad intel match',
        addedBy: { kind: 'playbook', id: `run:${runId}` },
      }),
    );
    expect(JSON.stringify(done)).not.toContain(FIREWALL_TOKEN);
    // Deciding again is a conflict.
    const again = await call('POST', `/runs/${runId}/steps/ask/decision`, admin, {
      outcome: 'reject',
    });
    expect(again.status).toBe(409);
    expect(JSON.stringify(t.logs)).not.toContain(HOOK_TOKEN);
    expect(JSON.stringify(t.logs)).not.toContain(FIREWALL_TOKEN);
  });
});

describe('starting, approving and cancelling over HTTP', () => {
  it('needs containment:execute to start containment steps, except as a dry run', async () => {
    const refused = await call('POST', '/playbooks/contain-encoded-powershell/runs', analyst, {
      alert_id: (await t.alertsWhen(admin, `rule=${ENCODED_POWERSHELL}`, (a) => a.length > 0))[0]
        ?.id,
    });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.body.code).toBe('IDENTITY_FORBIDDEN');
    const noManual = await call('POST', '/playbooks/contain-encoded-powershell/runs', admin, {});
    expect(noManual.status).toBe(409);
    expect((await call('POST', '/playbooks/manual-note/runs', auditor, {})).status).toBe(403);
  });

  it('starts one run per Idempotency-Key, and lets only the named approvers decide', async () => {
    const saved = await upload(`
id: ask-responders
name: Ask the responders
trigger: { manual: true }
vars: { target: wks-9 }
steps:
  - id: ask
    action: approval
    with: { prompt: "Isolate \${{ vars.target }}?", approvers: [ir-responder], timeout: 1h }
  - id: page
    action: pagerduty.event
    needs: [ask]
    if: steps.ask.output.approved
    with:
      routing_key: { secret: firewall/token }
      summary: "Isolating \${{ vars.target }}"
      source: claytom-secops
      severity: critical
`);
    expect(saved.status, saved.text).toBe(201);
    const start = () =>
      fetch(`${t.url}/playbooks/ask-responders/runs`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${analyst}`,
          'content-type': 'application/json',
          'idempotency-key': 'ticket-4711',
        },
        body: JSON.stringify({ vars: { target: 'wks-42' } }),
      }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as Record<string, unknown>,
      }));
    const first = await start();
    const second = await start();
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body).toMatchObject({ id: first.body.id, started: false });
    const runId = String(first.body.id);
    const waiting = await runWhen(runId, (r) => stepOf(r, 'ask').status === 'waiting');
    expect(stepOf(waiting, 'ask').approval).toMatchObject({
      prompt: 'Isolate wks-42?',
      approvers: ['ir-responder'],
      default: 'reject',
    });
    const notApprover = await call('POST', `/runs/${runId}/steps/ask/decision`, analyst, {
      outcome: 'approve',
    });
    expect(notApprover.status).toBe(409);
    const responder = (await t.app.tokens.create('pb-responder', 'ir-responder')).token;
    const approved = await call('POST', `/runs/${runId}/steps/ask/decision`, responder, {
      outcome: 'approve',
      comment: 'go ahead',
    });
    expect(approved.status, approved.text).toBe(200);
    const [paged] = await peer.waitFor('/pagerduty');
    expect(JSON.parse(paged?.body ?? '{}')).toMatchObject({
      routing_key: FIREWALL_TOKEN,
      payload: { summary: 'Isolating wks-42', severity: 'critical' },
    });
    const done = await runWhen(runId, (r) => r.status !== 'running');
    expect(done.status).toBe('completed');
    expect(JSON.stringify(done)).not.toContain(FIREWALL_TOKEN);

    const other = await call('POST', '/playbooks/ask-responders/runs', admin, {});
    await runWhen(String(other.body.id), (r) => stepOf(r, 'ask').status === 'waiting');
    const cancelled = await call('POST', `/runs/${String(other.body.id)}/cancel`, analyst);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    const runs = await call('GET', '/playbooks/ask-responders/runs?status=cancelled', analyst);
    expect((runs.body.runs as { id: string }[]).map((r) => r.id)).toEqual([other.body.id]);
  });
});

describe('signed approval links in another tenant', () => {
  it('records the decision under the run’s tenant, by the link’s holder', async () => {
    const acme = await (await t.tenantAdmin('acme-links'))();
    const saved = await upload(
      `
id: acme-ask
name: Ask by link
trigger: { manual: true }
steps:
  - id: notify
    action: webhook.send
    with:
      url: ${peer.url}/hooks/acme-links
      payload: { approve: "\${{ approval_links.ask }}" }
  - id: ask
    action: approval
    with: { prompt: "Proceed?", timeout: 1h }
`,
      acme,
    );
    expect(saved.status, saved.text).toBe(201);
    const started = await call('POST', '/playbooks/acme-ask/runs', acme, {});
    expect(started.status, started.text).toBe(202);
    const [hook] = await peer.waitFor('/hooks/acme-links');
    const link = new URL((JSON.parse(hook?.body ?? '{}') as { approve: string }).approve);
    const runId = String(started.body.id);
    await runWhen(runId, (r) => stepOf(r, 'ask').status === 'waiting', acme);
    const decided = await fetch(`${t.url}${link.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token: link.searchParams.get('token'), outcome: 'reject' }),
    });
    expect(decided.status, await decided.clone().text()).toBe(200);
    const { records } = await t.app.audit.list({ action: 'soar.run.decide-link', limit: 100 });
    const mine = records.filter((r) => r.resource.id === `${runId}/ask`);
    expect(mine).toMatchObject([
      {
        tenantId: 'acme-links',
        actor: { kind: 'anonymous', id: 'signed-link' },
        outcome: 'success',
        details: { outcome: 'reject' },
      },
    ]);
    // The tenant's own audit log shows it; the operator tenant's records do not hold it.
    const theirs = await call('GET', '/audit/logs?action=soar.run.decide-link', acme);
    expect(JSON.stringify(theirs.body)).toContain(`${runId}/ask`);
    const ours = await call('GET', '/audit/logs?action=soar.run.decide-link&tenant=default', admin);
    expect(JSON.stringify(ours.body)).not.toContain(`${runId}/ask`);
  });
});

describe('the command API', () => {
  it('activates, scales and trains, each followed at /commands/status/:id', async () => {
    const activated = await call('POST', '/commands', analyst, {
      command: 'activate',
      playbook: 'manual-note',
    });
    expect(activated.status, activated.text).toBe(202);
    expect(activated.body).toMatchObject({ command: 'activate', status: 'running' });
    const statusOf = async (id: string, until: string) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const res = await call('GET', `/commands/status/${id}`, analyst);
        if (res.body.status === until || Date.now() > deadline) return res;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    expect((await statusOf(String(activated.body.id), 'succeeded')).body).toMatchObject({
      status: 'succeeded',
      runs: { completed: 1 },
    });

    const notAdmin = await call('POST', '/commands', analyst, {
      command: 'scale',
      lane: 'slack',
      concurrency: 9,
    });
    expect(notAdmin.status).toBe(403);
    const scaled = await call('POST', '/commands', admin, {
      command: 'scale',
      lane: 'slack',
      concurrency: 9,
    });
    expect(scaled.body).toMatchObject({
      status: 'succeeded',
      result: { lane: 'slack', concurrency: 9 },
    });
    expect(t.app.playbooks.concurrency().slack).toBe(9);
    const unknown = await call('POST', '/commands', admin, {
      command: 'scale',
      lane: 'carrier-pigeon',
      concurrency: 2,
    });
    expect(unknown.status).toBe(400);

    // Train: a dry run on each past alert the trigger matches, calling nothing outside.
    const before = peer.received.length;
    const trained = await call('POST', '/commands', analyst, {
      command: 'train',
      playbook: 'contain-encoded-powershell',
      hours: 24,
    });
    expect(trained.status, trained.text).toBe(202);
    const summary = await statusOf(String(trained.body.id), 'succeeded');
    expect(summary.body).toMatchObject({
      status: 'succeeded',
      result: { alerts_matched: 1 },
      runs: { completed: 1 },
    });
    const steps = (summary.body.result as { steps: Record<string, Record<string, number>> }).steps;
    expect(steps.notify).toEqual({ completed: 1 });
    expect(peer.received.length).toBe(before);
  });
});

describe('CACAO 2.0 over HTTP', () => {
  it('exports a playbook as CACAO and imports it back as the same playbook', async () => {
    const exported = await call('GET', '/playbooks/ask-responders/cacao', analyst);
    expect(exported.status, exported.text).toBe(200);
    expect(exported.body).toMatchObject({ type: 'playbook', spec_version: 'cacao-2.0' });
    const original = await call('GET', '/playbooks/ask-responders', admin);
    const imported = await call('POST', '/playbooks', admin, { cacao: exported.body });
    expect(imported.status, imported.text).toBe(201);
    expect(imported.body.version).toBe(Number(original.body.version) + 1);
    expect(imported.body.definition).toEqual(original.body.definition);

    const ssh = structuredClone(exported.body) as {
      workflow: Record<string, { type: string; commands?: Record<string, unknown>[] }>;
    };
    const step = Object.values(ssh.workflow).find((s) => s.type === 'action' && s.commands);
    if (step?.commands) step.commands = [{ type: 'ssh', command: 'rm -rf /tmp/x' }];
    const refused = await call('POST', '/playbooks', admin, { cacao: ssh });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('SOAR_PLAYBOOK_INVALID');
    expect(refused.text).toContain('ssh');
  });
});

describe('SLA escalation and schedules', () => {
  it('a breached acknowledge SLA starts the escalation playbook once', async () => {
    const saved = await upload(`
id: page-on-breach
name: Page the on-call on a breach
trigger: { sla_breach: { clocks: [acknowledge] } }
steps:
  - id: page
    action: pagerduty.event
    with:
      routing_key: { secret: firewall/token }
      summary: "SLA \${{ vars.sla.clock }} breached on \${{ alert.ruleTitle }}"
      source: "\${{ alert.host }}"
      severity: error
`);
    expect(saved.status, saved.text).toBe(201);
    const pagesBefore = peer.received.filter((r) => r.path.startsWith('/pagerduty')).length;
    await raiseEncodedPowerShellAlert(t, admin, 'wks-breach-1', clock.now() - 30_000);
    clock.advance(2 * 3_600_000);
    await t.app.slaMonitor.check();
    await t.app.slaMonitor.check();
    const pages = await peer.waitFor('/pagerduty', pagesBefore + 1);
    const page = JSON.parse(pages.at(-1)?.body ?? '{}') as { payload: { summary: string } };
    expect(page.payload.summary).toMatch(/^SLA acknowledge breached on /);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(peer.received.filter((r) => r.path.startsWith('/pagerduty'))).toHaveLength(
      pagesBefore + 1,
    );
  });

  it('starts a scheduled playbook once per due time', async () => {
    expect(
      (
        await upload(`
id: hourly-check
name: Hourly check
trigger: { schedule: { cron: "0 * * * *" } }
steps:
  - { id: pause, action: wait, with: { duration: 1s } }
`)
      ).status,
    ).toBe(201);
    const from = Date.UTC(2026, 0, 1, 9, 30);
    const to = Date.UTC(2026, 0, 1, 11, 30);
    expect(await t.app.playbooks.startScheduled(['default'], from, to)).toBe(2);
    expect(await t.app.playbooks.startScheduled(['default'], from, to)).toBe(0);
    const runs = await call('GET', '/playbooks/hourly-check/runs', admin);
    expect(
      (runs.body.runs as { trigger: { key: string } }[]).map((r) => r.trigger.key).sort(),
    ).toEqual(['schedule:2026-01-01T10:00:00.000Z', 'schedule:2026-01-01T11:00:00.000Z']);
  });

  it('after a long outage starts only the latest three due times', async () => {
    expect(
      (
        await upload(`
id: every-minute
name: Every minute
trigger: { schedule: { cron: "* * * * *" } }
steps:
  - { id: pause, action: wait, with: { duration: 1s } }
`)
      ).status,
    ).toBe(201);
    const from = Date.UTC(2026, 1, 1, 0, 0);
    const to = from + 2_000 * 60_000;
    // Three for this playbook and three for hourly-check, also due in those 33 hours.
    expect(await t.app.playbooks.startScheduled(['default'], from, to)).toBe(6);
    const runs = await call('GET', '/playbooks/every-minute/runs', admin);
    expect(
      (runs.body.runs as { trigger: { key: string } }[]).map((r) => r.trigger.key).sort(),
    ).toEqual([
      `schedule:${new Date(to - 120_000).toISOString()}`,
      `schedule:${new Date(to - 60_000).toISOString()}`,
      `schedule:${new Date(to).toISOString()}`,
    ]);
  });
});
