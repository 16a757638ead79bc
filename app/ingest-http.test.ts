import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../test/support/app.ts';
import type { TestApp } from '../test/support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.stop();
});

const auth = () => ({ authorization: `Bearer ${t.ingestToken}` });
const admin = () => ({ authorization: `Bearer ${t.adminToken}` });

async function ingest(body: string | Uint8Array, headers: Record<string, string> = {}, query = '') {
  const res = await fetch(`${t.url}/ingest${query}`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/x-ndjson', ...headers },
    body,
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown> & { items: Record<string, unknown>[] },
  };
}

async function search(q: string, extra = '') {
  const from = extra.includes('from=') ? '' : '&from=now-30d';
  const res = await fetch(`${t.url}/events/search?q=${encodeURIComponent(q)}${from}${extra}`, {
    headers: admin(),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      total: { value: number };
      hits: { id: string; event: Record<string, unknown> }[];
      next_cursor?: string;
    } & Record<string, unknown>,
  };
}

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ '@timestamp': new Date().toISOString(), ...fields });

describe('POST /ingest', () => {
  it('stores NDJSON and makes it searchable as soon as it is acknowledged', async () => {
    const res = await ingest(
      [
        line({ message: 'alpha one', host: { name: 'ing-a' } }),
        line({ message: 'alpha two', host: { name: 'ing-a' } }),
      ].join('\n'),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ errors: false, created: 2, rejected: 0 });
    const found = await search('host.name:ing-a');
    expect(found.body.total.value).toBe(2);
    expect(found.body.hits[0]?.event).toMatchObject({
      host: { name: 'ing-a' },
      secops: { source: { name: 'default' } },
    });
  });

  it('rejects a malformed line alone, naming it, and stores the rest', async () => {
    const body = [
      line({ message: 'good-1', tags: ['mal'] }),
      '{"message": "broken',
      line({ message: 'good-2', tags: ['mal'] }),
      '[1,2]',
    ].join('\n');
    const res = await ingest(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ errors: true, created: 2, rejected: 2 });
    expect(res.body.items).toEqual([
      expect.objectContaining({
        line: 2,
        status: 'rejected',
        error: expect.objectContaining({
          code: 'SIEM_PARSE_FAILED',
          message: expect.stringContaining('line 2'),
        }),
      }),
      expect.objectContaining({
        line: 4,
        status: 'rejected',
        error: expect.objectContaining({ message: 'line 4: expected a JSON object' }),
      }),
    ]);
    expect((await search('tags:mal')).body.total.value).toBe(2);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(
      /secops_ingest_rejected_total\{source="default",reason="SIEM_PARSE_FAILED"\} [1-9]/,
    );
  });

  it('accepts a JSON array, a single object and gzip', async () => {
    const array = await ingest(
      JSON.stringify([
        { message: 'arr-1', labels: { k: 'arr' } },
        { message: 'arr-2', labels: { k: 'arr' } },
      ]),
      { 'content-type': 'application/json' },
    );
    expect(array.body).toMatchObject({ created: 2 });
    const single = await ingest(
      JSON.stringify({ message: 'single', labels: { k: 'arr' } }, null, 2),
      { 'content-type': 'application/json' },
    );
    expect(single.body).toMatchObject({ created: 1 });
    const gz = await ingest(gzipSync(line({ message: 'zipped', labels: { k: 'gz' } })), {
      'content-encoding': 'gzip',
    });
    expect(gz.body).toMatchObject({ created: 1 });
    expect((await search('labels.k:arr')).body.total.value).toBe(3);
    expect((await search('zipped')).body.total.value).toBe(1);
  });

  it('parses plain text lines with the chosen parser', async () => {
    const res = await ingest(
      '<34>1 2026-03-01T10:00:00.000Z fw01 sshd 4242 ID47 - Failed password for root from 198.51.100.7\n',
      { 'content-type': 'text/plain' },
    );
    expect(res.body).toMatchObject({ created: 1 });
    const hit = (await search('log.syslog.hostname:fw01', '&from=2026-02-01')).body.hits[0];
    expect(hit?.event).toMatchObject({
      log: { syslog: { appname: 'sshd', hostname: 'fw01' } },
      process: { pid: 4242 },
    });
  });

  it('does not store a re-sent batch twice, even records without a time of their own', async () => {
    const body = [
      line({ message: 'resend', event: { id: 'fixed-1' } }),
      JSON.stringify({ '@timestamp': '2026-01-05T00:00:00Z', message: 'resend no id' }),
      JSON.stringify({ message: 'resend no time' }),
    ].join('\n');
    expect((await ingest(body)).body).toMatchObject({ created: 3 });
    const again = await ingest(body);
    expect(again.body).toMatchObject({ created: 0, duplicate: 3 });
    expect((await search('resend', '&from=2026-01-01')).body.total.value).toBe(3);
  });

  it('masks secrets before storage and says which field and rule fired', async () => {
    const key = 'AKIA' + 'QWERTYUIOPASDFGH';
    const res = await ingest(
      line({
        process: { command_line: `aws configure set aws_access_key_id ${key}` },
        labels: { k: 'secret' },
      }),
    );
    expect(res.body).toMatchObject({ created: 1 });
    const hit = (await search('labels.k:secret')).body.hits[0];
    expect(JSON.stringify(hit)).not.toContain(key);
    expect(hit?.event).toMatchObject({
      secops: { redactions: [expect.objectContaining({ field: 'process.command_line' })] },
    });
    expect(JSON.stringify(t.logs)).not.toContain(key);
  });

  it('refuses a body over the limit with 413 and an unknown token with 401, as problem+json', async () => {
    const big = await fetch(`${t.url}/ingest`, {
      method: 'POST',
      headers: { ...auth(), 'content-length': String(200 * 1024 * 1024) },
      body: 'x',
    }).catch((e: unknown) => e);
    if (big instanceof Response) {
      expect(big.status).toBe(413);
      expect(big.headers.get('content-type')).toContain('application/problem+json');
    }
    const unknown = await fetch(`${t.url}/ingest`, {
      method: 'POST',
      headers: { authorization: 'Bearer sct_nope' },
      body: line({}),
    });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({
      status: 401,
      code: 'SIEM_UNKNOWN_SOURCE',
      request_id: expect.any(String),
    });
  });

  it('refuses a decompressed body over the limit even when the compressed one is small', async () => {
    const small = await startTestApp({ 'ingest.maxBodyBytes': 64 * 1024 });
    try {
      const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20));
      const res = await fetch(`${small.url}/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${small.ingestToken}`, 'content-encoding': 'gzip' },
        body: bomb,
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ code: 'SIEM_BODY_TOO_LARGE' });
    } finally {
      await small.stop();
    }
  });

  it('rejects an over-long line alone without buffering it', async () => {
    const long = line({ message: 'x'.repeat(2 * 1024 * 1024) });
    const res = await ingest([long, line({ message: 'after-long' })].join('\n'));
    expect(res.body).toMatchObject({ created: 1, rejected: 1 });
    expect(res.body.items[0]).toMatchObject({ line: 1, error: { code: 'SIEM_EVENT_TOO_LARGE' } });
  });

  it('answers 429 with Retry-After when the in-flight budget is used up', async () => {
    const budget = t.app.siem.budget;
    expect(budget.tryAcquire(budget.limit)).toBe(true);
    try {
      const res = await ingest(line({ message: 'refused' }));
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body).toMatchObject({ code: 'SIEM_OVERLOADED' });
    } finally {
      budget.release(budget.limit);
    }
  });
});

