import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../platform/clock/index.ts';
import { createIdGenerator } from '../../platform/ids/index.ts';
import { createOutboundHttp } from '../../platform/outbound/index.ts';
import type { JobQueue } from '../../platform/queue/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import { createRelationalRunStore } from '../adapters/relational/relational-run-store.ts';
import { alertOf } from '../triage/test-alerts.ts';
import type { ActionCatalog } from './actions/action.ts';
import { httpActions } from './actions/http-actions.ts';
import { parsePlaybook } from './playbook-document.ts';
import { createPlaybookRunner } from './playbook-runner.ts';
import type { PlaybookRunner } from './playbook-runner.ts';
import type { RunRecord, RunStore, StepRecord } from './run-store.ts';

/** A relational store migrated for soar and the queue, and a queue over a fresh namespace. */
export interface RunnerParts {
  readonly store: RelationalStore;
  readonly queue: JobQueue;
  readonly close: () => Promise<void>;
}

interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

const WAIT = { timeout: 12_000, interval: 25 };
const TENANT = 'tenant-a';
const SLACK_SECRET = 'https://hooks.example.test/services/T000/B000/s3cr3t-webhook-token';

/** What the playbook runner does, whichever queue adapter carries its steps. */
export function describePlaybookRunnerContract(
  name: string,
  make: () => Promise<RunnerParts>,
): void {
  describe(`playbook runner: ${name}`, () => {
    let parts: RunnerParts;
    let runner: PlaybookRunner;
    let runs: RunStore;
    let server: Server;
    let base: string;
    const received: Received[] = [];
    /** Status codes the peer answers with, in turn (then 200). */
    const answers: number[] = [];
    let catalog: ActionCatalog;

    beforeEach(async () => {
      received.length = 0;
      answers.length = 0;
      server = createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => (body += chunk));
        req.on('end', () => {
          received.push({ path: req.url ?? '', headers: req.headers, body });
          const status = answers.shift() ?? 200;
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              ok: status < 300,
              echo: body.length,
              token_seen: body.includes('s3cr3t'),
            }),
          );
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      base = `http://127.0.0.1:${String(port)}`;
      const http = createOutboundHttp({
        allowHttp: true,
        allowPrivateNetworks: ['127.0.0.0/8'],
        allowedPorts: [port],
      });
      catalog = new Map(httpActions(http).map((action) => [action.name, action]));
      parts = await make();
      runs = createRelationalRunStore(parts.store);
      runner = createPlaybookRunner({
        relational: parts.store,
        runs,
        queue: parts.queue,
        catalog,
        clock: systemClock,
        ids: createIdGenerator(),
        readSecret: (_tenant, path) =>
          path === 'slack/soc'
            ? Promise.resolve(SLACK_SECRET.replace('https://hooks.example.test', base))
            : Promise.reject(new Error(`no secret ${path}`)),
        redact: (text) => text,
      });
      runner.startWorkers();
    });

    afterEach(async () => {
      await runner.close();
      await parts.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const save = async (text: string, version = 1): Promise<void> => {
      const definition = parsePlaybook({ name: 'test.yaml', text }, catalog);
      await runs.savePlaybook({
        tenantId: TENANT,
        id: definition.id,
        version,
        definition,
        source: text,
        createdAt: Date.now(),
        createdBy: 'tester',
      });
      runner.invalidate(TENANT);
    };
    const ended = async (
      runId: string,
    ): Promise<{ run: RunRecord; steps: Map<string, StepRecord> }> => {
      const run = await vi.waitFor(async () => {
        const found = await runs.run(TENANT, runId);
        expect(found?.status).not.toBe('running');
        if (found === undefined) throw new Error(`no run ${runId}`);
        return found;
      }, WAIT);
      const steps = new Map((await runs.steps(runId)).map((step) => [step.stepId, step]));
      return { run, steps };
    };
    const stepOf = async (runId: string, stepId: string): Promise<StepRecord | undefined> =>
      (await runs.steps(runId)).find((step) => step.stepId === stepId);

    it('starts on a matching alert, runs a DAG with templates, waits for approval and branches on it', async () => {
      await save(
        `id: contain
name: Contain
trigger: { alert: { severities: [high, critical], tags: [attack.t1059.001] } }
vars: { team: blue }
steps:
  - id: notify
    action: slack.post
    with: { webhook: { secret: slack/soc }, text: "Alert \${{ alert.ruleTitle }} on \${{ alert.host }} for \${{ vars.team }}" }
  - id: ticket
    action: http.request
    with: { url: "${base}/tickets", method: POST, body: { host: "\${{ alert.host }}" } }
  - id: approve
    needs: [notify, ticket]
    action: approval
    with: { prompt: "Isolate \${{ alert.host }}?", approvers: [ir-responder], timeout: 1h }
  - id: isolate
    needs: [approve]
    if: steps.approve.output.approved
    action: http.request
    with: { url: "${base}/isolate/\${{ alert.host }}", method: POST, body: { ticket: "\${{ steps.ticket.output.status }}" } }
  - id: not_approved
    needs: [approve]
    if: \${{ $not(steps.approve.output.approved) }}
    action: http.request
    with: { url: "${base}/closed", method: POST }
`,
      );
      const alert = alertOf({
        id: '01890000-0000-7000-8000-000000000001',
        createdAt: Date.now(),
        host: 'ws-7',
      });
      await parts.store.unitOfWork(() =>
        runner.onAlertsOpened([
          alert,
          alertOf({
            id: '01890000-0000-7000-8000-000000000002',
            createdAt: Date.now(),
            severity: 'low',
          }),
        ]),
      );
      const { items } = await runs.runs(TENANT, { playbookId: 'contain' }, { limit: 10 });
      expect(items).toHaveLength(1);
      const runId = items[0]?.id ?? '';
      expect(items[0]?.trigger).toMatchObject({ kind: 'alert', alertId: alert.id });
      await vi.waitFor(async () => {
        expect(
          (await stepOf(runId, 'approve'))?.status,
          JSON.stringify(await runs.steps(runId)),
        ).toBe('waiting');
      }, WAIT);
      expect(received.map((r) => r.path).sort()).toEqual([
        '/services/T000/B000/s3cr3t-webhook-token',
        '/tickets',
      ]);
      const slack = received.find((r) => r.path.startsWith('/services'));
      expect(JSON.parse(slack?.body ?? '{}')).toEqual({
        text: 'Alert Encoded PowerShell on ws-7 for blue',
      });
      // The secret is resolved for the request, and never kept in the run's records.
      const notify = await stepOf(runId, 'notify');
      expect(notify?.input).toEqual({
        webhook: { secret: 'slack/soc' },
        text: 'Alert Encoded PowerShell on ws-7 for blue',
      });
      expect(JSON.stringify(await runs.steps(runId))).not.toContain('s3cr3t');
      // Only the named approvers decide.
      await expect(
        runner.decide(
          TENANT,
          runId,
          'approve',
          { outcome: 'approve' },
          { id: 'eve', roles: ['soc-analyst'] },
        ),
      ).rejects.toMatchObject({ code: 'SOAR_RUN_CONFLICT' });
      await runner.decide(
        TENANT,
        runId,
        'approve',
        { outcome: 'approve', comment: 'go' },
        { id: 'ana', roles: ['ir-responder'] },
      );
      await expect(
        runner.decide(
          TENANT,
          runId,
          'approve',
          { outcome: 'reject' },
          { id: 'ana', roles: ['ir-responder'] },
        ),
      ).rejects.toMatchObject({ code: 'SOAR_RUN_CONFLICT' });
      const { run, steps } = await ended(runId);
      expect(run.status).toBe('completed');
      expect(steps.get('isolate')?.status).toBe('completed');
      expect(steps.get('not_approved')?.status).toBe('skipped');
      expect(steps.get('approve')?.output).toMatchObject({
        approved: true,
        decided_by: 'ana',
        comment: 'go',
        timed_out: false,
      });
      const isolate = received.find((r) => r.path === '/isolate/ws-7');
      expect(JSON.parse(isolate?.body ?? '{}')).toEqual({ ticket: 200 });
      expect(isolate?.headers['idempotency-key']).toBe(`${runId}.isolate`);
      // The same alert again starts nothing: one run per alert and playbook.
      await parts.store.unitOfWork(() => runner.onAlertsOpened([alert]));
      expect(
        (await runs.runs(TENANT, { playbookId: 'contain' }, { limit: 10 })).items,
      ).toHaveLength(1);
    });

    it('retries a failing step with backoff, then runs failure handlers when it keeps failing', async () => {
      await save(`id: flaky
name: Flaky
trigger: { manual: true }
steps:
  - id: call
    action: http.request
    with: { url: "${base}/flaky" }
    retry: { attempts: 3, backoff: fixed, delay: 50ms }
  - id: second
    needs: [call]
    action: http.request
    with: { url: "${base}/down" }
  - id: after_second
    needs: [second]
    action: http.request
    with: { url: "${base}/never" }
  - id: handler
    needs: [second]
    when: failure
    action: http.request
    with: { url: "${base}/page", method: POST, body: { failed: "\${{ steps.second.error }}" } }
`);
      // /flaky fails twice then answers; /down fails; the handler's page is answered.
      answers.push(503, 500, 200, 500);
      const first = await runner.start(TENANT, 'flaky', {
        kind: 'manual',
        key: 'manual:1',
        by: 'tester',
      });
      const { run, steps } = await ended(first.run.id);
      expect(steps.get('call')).toMatchObject({ status: 'completed', attempts: 3 });
      expect(received.filter((r) => r.path === '/flaky')).toHaveLength(3);
      expect(steps.get('second')?.status).toBe('failed');
      expect(steps.get('second')?.error).toMatch(/answered 500/);
      expect(steps.get('after_second')?.status).toBe('skipped');
      expect(steps.get('handler')?.status).toBe('completed');
      expect(JSON.parse(received.find((r) => r.path === '/page')?.body ?? '{}').failed).toMatch(
        /answered 500/,
      );
      expect(run.status).toBe('failed');
      expect(run.error).toBe('failed steps: second');
    });

    it('loops over a list, fails a step on invalid inputs without retrying, and continues on error when asked', async () => {
      await save(`id: loop
name: Loop
trigger: { manual: true }
vars: { hosts: [a, b, c] }
steps:
  - id: each
    action: http.request
    for_each: vars.hosts
    max_parallel: 2
    with: { url: "${base}/host/\${{ item }}?n=\${{ index }}" }
  - id: broken
    action: http.request
    continue_on_error: true
    retry: { attempts: 5, delay: 10ms }
    with: { url: "\${{ 'not a url' }}" }
  - id: last
    needs: [each, broken]
    action: http.request
    with: { url: "${base}/last", method: POST, body: { n: "\${{ $count(steps.each.output) }}" } }
`);
      const { run: started } = await runner.start(TENANT, 'loop', {
        kind: 'manual',
        key: 'manual:2',
      });
      const { run, steps } = await ended(started.id);
      expect(run.status).toBe('completed');
      expect(
        received
          .filter((r) => r.path.startsWith('/host/'))
          .map((r) => r.path)
          .sort(),
      ).toEqual(['/host/a?n=0', '/host/b?n=1', '/host/c?n=2']);
      expect((steps.get('each')?.output as unknown[]).length).toBe(3);
      expect(steps.get('broken')).toMatchObject({ status: 'failed', attempts: 1 });
      expect(steps.get('broken')?.error).toMatch(/invalid inputs for http.request: url/);
      expect(JSON.parse(received.find((r) => r.path === '/last')?.body ?? '{}')).toEqual({ n: 3 });
    });

    it('waits, times an approval out to its default, runs a sub-playbook, and dry-runs without calling anyone', async () => {
      await save(`id: child
name: Child
trigger: { manual: true }
steps:
  - id: ping
    action: http.request
    with: { url: "${base}/child/\${{ vars.who }}" }
`);
      await save(`id: parent
name: Parent
trigger: { manual: true }
steps:
  - id: pause
    action: wait
    with: { duration: 200ms }
  - id: ask
    needs: [pause]
    action: approval
    with: { prompt: Proceed?, timeout: 300ms, default: approve }
  - id: sub
    needs: [ask]
    if: steps.ask.output.approved
    action: playbook.run
    with: { playbook: child, vars: { who: "\${{ steps.ask.output.outcome }}" } }
`);
      const { run: started } = await runner.start(TENANT, 'parent', {
        kind: 'manual',
        key: 'manual:3',
      });
      const { run, steps } = await ended(started.id);
      expect(run.status).toBe('completed');
      expect(steps.get('ask')?.output).toMatchObject({
        approved: true,
        outcome: 'approve',
        timed_out: true,
      });
      expect(received.map((r) => r.path)).toEqual(['/child/approve']);
      const childRunId = (steps.get('sub')?.output as { run_id: string }).run_id;
      expect((await runs.run(TENANT, childRunId))?.trigger).toMatchObject({
        kind: 'playbook',
        parentRunId: run.id,
      });

      received.length = 0;
      const dry = await runner.start(
        TENANT,
        'child',
        { kind: 'manual', key: 'dry:1' },
        { dryRun: true, vars: { who: 'nobody' } },
      );
      const dryEnd = await ended(dry.run.id);
      expect(dryEnd.run.status).toBe('completed');
      expect(dryEnd.steps.get('ping')?.output).toEqual({ dry_run: true, action: 'http.request' });
      expect(dryEnd.steps.get('ping')?.input).toEqual({ url: `${base}/child/nobody` });
      expect(received).toEqual([]);
    });

    it('cancels a run: waiting steps are cancelled and nothing after them runs', async () => {
      await save(`id: cancel-me
name: Cancel me
trigger: { manual: true }
steps:
  - id: ask
    action: approval
    with: { prompt: Wait forever?, timeout: 1d }
  - id: after
    needs: [ask]
    action: http.request
    with: { url: "${base}/after" }
`);
      const { run: started } = await runner.start(TENANT, 'cancel-me', {
        kind: 'manual',
        key: 'manual:4',
      });
      await vi.waitFor(async () => {
        expect((await stepOf(started.id, 'ask'))?.status).toBe('waiting');
      }, WAIT);
      const cancelled = await runner.cancel(TENANT, started.id, { id: 'ana' });
      expect(cancelled.status).toBe('cancelled');
      const steps = new Map((await runs.steps(started.id)).map((s) => [s.stepId, s.status]));
      expect([...steps.values()]).toEqual(['cancelled', 'cancelled']);
      await expect(runner.cancel(TENANT, started.id, { id: 'ana' })).rejects.toMatchObject({
        code: 'SOAR_RUN_CONFLICT',
      });
      expect(received).toEqual([]);
    });
  });
}
