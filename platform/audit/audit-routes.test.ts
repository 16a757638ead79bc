import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Request } from 'express';
import type { FieldIssue } from '../errors/index.ts';
import { buildRouter } from '../http/index.ts';
import type { RouteAuditor } from '../http/index.ts';
import { IdentityError } from '../identity/index.ts';
import type { Principal } from '../identity/index.ts';
import { createSqliteRelationalStore, sql } from '../storage/index.ts';
import type { RelationalStore } from '../storage/index.ts';
import { appendMany, auditFixtures, entry } from './audit-log.contract.ts';
import type { AuditLogFixture } from './audit-log.contract.ts';
import type { AuditRecord } from './audit-record.ts';
import {
  auditRoutes,
  openCheckpoint,
  parseVerifierKey,
  verifyConsistency,
  verifyExport,
  verifyInclusion,
} from './index.ts';
import type { VerifyReport } from './index.ts';
import { problemHandler } from '../../test/support/problem-handler.ts';

// HTTP tests of the audit routes: a real express app on loopback over a real audit log on a
// SQLite file. The principal is chosen by a test header at the authentication edge.

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const makeStore = (): Promise<RelationalStore> => {
  const dir = mkdtempSync(join(tmpdir(), 'secops-audit-http-'));
  dirs.push(dir);
  return Promise.resolve(createSqliteRelationalStore({ path: join(dir, 'state.db') }));
};

const user = (id: string, tenantId: string, permissions: string[]): Principal => ({
  id,
  name: id,
  kind: 'user',
  tenantId,
  roles: [],
  permissions: new Set(permissions),
});
const PRINCIPALS: Readonly<Record<string, Principal>> = {
  // Administers tenants from the operator tenant: reads every tenant's records.
  operator: user('olga', 'default', [
    'audit:read',
    'audit:export',
    'audit:checkpoint',
    'tenants:write',
  ]),
  auditorA: user('ann', 'tenant-a', ['audit:read', 'audit:export']),
  auditorB: user('bob', 'tenant-b', ['audit:read', 'audit:export']),
  // A tenant's own administrator holds tenants:write too, but outside the operator tenant.
  adminA: user('ada', 'tenant-a', ['audit:read', 'audit:export', 'tenants:write']),
  analyst: user('sam', 'tenant-a', ['events:read']),
};

/** Records audited calls in the log, as the app's auditor does (without its unit of work). */
function logAuditor(f: AuditLogFixture): RouteAuditor {
  const append = async (call: Parameters<RouteAuditor['before']>[0], result: unknown) => {
    const p = call.principal;
    await f.store.transaction((tx) =>
      f.log.append(tx, {
        actor: p ? { id: p.id, kind: p.kind } : { id: 'anonymous', kind: 'anonymous' },
        tenantId: p?.tenantId ?? 'default',
        action: call.action,
        resource: call.resource(result),
        outcome: 'success',
      }),
    );
  };
  return {
    async run(call, work) {
      const result = await work();
      await append(call, result);
      return result;
    },
    before: (call) => append(call, undefined),
    failed: () => Promise.resolve(),
  };
}