describe('GET /events/search', () => {
  it('needs an admin token', async () => {
    const res = await fetch(`${t.url}/events/search?q=x`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    const withIngestToken = await fetch(`${t.url}/events/search?q=x`, { headers: auth() });
    expect(withIngestToken.status).toBe(401);
  });

  it('names the position of a syntax error', async () => {
    const res = await search('host.name:(a or');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'SIEM_QUERY_SYNTAX',
      detail: expect.stringMatching(/line 1, column \d+/),
    });
  });

  it('rejects unknown parameters and bad dates, listing each field', async () => {
    const res = await fetch(`${t.url}/events/search?q=x&sizee=3&size=-1`, { headers: admin() });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { path: string }[] };
    expect(body.errors.map((e) => e.path).sort()).toEqual(['query.size', 'query.sizee']);
    const date = await fetch(`${t.url}/events/search?from=yesterday`, { headers: admin() });
    expect(date.status).toBe(400);
  });

  it('pages with a cursor and aggregates', async () => {
    await ingest(
      Array.from({ length: 7 }, (_, i) =>
        line({
          message: `page ${String(i)}`,
          labels: { k: 'page' },
          host: { name: `pg-${String(i % 2)}` },
        }),
      ).join('\n'),
    );
    const first = await search('labels.k:page', '&size=4');
    expect(first.body.hits).toHaveLength(4);
    const second = await fetch(
      `${t.url}/events/search?q=labels.k:page&from=now-30d&size=4&cursor=${first.body.next_cursor ?? ''}`,
      { headers: admin() },
    );
    const page2 = (await second.json()) as { hits: unknown[]; next_cursor?: string };
    expect(page2.hits).toHaveLength(3);
    expect(page2.next_cursor).toBeUndefined();
    const terms = await fetch(
      `${t.url}/events/aggregations/terms?q=labels.k:page&field=host.name&from=now-1d`,
      { headers: admin() },
    );
    expect(await terms.json()).toMatchObject({
      buckets: [
        { key: 'pg-0', count: 4 },
        { key: 'pg-1', count: 3 },
      ],
    });
    const histogram = await fetch(
      `${t.url}/events/aggregations/date-histogram?q=labels.k:page&interval=1h&from=now-2h&to=now%2B1h`,
      { headers: admin() },
    );
    const h = (await histogram.json()) as { buckets: { count: number }[] };
    expect(h.buckets.reduce((n, b) => n + b.count, 0)).toBe(7);
  });

  it('gets an event by id', async () => {
    const res = await ingest(line({ message: 'by id', event: { id: 'get-me-1' } }));
    expect(res.body).toMatchObject({ created: 1 });
    const got = await fetch(`${t.url}/events/get-me-1`, { headers: admin() });
    expect(await got.json()).toMatchObject({ id: 'get-me-1', event: { message: 'by id' } });
    const missing = await fetch(`${t.url}/events/nope`, { headers: admin() });
    expect(missing.status).toBe(404);
  });
});

