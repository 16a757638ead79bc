import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../platform/clock/index.ts';
import { startTestApp } from '../test/support/app.ts';
import type { TestApp } from '../test/support/app.ts';

/**
 * The platform's own audit records reach its event stream: searchable as events of their
 * tenant, and evaluated by the detection rules written for them (the starter pack's secret-read
 * rules), through the whole platform over HTTP.
 */
const clock = createManualClock(Date.now());
let t: TestApp;
const SECRET_READ = 'ee81a3c7-f4e6-495c-a270-2bfb4a9edd26';
const SECRET_READ_BURST = '116f5263-ca58-429d-9d78-42d190fd0cd8';

function call(method: string, path: string, body?: unknown) {
  return t.call(method, path, t.adminToken, body);
}

const shipper = () => {
  const found = t.app.auditShipper;
  if (!found) throw new Error('audit.toEventStream is on by default');
  return found;
};

/** Polls GET /alerts until `ready` holds (the relay runs right after the ingest commit). */
function alertsWhen(query: string, ready: (alerts: Record<string, unknown>[]) => boolean) {
  return t.alertsWhen(t.adminToken, query, ready);
}

beforeAll(async () => {
  t = await startTestApp({}, { clock });
});
afterAll(async () => {
  await t.stop();
});

describe('audit records in the event stream', () => {
  it('makes each audited request an event of its tenant, and the secret-read rules fire on them', async () => {
    const written = await call('PUT', '/secrets/data/prod/payments/db', {
      value: { password: 'never-in-an-event-canary' },
    });
    expect(written.status, JSON.stringify(written.body)).toBe(200);
    for (let i = 0; i < 22; i++) {
      clock.advance(5_000);
      const read = await call('GET', '/secrets/data/prod/payments/db');
      expect(read.status).toBe(200);
    }
    await shipper().ship();

    const found = await call(
      'GET',
      `/events/search?q=${encodeURIComponent('event.dataset:claytom.audit and action:secrets.read')}&from=now-1d&size=100`,
    );
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    const hits = found.body.hits as { event: Record<string, unknown> }[];
    expect(hits).toHaveLength(22);
    expect(hits[0]?.event).toMatchObject({
      action: 'secrets.read',
      resource: { type: 'secret', id: 'prod/payments/db' },
      outcome: 'success',
      event: { module: 'claytom', dataset: 'claytom.audit' },
    });
    expect(JSON.stringify(found.body)).not.toContain('never-in-an-event-canary');

    // The burst correlation closes its 5-minute window once event time has moved past it.
    clock.advance(7 * 60_000);
    await t.app.streaming?.tick();
    const bursts = await alertsWhen(
      `rule=${SECRET_READ_BURST}&kind=correlation`,
      (a) => a.length > 0,
    );
    expect(bursts).toHaveLength(1);
    expect(bursts[0]).toMatchObject({ kind: 'correlation', severity: 'high' });
    expect(bursts[0]?.eventCount).toBeGreaterThanOrEqual(20);
    // The reads alone raise nothing: the correlation does not ask for its base rule's alerts.
    expect(await alertsWhen(`rule=${SECRET_READ}`, () => true)).toEqual([]);
  });

  it('ships nothing twice: the position survives and a second run finds nothing new', async () => {
    const before = await shipper().position();
    expect(before).toBeGreaterThan(0);
    expect(await shipper().ship()).toBe(0);
    expect(await shipper().position()).toBe(before);
  });
});
