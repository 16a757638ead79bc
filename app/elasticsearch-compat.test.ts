import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TENANT } from '../platform/identity/index.ts';
import { startTestApp } from '../test/support/app.ts';
import type { TestApp } from '../test/support/app.ts';

interface Step {
  id: string;
  request: null | {
    method: string;
    path: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body: unknown;
  };
  expect?: Record<string, unknown>;
}
interface Shipper {
  id: string;
  sequence: Step[];
}

const probes = JSON.parse(
  readFileSync(
    new URL('../siem/http/elasticsearch/fixtures/shipper-probes.json', import.meta.url),
    'utf8',
  ),
) as { shippers: Shipper[] };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.stop();
});

const basic = (token: string) => `Basic ${Buffer.from(`elastic:${token}`).toString('base64')}`;
const apiKey = (token: string) => `ApiKey ${Buffer.from(`key-id:${token}`).toString('base64')}`;

function dig(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const OPS = new Set(['index', 'create', 'update', 'delete']);

function countActions(lines: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    const parsed = JSON.parse(lines[i] ?? '{}') as Record<string, unknown>;
    const keys = Object.keys(parsed);
    if (keys.length === 1 && OPS.has(keys[0] ?? '')) {
      n++;
      if (keys[0] !== 'delete') i++;
    }
  }
  return n;
}