interface Harness {
  readonly f: AuditLogFixture;
  readonly url: string;
  /** Calls `path` as the named principal (none: unauthenticated). */
  call(path: string, as?: string, init?: RequestInit): Promise<globalThis.Response>;
  /** The status and JSON body, typed as the caller expects it. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- bodies of many shapes
  json<T>(path: string, as?: string, init?: RequestInit): Promise<{ status: number; body: T }>;
}

interface Problem {
  readonly status: number;
  readonly code: string;
  readonly errors?: FieldIssue[];
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(f: AuditLogFixture, options: { audited?: boolean } = {}): Promise<Harness> {
  const app = express();
  app.use(
    buildRouter(auditRoutes(f.log), {
      authenticate: (req: Request) => {
        const name = /^Test (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
        // `only:<permission>`: a user of tenant-a holding that one permission.
        const principal = name.startsWith('only:')
          ? user('solo', 'tenant-a', [name.slice('only:'.length)])
          : PRINCIPALS[name];
        if (!principal) throw new IdentityError('IDENTITY_UNAUTHENTICATED', 'who are you?');
        return Promise.resolve(principal);
      },
      defaultBodyLimit: 64 * 1024,
      ...(options.audited === false ? {} : { auditor: logAuditor(f) }),
    }),
  );
  app.use(problemHandler);
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const call = (path: string, as?: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (as !== undefined) headers.set('authorization', `Test ${as}`);
    return fetch(`${url}${path}`, { ...init, headers });
  };
  const harness: Harness = {
    f,
    url,
    call,
    async json(path: string, as?: string, init?: RequestInit) {
      const res = await call(path, as, init);
      // The caller names the shape it expects; the assertions check it.
      return { status: res.status, body: (await res.json()) as never };
    },
  };
  return harness;
}

interface Page {
  readonly records: AuditRecord[];
  readonly nextCursor?: string;
}

/** Every page of `/audit/logs` with `query`, following nextCursor. */
async function allPages(h: Harness, query: string, as: string): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const suffix = cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const { status, body } = await h.json<Page>(`/audit/logs?${query}${suffix}`, as);
    expect(status).toBe(200);
    out.push(...body.records);
    cursor = body.nextCursor;
    pages += 1;
  } while (cursor !== undefined && pages < 1000);
  return out;
}

