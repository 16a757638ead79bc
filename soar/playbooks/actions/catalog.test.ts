import { describe, expect, it } from 'vitest';
import type { ActionContext } from './action.ts';
import { createValidationCatalog } from './catalog.ts';

const context: ActionContext = {
  tenantId: 'default',
  runId: 'run-1',
  stepId: 'step',
  idempotencyKey: 'run-1.step',
  attempt: 1,
  signal: new AbortController().signal,
  alertId: 'alert-1',
  actor: { kind: 'playbook', id: 'run:run-1' },
};

describe('createValidationCatalog', () => {
  it('knows every built-in action with its input schema', () => {
    const catalog = createValidationCatalog();
    expect([...catalog.keys()].sort()).toEqual([
      'alert.assign',
      'alert.comment',
      'alert.state',
      'case.create',
      'case.update',
      'containment.block_address',
      'containment.disable_user',
      'enrich.lookup',
      'http.request',
      'pagerduty.event',
      'sendgrid.mail',
      'slack.post',
      'twilio.sms',
      'webhook.send',
    ]);
    expect(catalog.get('case.create')?.input.safeParse({ title: 'Look' }).success).toBe(true);
    expect(catalog.get('case.create')?.input.safeParse({}).success).toBe(false);
  });

  it('runs nothing: an action started from it fails with SOAR_INVALID_REQUEST', async () => {
    const catalog = createValidationCatalog();
    for (const [name, input] of [
      ['http.request', { url: 'https://example.com/', method: 'GET', headers: {} }],
      ['alert.comment', { text: 'hello' }],
      ['enrich.lookup', { values: ['203.0.113.9'] }],
    ] as const) {
      const action = catalog.get(name);
      // Some run bodies throw before their first await: a promise either way.
      const running = Promise.resolve().then(() => action?.run(input as never, context));
      await expect(running).rejects.toMatchObject({
        code: 'SOAR_INVALID_REQUEST',
      });
    }
  });
});