describe('tenants', () => {
  it('keeps each tenant’s events to itself: an ingest source decides, every read is scoped', async () => {
    const created = await fetch(`${t.url}/tenants`, {
      method: 'POST',
      headers: { ...admin(), 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'beta', name: 'Beta' }),
    });
    expect(created.status).toBe(201);
    const password = 'correct horse battery staple 42';
    await t.app.identity.users.create('beta', { username: 'bea', password, roles: ['admin'] });
    const login = await fetch(`${t.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'beta', username: 'bea', password }),
    });
    expect(login.status).toBe(200);
    const beta = {
      authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}`,
    };
    const betaSource = await t.app.siem.sources.create('edge', 'auto', 'beta');

    // Tenant A (default) through its source; tenant B through its own, one event claiming A.
    expect(
      (
        await ingest(
          [
            line({ message: 'alpha', labels: { k: 'tenancy' }, event: { id: 'tenancy-a-1' } }),
            line({ message: 'alpha', labels: { k: 'tenancy' }, host: { name: 'host-a' } }),
          ].join('\n'),
        )
      ).body,
    ).toMatchObject({ created: 2 });
    const toBeta = await fetch(`${t.url}/ingest`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${betaSource.token}`,
        'content-type': 'application/x-ndjson',
      },
      body: [
        line({ message: 'beta', labels: { k: 'tenancy' }, event: { id: 'tenancy-b-1' } }),
        line({
          message: 'beta',
          labels: { k: 'tenancy' },
          host: { name: 'host-b' },
          secops: { tenant: 'default' },
        }),
      ].join('\n'),
    });
    expect(await toBeta.json()).toMatchObject({ created: 2 });

    const read = async (path: string, headers: Record<string, string>) => {
      const res = await fetch(`${t.url}${path}`, { headers });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const q = 'q=labels.k:tenancy&from=now-1d';

    // B sees its two events, the one that claimed A's tenant included, and nothing of A's.
    const found = await read(`/events/search?${q}`, beta);
    expect(found.status).toBe(200);
    const hits = found.body.hits as { id: string; event: { secops: { tenant: string } } }[];
    expect(hits.map((h) => h.event.secops.tenant)).toEqual(['beta', 'beta']);
    expect(hits.map((h) => h.id)).toContain('tenancy-b-1');
    expect(found.body.total).toEqual({ value: 2, relation: 'eq' });
    expect((await read(`/events/count?${q}`, beta)).body).toEqual({ count: 2 });
    expect((await read(`/events/count?${q}`, admin())).body).toEqual({ count: 2 });
    const hosts = await read(`/events/aggregations/terms?${q}&field=host.name`, beta);
    expect(hosts.body).toMatchObject({ buckets: [{ key: 'host-b', count: 1 }], missing_count: 1 });
    const hours = await read(
      `/events/aggregations/date-histogram?${q}&interval=1h&to=now%2B1h`,
      beta,
    );
    const buckets = hours.body.buckets as { count: number }[];
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(2);

    // Another tenant's event by id is a 404 exactly like an id never stored.
    const theirs = await read('/events/tenancy-a-1', beta);
    const never = await read('/events/tenancy-never-stored', beta);
    expect(theirs.status).toBe(404);
    expect(never.status).toBe(404);
    expect(theirs.body.code).toBe(never.body.code);
    expect((await read('/events/tenancy-b-1', beta)).status).toBe(200);
    expect((await read('/events/tenancy-b-1', admin())).status).toBe(404);
    expect((await read('/events/tenancy-a-1', admin())).status).toBe(200);
    const adminHits = (await read(`/events/search?${q}`, admin())).body.hits as {
      event: { secops: { tenant: string }; message: string };
    }[];
    expect(adminHits.map((h) => h.event.message)).toEqual(['alpha', 'alpha']);
  });
});

describe('health, readiness, metrics', () => {
  it('reports liveness, each dependency, and Prometheus metrics', async () => {
    expect(await (await fetch(`${t.url}/health`)).json()).toEqual({ status: 'ok' });
    const status = (await (await fetch(`${t.url}/status`)).json()) as {
      status: string;
      dependencies: { ok: boolean }[];
    };
    expect(status.status).toBe('ready');
    expect(status.dependencies.every((d) => d.ok)).toBe(true);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('secops_http_request_duration_seconds_bucket');
    expect(metrics).toContain('secops_ingest_items_total');
  });

  it('answers unknown routes with problem+json', async () => {
    const res = await fetch(`${t.url}/events-nope/x/y`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