/** Sends one recorded request, with our credentials and a fresh source, and checks what the shipper checks. */
async function replay(
  shipper: Shipper,
  step: Step & { request: NonNullable<Step['request']> },
  token: string,
): Promise<void> {
  const { request } = step;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (name.toLowerCase() === 'authorization' || value.includes('<')) continue;
    headers[name] = value;
  }
  headers.authorization =
    shipper.id.includes('js') || shipper.id === 'logstash' ? apiKey(token) : basic(token);
  let body: Uint8Array | string | undefined;
  if (Array.isArray(request.body)) body = `${(request.body as string[]).join('\n')}\n`;
  else if (request.body !== null && request.body !== undefined) body = JSON.stringify(request.body);
  if (body !== undefined && headers['Content-Encoding'] === 'gzip') body = gzipSync(body);
  const url = new URL(request.path.replaceAll('<version>', '8.17.0'), t.url);
  for (const [k, v] of Object.entries(request.query ?? {}))
    url.searchParams.set(k, v === '<any>' ? 'x' : v);
  const res = await fetch(url, {
    method: request.method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  const where = `${shipper.id}/${step.id}`;
  const e = step.expect ?? {};

  expect(res.headers.get('x-elastic-product'), where).toBe('Elasticsearch');
  if (typeof e.status === 'number') expect(res.status, where).toBe(e.status);
  if (Array.isArray(e.status)) expect(e.status, where).toContain(res.status);
  if (Array.isArray(e.statusRange)) {
    const [lo, hi] = e.statusRange as [number, number];
    expect(res.status, where).toBeGreaterThanOrEqual(lo);
    expect(res.status, where).toBeLessThanOrEqual(hi);
  }
  if (typeof e.statusMax === 'number') expect(res.status, where).toBeLessThanOrEqual(e.statusMax);
  if (e.anyHttpResponse === true) expect(res.status, where).toBeGreaterThan(0);
  for (const h of (e.headers as string[] | undefined) ?? [])
    expect(res.headers.get(h), `${where} header ${h}`).not.toBeNull();
  for (const [h, v] of Object.entries((e.headerEquals as Record<string, string> | undefined) ?? {}))
    expect(res.headers.get(h), where).toBe(v);
  const contentTypes = e.contentTypeMustInclude as string[] | undefined;
  if (contentTypes && request.method !== 'HEAD')
    expect(
      contentTypes.some((c) => (res.headers.get('content-type') ?? '').includes(c)),
      where,
    ).toBe(true);
  if (e.bodyNonEmpty === true) expect(text.length, where).toBeGreaterThan(0);
  for (const s of (e.bodyContains as string[] | undefined) ?? []) expect(text, where).toContain(s);
  for (const s of (e.bodyMustNotContainOnSuccess as string[] | undefined) ?? [])
    expect(text, where).not.toContain(s);

  const needsJson = [
    'jsonPaths',
    'jsonEquals',
    'jsonOneOf',
    'jsonAbsent',
    'jsonParsable',
    'bulkItems',
  ].some((k) => k in e);
  if (!needsJson || request.method === 'HEAD') return;
  const json = JSON.parse(text) as unknown;
  for (const p of (e.jsonPaths as string[] | undefined) ?? [])
    expect(dig(json, p), `${where} ${p}`).not.toBeUndefined();
  for (const [p, v] of Object.entries((e.jsonEquals as Record<string, unknown> | undefined) ?? {}))
    expect(dig(json, p), `${where} ${p}`).toEqual(v);
  for (const [p, vs] of Object.entries(
    (e.jsonOneOf as Record<string, unknown[]> | undefined) ?? {},
  ))
    expect(vs, `${where} ${p}`).toContain(dig(json, p));
  for (const p of (e.jsonAbsent as string[] | undefined) ?? [])
    expect(dig(json, p), `${where} ${p}`).toBeUndefined();
  if (e.bulkItems !== undefined && Array.isArray(request.body)) {
    const items = dig(json, 'items') as Record<string, { status: number }>[];
    const lines = request.body as string[];
    expect(items, where).toHaveLength(countActions(lines));
    let i = 0;
    for (const line of lines) {
      const op = Object.keys(JSON.parse(line) as object)[0] ?? '';
      if (!OPS.has(op) || Object.keys(JSON.parse(line) as object).length !== 1) continue;
      const item = items[i++] ?? {};
      expect(Object.keys(item), where).toEqual([op]);
      expect(typeof item[op]?.status, where).toBe('number');
    }
  }
}

describe('shippers and clients, replayed from their documented request sequences', () => {
  for (const shipper of probes.shippers) {
    it(shipper.id, async () => {
      for (const step of shipper.sequence) {
        if (!step.request) continue;
        const { token } = await t.app.siem.sources.create(
          `${shipper.id}-${step.id}`
            .toLowerCase()
            .replaceAll(/[^a-z0-9._-]/g, '-')
            .slice(0, 64),
        );
        await replay(shipper, step as Step & { request: NonNullable<Step['request']> }, token);
      }
    });
  }
});

describe('bulk semantics', () => {
  const bulk = async (lines: readonly string[], path = '/_bulk') => {
    const res = await fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { authorization: basic(t.ingestToken), 'content-type': 'application/x-ndjson' },
      body: `${lines.join('\n')}\n`,
    });
    const text = await res.text();
    return {
      status: res.status,
      text,
      json: JSON.parse(text) as {
        errors: boolean;
        items: Record<string, Record<string, unknown>>[];
      },
    };
  };

  it('answers each action in order, failing bad items alone', async () => {
    const res = await bulk([
      '{"create":{"_index":"logs-app-default","_id":"bulk-a"}}',
      '{"@timestamp":"2026-01-02T03:04:05Z","message":"first"}',
      '{"index":{"_index":"logs-app-default"}}',
      '{"@timestamp":"2026-01-02T03:04:06Z","message":"second"}',
      '{"index":{}}',
      '{"message": "broken',
      '{"update":{"_index":"logs-app-default","_id":"bulk-a"}}',
      '{"doc":{"message":"changed"}}',
      '{"delete":{"_index":"logs-app-default","_id":"bulk-a"}}',
    ]);
    expect(res.status).toBe(200);
    expect(res.text.startsWith('{"took":')).toBe(true);
    expect(res.text).toContain('"errors":true,"items":[');
    const statuses = res.json.items.map((item) => [
      Object.keys(item)[0],
      Object.values(item)[0]?.status,
    ]);
    expect(statuses).toEqual([
      ['create', 201],
      ['index', 201],
      ['index', 400],
      ['update', 400],
      ['delete', 400],
    ]);
    expect(res.json.items[0]?.create).toMatchObject({
      _index: 'logs-app-default',
      _id: 'bulk-a',
      result: 'created',
    });
    expect(res.json.items[2]?.index?.error).toMatchObject({ type: 'document_parsing_exception' });
  });

  it('answers a re-sent create with 409 and a re-sent index with a no-op, storing once', async () => {
    const lines = [
      '{"create":{"_index":"dedup","_id":"dd-1"}}',
      '{"@timestamp":"2026-01-03T00:00:00Z","message":"dd"}',
      '{"index":{"_index":"dedup"}}',
      '{"@timestamp":"2026-01-03T00:00:01Z","message":"dd2"}',
    ];
    expect((await bulk(lines)).json.errors).toBe(false);
    const again = await bulk(lines);
    expect(again.json.items.map((i) => Object.values(i)[0]?.status)).toEqual([409, 200]);
    expect(again.json.items[1]?.index).toMatchObject({ result: 'noop' });
    expect(
      await t.app.siem.events.count(DEFAULT_TENANT, {
        query: {
          type: 'match',
          field: { kind: 'name', name: 'secops.index' },
          value: { kind: 'term', text: 'dedup' },
        },
      }),
    ).toBe(2);
  });

  it('takes the index from the path and keeps it with the event', async () => {
    const res = await bulk(
      ['{"create":{}}', '{"@timestamp":"2026-01-04T00:00:00Z","message":"path index"}'],
      '/winlogbeat-8.17.0/_bulk',
    );
    expect(res.json.items[0]?.create).toMatchObject({ _index: 'winlogbeat-8.17.0', status: 201 });
  });

  it('stores a source’s events in the source’s tenant, whatever the documents claim', async () => {
    const beta = await t.app.siem.sources.create('es-beta', 'auto', 'beta');
    const lines = [
      '{"create":{"_index":"tenancy","_id":"same-id-both-tenants"}}',
      '{"@timestamp":"2026-01-06T00:00:00Z","message":"claims default","secops":{"tenant":"default"},"organization":{"id":"default"}}',
    ];
    const send = async (token: string) => {
      const res = await fetch(`${t.url}/_bulk`, {
        method: 'POST',
        headers: { authorization: basic(token), 'content-type': 'application/x-ndjson' },
        body: `${lines.join('\n')}\n`,
      });
      return (await res.json()) as { items: Record<string, { status: number }>[] };
    };
    // The same _id at the same time from two tenants' sources: two events, not a duplicate.
    expect((await send(beta.token)).items[0]?.create?.status).toBe(201);
    expect((await bulk(lines)).json.items[0]?.create).toMatchObject({ status: 201 });
    const inIndex = {
      type: 'match',
      field: { kind: 'name', name: 'secops.index' },
      value: { kind: 'term', text: 'tenancy' },
    } as const;
    expect(await t.app.siem.events.count('beta', { query: inIndex })).toBe(1);
    expect(await t.app.siem.events.count(DEFAULT_TENANT, { query: inIndex })).toBe(1);
    const theirs = await t.app.siem.events.get('beta', 'same-id-both-tenants');
    expect(theirs?.doc).toMatchObject({
      secops: { tenant: 'beta', source: { name: 'es-beta' } },
      organization: { id: 'default' },
    });
    expect(
      (await t.app.siem.events.get(DEFAULT_TENANT, 'same-id-both-tenants'))?.doc,
    ).toMatchObject({ secops: { tenant: DEFAULT_TENANT } });
  });

  it('answers 401 in the Elasticsearch error shape with a challenge', async () => {
    const res = await fetch(`${t.url}/_bulk`, { method: 'POST', body: '{"index":{}}\n{}\n' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Basic');
    expect(await res.json()).toMatchObject({ status: 401, error: { type: 'security_exception' } });
  });

  it('stores single documents as rsyslog sends them by default', async () => {
    const res = await fetch(`${t.url}/system/_doc`, {
      method: 'POST',
      headers: { authorization: basic(t.ingestToken), 'content-type': 'application/json' },
      body: '{"timestamp":"2026-01-05T00:00:00Z","host":"h1","message":"rsyslog single"}',
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ _index: 'system', result: 'created' });
    // rsyslog 8.2302 uses the pre-7 typed path even against 8.x.
    const typed = await fetch(`${t.url}/system/events`, {
      method: 'POST',
      headers: { authorization: basic(t.ingestToken), 'content-type': 'application/json' },
      body: '{"timestamp":"2026-01-05T00:00:01Z","message":"rsyslog typed"}',
    });
    expect(typed.status).toBe(201);
    const platformPath = await fetch(`${t.url}/events/search`, {
      method: 'POST',
      headers: { authorization: basic(t.ingestToken) },
      body: '{}',
    });
    expect(platformPath.status).toBe(404); // a platform path: never taken as an index by the Elasticsearch routes
  });
});

describe('per-item back-pressure', () => {
  it('answers 429 for the items that do not fit, inside a 200, and stores the rest', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const gated = await startTestApp(
      { 'ingest.maxInFlightBytes': 1024 * 1024 },
      {
        ingestHooks: [
          {
            name: 'gate',
            onEvents: async () => {
              if (calls++ === 0) {
                setTimeout(release, 1000);
                await gate;
              }
            },
          },
        ],
      },
    );
    try {
      const lines: string[] = [];
      for (let i = 0; i < 2000; i++)
        lines.push(
          '{"create":{"_index":"bp"}}',
          JSON.stringify({ '@timestamp': '2026-01-06T00:00:00Z', n: i, pad: 'p'.repeat(600) }),
        );
      const res = await fetch(`${gated.url}/_bulk`, {
        method: 'POST',
        headers: {
          authorization: basic(gated.ingestToken),
          'content-type': 'application/x-ndjson',
        },
        body: `${lines.join('\n')}\n`,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('retry-after')).toBe('1');
      const json = (await res.json()) as {
        errors: boolean;
        items: { create: { status: number; error?: { type: string } } }[];
      };
      const statuses = json.items.map((i) => i.create.status);
      expect(statuses.slice(0, 1000).every((s) => s === 201)).toBe(true);
      expect(statuses.slice(1000).every((s) => s === 429)).toBe(true);
      expect(json.items[1500]?.create.error?.type).toBe('es_rejected_execution_exception');
    } finally {
      release();
      await gated.stop();
    }
  });
});

describe('the official Elasticsearch client', () => {
  it('passes its product check and ships with bulk, the bulk helper and index', async () => {
    const client = new Client({
      node: t.url,
      auth: { apiKey: Buffer.from(`key-id:${t.ingestToken}`).toString('base64') },
    });
    try {
      const info = await client.info();
      expect(info.version.number).toMatch(/^8\./);
      const bulk = await client.bulk({
        operations: [
          { create: { _index: 'js-client' } },
          { '@timestamp': '2026-01-07T00:00:00Z', message: 'from the js client' },
        ],
      });
      expect(bulk.errors).toBe(false);
      const stats = await client.helpers.bulk({
        datasource: Array.from({ length: 250 }, (_, i) => ({
          '@timestamp': '2026-01-07T00:00:01Z',
          message: `helper ${String(i)}`,
        })),
        onDocument: () => ({ create: { _index: 'js-helper' } }),
      });
      expect(stats.successful).toBe(250);
      expect(stats.failed).toBe(0);
      const indexed = await client.index({
        index: 'js-index',
        document: { '@timestamp': '2026-01-07T00:00:02Z', message: 'indexed' },
      });
      expect(indexed.result).toBe('created');
    } finally {
      await client.close();
    }
  });
});