const seqs = (records: readonly AuditRecord[]) => records.map((r) => r.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** What an attacker with database access does first: switch the append-only trigger off. */
async function dropUpdateTrigger(store: RelationalStore): Promise<void> {
  await store.execute(sql`DROP TRIGGER audit_records_no_update`);
}

/** Appends records `from`..`from + count - 1` of the contract's entries in one transaction. */
async function appendBulk(f: AuditLogFixture, count: number, from: number): Promise<void> {
  await f.store.transaction(async (tx) => {
    for (let i = from; i < from + count; i++) await f.log.append(tx, entry(i));
  });
}

describe('audit HTTP routes', () => {
  const fixture = auditFixtures(makeStore);

  /** `count` records over tenants a (even i) and b (odd i), then the routes served. */
  async function setup(count: number, options: { audited?: boolean } = {}): Promise<Harness> {
    const f = await fixture();
    await appendMany(f, count);
    return serve(f, options);
  }

  it('lists with each filter, and pages over every record once in both orders', async () => {
    const h = await setup(40);
    const list = async (query: string, as = 'operator') => seqs(await allPages(h, query, as));

    expect(await list('limit=7')).toEqual(range(1, 40));
    expect(await list('limit=6&order=desc')).toEqual(range(1, 40).reverse());
    expect(await list('limit=1000&tenant=tenant-b')).toEqual(range(1, 40).filter((i) => i % 2));
    expect(await list('actor=agent-0&limit=3')).toEqual([
      3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39,
    ]);
    expect(await list('action=secrets.read')).toEqual([4, 8, 12, 16, 20, 24, 28, 32, 36, 40]);
    expect(await list('action=rbac.*&limit=5')).toEqual(range(1, 40).filter((i) => i % 4 !== 0));
    expect(await list('action=rbac.role.cre*')).toEqual(range(1, 40).filter((i) => i % 4 !== 0));
    expect(await list('action=rbac')).toEqual([]);
    expect(await list('resourceType=secret&resourceId=r-8')).toEqual([8]);
    expect(await list('outcome=success&limit=1000')).toEqual(range(1, 40));
    expect(await list('outcome=denied')).toEqual([]);
    // appendMany advances the clock a second before each record, from 12:00:00.
    expect(await list('from=2026-03-01T12:00:05Z&to=2026-03-01T12:00:09.000Z')).toEqual([
      5, 6, 7, 8,
    ]);
    expect(await list('from=2026-03-01T13:00:03%2B01:00&to=2026-03-01T12:00:05Z')).toEqual([3, 4]);
    expect(await list('from=2026-03-02')).toEqual([]);

    const { body } = await h.json<Page>('/audit/logs?limit=2', 'operator');
    expect(body.records).toEqual((await h.f.log.list({ limit: 2 })).records);
    expect(body.nextCursor).toEqual(expect.any(String));
    const last = await h.json<Page>('/audit/logs?limit=40', 'operator');
    expect(last.body.nextCursor).toBeUndefined();
  });

  it('confines a tenant to its own records; only the operator administrator reads them all', async () => {
    const h = await setup(30);
    const a = await allPages(h, 'limit=4', 'auditorA');
    const b = await allPages(h, 'limit=4', 'auditorB');
    expect(seqs(a)).toEqual(range(1, 30).filter((i) => i % 2 === 0));
    expect(seqs(b)).toEqual(range(1, 30).filter((i) => i % 2 === 1));
    expect(b.every((r) => r.tenantId === 'tenant-b')).toBe(true);
    // Filters narrow within the tenant; they never widen it.
    expect(seqs(await allPages(h, 'tenant=tenant-b&action=secrets.read', 'auditorB'))).toEqual([]);
    expect(seqs(await allPages(h, 'tenant=tenant-a&action=secrets.read', 'auditorA'))).toEqual([
      4, 8, 12, 16, 20, 24, 28,
    ]);
    // A tenant's own administrator is still confined to its tenant.
    expect(seqs(await allPages(h, 'limit=1000', 'adminA'))).toEqual(seqs(a));

    // Another tenant, existing or not, answers the same 404 and nothing else.
    for (const tenant of ['tenant-a', 'no-such-tenant']) {
      const res = await h.json<Problem>(`/audit/logs?tenant=${tenant}`, 'auditorB');
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('AUDIT_TENANT_NOT_FOUND');
      const exported = await h.call(`/audit/logs/export?tenant=${tenant}`, 'auditorB');
      expect(exported.status).toBe(404);
      expect(JSON.stringify(await exported.json())).not.toContain('"seq"');
    }

    // Exports are confined the same way, and carry inclusion proofs for the records they hold.
    // (An export is recorded once it is known to be served: after the records it holds.)
    const ownB = (await h.f.log.list({ tenantId: 'tenant-b', limit: 1000 })).records;
    const exported = await (await h.call('/audit/logs/export', 'auditorB')).text();
    const lines = exported
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; record?: AuditRecord });
    const exportedSeqs = lines.flatMap((l) => (l.type === 'record' && l.record ? [l.record] : []));
    expect(seqs(exportedSeqs)).toEqual(seqs(ownB));
    expect(exportedSeqs.every((r) => r.tenantId === 'tenant-b')).toBe(true);
    expect(await verifyExport(exported, h.f.log.verifierKey)).toMatchObject({
      ok: true,
      records: ownB.length,
      complete: false,
    });

    // Proofs of another tenant's record are refused like a missing record.
    await h.call('/audit/checkpoints', 'operator', { method: 'POST' });
    const foreign = await h.json<Problem>('/audit/proofs/inclusion?seq=2', 'auditorB');
    expect(foreign).toMatchObject({ status: 404, body: { code: 'AUDIT_RECORD_NOT_FOUND' } });
    expect((await h.call('/audit/proofs/inclusion?seq=3', 'auditorB')).status).toBe(200);
    expect((await h.call('/audit/proofs/inclusion?seq=2', 'operator')).status).toBe(200);
  });

  it('exports NDJSON that verifies offline, records the export, and exports CSV', async () => {
    // Enough records for the export to span several chunks.
    const h = await setup(300);
    const res = await h.call('/audit/logs/export?format=ndjson', 'operator');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="audit-log.ndjson"');
    const ndjson = await res.text();
    expect(ndjson.length).toBeGreaterThan(100_000);
    // The export is recorded once its first line is ready, before a byte is sent: the next
    // record after the ones it holds.
    const report = await verifyExport(ndjson, h.f.log.verifierKey);
    expect(report).toEqual({
      ok: true,
      records: 300,
      checkpoints: 1,
      treeSize: 300,
      complete: true,
    });
    const own = (await h.f.log.list({ action: 'audit.export', limit: 10 })).records;
    expect(own).toMatchObject([
      { seq: 301, actor: { id: 'olga' }, resource: { type: 'audit-log' }, outcome: 'success' },
    ]);

    // A filtered export verifies by inclusion proofs.
    const filtered = await (
      await h.call('/audit/logs/export?action=secrets.*&tenant=tenant-a', 'operator')
    ).text();
    expect(await verifyExport(filtered, h.f.log.verifierKey)).toMatchObject({
      ok: true,
      records: 75,
      complete: false,
    });

    const csv = await h.call('/audit/logs/export?format=csv&outcome=success', 'auditorA');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="audit-log.csv"');
    const rows = (await csv.text()).trimEnd().split('\n');
    expect(rows[0]).toBe(
      'seq,time,tenantId,actorId,actorKind,actorName,action,resourceType,resourceId,outcome,requestId,sourceAddress,userAgent,details,sensitive,leafHash,chainHash',
    );
    // Tenant a's records, and its own export (303), recorded before it was sent.
    expect(rows.slice(1).map((row) => Number(row.split(',')[0]))).toEqual([
      ...range(1, 300).filter((i) => i % 2 === 0),
      303,
    ]);
    expect(rows.slice(1).every((row) => row.split(',')[2] === 'tenant-a')).toBe(true);
  });

  it('refuses to export when the export cannot be audited (503), sending nothing', async () => {
    const h = await setup(3);
    await h.f.store.execute(sql`DELETE FROM audit_head`);
    const res = await h.json<Problem>('/audit/logs/export', 'operator');
    expect(res).toMatchObject({ status: 503, body: { code: 'AUDIT_APPEND_FAILED' } });
  });

  it('cuts the connection when the store fails mid-export, and survives clients leaving', async () => {
    const h = await setup(10, { audited: false });
    // CSV sends its header before reading the store: the failure comes after the 200.
    const broken = await fixture();
    const other = await serve(broken, { audited: false });
    await broken.store.close();
    await expect(
      other.call('/audit/logs/export?format=csv', 'operator').then((r) => r.text()),
    ).rejects.toThrow();
    // NDJSON reads the store before its first line: the failure is a problem, not a short file.
    const ndjson = await other.json<Problem>('/audit/logs/export', 'operator');
    expect(ndjson.status).toBe(503);

    // A client that goes away after the first bytes.
    await appendBulk(h.f, 2000, 11);
    const abort = new AbortController();
    const res = await h.call('/audit/logs/export', 'operator', { signal: abort.signal });
    const reader = res.body?.getReader();
    expect((await reader?.read())?.done).toBe(false);
    abort.abort();
    await expect(reader?.read()).rejects.toThrow();
    const after = await h.call('/audit/logs/export?action=secrets.read', 'operator');
    expect(await verifyExport(await after.text(), h.f.log.verifierKey)).toMatchObject({
      ok: true,
      records: 502,
    });
  });

  it('verifies the stored log, then reports the first record tampered with in SQL', async () => {
    const h = await setup(12);
    const first = await h.json<VerifyReport>('/audit/verify', 'auditorA');
    expect(first).toEqual({
      status: 200,
      body: { ok: true, records: 12, checkpoints: 0, treeSize: 0, complete: true },
    });
    const signed = await h.json<{ note: string }>('/audit/checkpoints', 'operator', {
      method: 'POST',
    });
    const note = encodeURIComponent(signed.body.note);
    // The stored checkpoint and the same note passed back; record 13 is the signing itself.
    expect(
      (await h.json<VerifyReport>(`/audit/verify?checkpoint=${note}`, 'auditorA')).body,
    ).toEqual({ ok: true, records: 13, checkpoints: 2, treeSize: 12, complete: true });
    const bad = await h.json<VerifyReport>(
      `/audit/verify?checkpoint=${note}&checkpoint=${encodeURIComponent('not a note\n')}`,
      'auditorA',
    );
    expect(bad.body).toMatchObject({ ok: false, broken: { reason: 'bad-checkpoint-signature' } });

    await dropUpdateTrigger(h.f.store);
    for (const seq of [9, 5]) {
      await h.f.store.execute(
        sql`UPDATE audit_records SET record_json = replace(record_json, ${'"outcome":"success"'}, ${'"outcome":"failure"'}) WHERE seq = ${seq}`,
      );
    }
    const tampered = await h.json<VerifyReport>('/audit/verify', 'auditorA');
    expect(tampered.status).toBe(200);
    expect(tampered.body).toMatchObject({
      ok: false,
      records: 4,
      broken: { reason: 'edited', seq: 5 },
    });
  });

  it('signs checkpoints and serves them, with inclusion and consistency proofs that verify', async () => {
    const h = await setup(5);
    const none = await h.json<Problem>('/audit/checkpoints/latest', 'auditorA');
    expect(none).toMatchObject({ status: 404, body: { code: 'AUDIT_CHECKPOINT_NOT_FOUND' } });

    const key = parseVerifierKey(
      (await h.json<{ verifierKey: string }>('/audit/verifier-key')).body.verifierKey,
    );
    const small = await h.json<{ treeSize: number; rootHash: string; note: string }>(
      '/audit/checkpoints',
      'operator',
      { method: 'POST' },
    );
    expect(small.status).toBe(200);
    expect(small.body).toMatchObject({ treeSize: 5, origin: 'secops.test/audit' });
    expect(openCheckpoint(small.body.note, [key]).rootHash.toString('hex')).toBe(
      small.body.rootHash,
    );
    // The checkpoint call is audited: record 6.
    const recorded = (await h.f.log.list({ action: 'audit.checkpoint', limit: 5 })).records;
    expect(recorded).toMatchObject([{ seq: 6, resource: { type: 'audit-checkpoint', id: '5' } }]);

    await appendMany(h.f, 10, 6);
    const big = await h.json<{ treeSize: number; rootHash: string; note: string }>(
      '/audit/checkpoints',
      'operator',
      { method: 'POST' },
    );
    expect(big.body.treeSize).toBe(16);

    const latest = await h.json<Record<string, unknown>>('/audit/checkpoints/latest', 'auditorA');
    expect(latest.body).toEqual(big.body);
    for (const [query, accept] of [
      ['?format=note', '*/*'],
      ['', 'text/plain'],
    ] as const) {
      const text = await h.call(`/audit/checkpoints/latest${query}`, 'auditorA', {
        headers: { accept },
      });
      expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await text.text()).toBe(big.body.note);
    }

    const [record] = (await h.f.log.list({ tenantId: 'tenant-a', limit: 1 })).records;
    const inclusion = await h.json<{
      leafIndex: number;
      treeSize: number;
      leafHash: string;
      rootHash: string;
      proof: string[];
    }>(`/audit/proofs/inclusion?seq=${String(record?.seq)}`, 'auditorA');
    expect(inclusion.status).toBe(200);
    const proof = inclusion.body;
    expect(proof).toMatchObject({
      treeSize: 16,
      rootHash: big.body.rootHash,
      leafHash: record?.leafHash,
    });
    expect(
      verifyInclusion(
        proof.leafIndex,
        proof.treeSize,
        Buffer.from(proof.leafHash, 'hex'),
        proof.proof.map((p) => Buffer.from(p, 'hex')),
        Buffer.from(proof.rootHash, 'hex'),
      ),
    ).toBe(true);
    const older = await h.json<{ treeSize: number; rootHash: string }>(
      `/audit/proofs/inclusion?seq=${String(record?.seq)}&treeSize=5`,
      'auditorA',
    );
    expect(older.body).toMatchObject({ treeSize: 5, rootHash: small.body.rootHash });

    const consistency = await h.json<{
      fromSize: number;
      toSize: number;
      fromRoot: string;
      toRoot: string;
      proof: string[];
    }>('/audit/proofs/consistency?from=5&to=16', 'auditorB');
    const c = consistency.body;
    expect(c).toMatchObject({ fromRoot: small.body.rootHash, toRoot: big.body.rootHash });
    expect(
      verifyConsistency(
        c.fromSize,
        c.toSize,
        c.proof.map((p) => Buffer.from(p, 'hex')),
        Buffer.from(c.fromRoot, 'hex'),
        Buffer.from(c.toRoot, 'hex'),
      ),
    ).toBe(true);
    expect(
      (await h.json<{ toSize: number }>('/audit/proofs/consistency?from=5', 'auditorB')).body,
    ).toMatchObject({ toSize: 16 });

    // Out of range: 400 with the log's code.
    for (const path of [
      '/audit/proofs/inclusion?seq=2&treeSize=99',
      '/audit/proofs/consistency?from=9&to=5',
      '/audit/proofs/consistency?from=1&to=500',
    ]) {
      expect(await h.json<Problem>(path, 'operator')).toMatchObject({
        status: 400,
        body: { code: 'AUDIT_RANGE_INVALID' },
      });
    }
    expect(await h.json<Problem>('/audit/proofs/inclusion?seq=99', 'operator')).toMatchObject({
      status: 400,
      body: { code: 'AUDIT_RANGE_INVALID' },
    });
  });

  it('needs the permission of each route (403) and a principal (401); the verifier key is public', async () => {
    const h = await setup(2);
    const routes: [string, string, RequestInit?][] = [
      ['/audit/logs', 'audit:read'],
      ['/audit/logs/export', 'audit:export'],
      ['/audit/verify', 'audit:read'],
      ['/audit/checkpoints', 'audit:checkpoint', { method: 'POST' }],
      ['/audit/checkpoints/latest', 'audit:read'],
      ['/audit/proofs/inclusion?seq=2', 'audit:read'],
      ['/audit/proofs/consistency?from=1', 'audit:read'],
    ];
    for (const [path, , init] of routes) {
      const denied = await h.json<Problem>(path, 'analyst', init);
      expect(denied, path).toMatchObject({ status: 403, body: { code: 'IDENTITY_FORBIDDEN' } });
      expect((await h.call(path, undefined, init)).status, path).toBe(401);
    }
    // An auditor may not sign checkpoints.
    expect((await h.call('/audit/checkpoints', 'auditorA', { method: 'POST' })).status).toBe(403);
    // The refused calls signed, exported and recorded nothing.
    expect(await h.f.log.latestCheckpoint()).toBeUndefined();
    expect((await h.f.log.list({ limit: 10 })).records).toHaveLength(2);

    // Each route's one permission is enough.
    for (const [path, permission, init] of routes) {
      expect((await h.call(path, `only:${permission}`, init)).status, path).toBe(200);
    }

    const key = await h.json<{ verifierKey: string }>('/audit/verifier-key');
    expect(key).toEqual({ status: 200, body: { verifierKey: h.f.log.verifierKey } });
  });

  it('rejects unknown and malformed query parameters, naming each field (400)', async () => {
    const h = await setup(2);
    const cases: [string, string[]][] = [
      ['/audit/logs?bogus=1', ['query.bogus']],
      ['/audit/logs?limit=0', ['query.limit']],
      ['/audit/logs?limit=1001', ['query.limit']],
      ['/audit/logs?limit=ten&order=up', ['query.limit', 'query.order']],
      ['/audit/logs?from=yesterday&to=2026-13-01', ['query.from', 'query.to']],
      ['/audit/logs?action=Secrets.*', ['query.action']],
      ['/audit/logs?action=secrets.*.read', ['query.action']],
      ['/audit/logs?outcome=maybe', ['query.outcome']],
      ['/audit/logs?tenant=a&tenant=b', ['query.tenant']],
      ['/audit/logs?tenantId=tenant-a', ['query.tenantId']],
      ['/audit/logs/export?format=xml', ['query.format']],
      ['/audit/logs/export?limit=5', ['query.limit']],
      ['/audit/verify?full=1', ['query.full']],
      ['/audit/checkpoints/latest?format=pem', ['query.format']],
      ['/audit/proofs/inclusion', ['query.seq']],
      ['/audit/proofs/inclusion?seq=0&treeSize=-1', ['query.seq', 'query.treeSize']],
      ['/audit/proofs/consistency?from=1&size=2', ['query.size']],
    ];
    for (const [path, fields] of cases) {
      const res = await h.json<Problem>(path, 'operator');
      expect(res.status, path).toBe(400);
      expect(res.body.code, path).toBe('REQUEST_INVALID');
      expect(res.body.errors?.map((e) => e.path).sort(), path).toEqual(fields);
    }
    // A cursor this log did not issue is the log's own 400.
    expect(await h.json<Problem>('/audit/logs?cursor=bogus', 'operator')).toMatchObject({
      status: 400,
      body: { code: 'AUDIT_FILTER_INVALID' },
    });
    // Refused before it ran: no export was recorded.
    expect((await h.f.log.list({ action: 'audit.export', limit: 5 })).records).toEqual([]);
  });
});
