import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRouter, toOpenApiDocument } from '../http/index.ts';
import type { AnyRoute, RouteAuditor } from '../http/index.ts';
import { IdentityError } from '../identity/index.ts';
import type { Principal } from '../identity/index.ts';
import { createSqliteRelationalStore } from '../storage/index.ts';
import type { RelationalStore } from '../storage/index.ts';
import { createEmbeddedSecretStore, secretRoutes, secretsMigrations } from './index.ts';
import type { SecretStore } from './index.ts';
import { problemHandler } from '../../test/support/problem-handler.ts';

/** A JSON response body, read loosely: the tests assert on its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies of many shapes
type Json = any;

interface AuditRecord {
  readonly action: string;
  readonly tenant: string | undefined;
  readonly resource: { readonly type: string; readonly id?: string };
  readonly details: Readonly<Record<string, unknown>>;
  readonly outcome: 'success' | 'failure';
}

const CANARY = `canary-${randomBytes(8).toString('hex')}`;

let dir: string;
let db: RelationalStore;
let store: SecretStore;
let routes: AnyRoute[];
let server: Server;
let url: string;
const audits: AuditRecord[] = [];
const principals = new Map<string, Principal>();

/** A principal of `tenantId` holding exactly `permissions`, and the bearer token that names it. */
function principal(tenantId: string, permissions: string[]): { token: string; who: Principal } {
  const token = randomBytes(12).toString('hex');
  const who: Principal = {
    id: `u-${token}`,
    name: token,
    kind: 'user',
    tenantId,
    roles: [],
    permissions: new Set(permissions),
  };
  principals.set(token, who);
  return { token, who };
}

const ALL = ['secrets:list', 'secrets:read', 'secrets:write'];
/** A fresh tenant per test, so tests share no secrets. */
const freshTenant = () => `t-${randomBytes(6).toString('hex')}`;

/** The in-process auditor: runs each audited call in one unit of work, as the app does. */
const auditor: RouteAuditor = {
  async run(call, work) {
    const base = { action: call.action, tenant: call.principal?.tenantId };
    try {
      const result = await db.unitOfWork(work);
      audits.push({
        ...base,
        resource: call.resource(result),
        details: { ...call.details },
        outcome: 'success',
      });
      return result;
    } catch (err) {
      audits.push({
        ...base,
        resource: call.resource(undefined),
        details: { ...call.details },
        outcome: 'failure',
      });
      throw err;
    }
  },
  before(call) {
    audits.push({
      action: call.action,
      tenant: call.principal?.tenantId,
      resource: call.resource(undefined),
      details: { ...call.details },
      outcome: 'success',
    });
    return Promise.resolve();
  },
  failed(call) {
    audits.push({
      action: call.action,
      tenant: call.principal?.tenantId,
      resource: call.resource(undefined),
      details: { ...call.details },
      outcome: 'failure',
    });
    return Promise.resolve();
  },
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'secops-secret-routes-'));
  db = createSqliteRelationalStore({ path: join(dir, 'state.db') });
  await db.migrate(secretsMigrations);
  store = createEmbeddedSecretStore({
    store: db,
    keyring: { current: { id: 'k1', key: randomBytes(32) } },
  });
  routes = secretRoutes(store);
  const app = express();
  app.use(
    buildRouter(routes, {
      // The test seam at the auth edge: a bearer token names a principal built by the test.
      authenticate: (req) => {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const who = token === undefined ? undefined : principals.get(token);
        if (!who) throw new IdentityError('IDENTITY_UNAUTHENTICATED', 'authentication required');
        return Promise.resolve(who);
      },
      defaultBodyLimit: 64 * 1024,
      auditor,
    }),
  );
  app.use(problemHandler);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => {
      resolve(s);
    });
  });
  url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(token: string | undefined, method: string, path: string, json?: unknown) {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url + path, {
    method,
    headers,
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await res.text();
  const body: Json = text ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, text, body };
}

/** A request whose path reaches the server as written (fetch would normalise `..`). */
function rawCall(token: string, method: string, path: string, json: unknown) {
  const payload = JSON.stringify(json);
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const { port } = server.address() as AddressInfo;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, text });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const fieldsOf = (errors: unknown): string[] => (errors as { path: string }[]).map((e) => e.path);
const auditsOf = (tenant: string) => audits.filter((a) => a.tenant === tenant);

function route(method: string, path: string): AnyRoute {
  const found = routes.find((r) => r.method === method && r.path === path);
  if (!found) throw new Error(`no route ${method} ${path}`);
  return found;
}

/**
 * Runs a route's handler as the router would once the principal is past the gate, with its
 * params and query parsed by the route's own schemas.
 */
function runHandler(
  r: AnyRoute,
  who: Principal,
  input: { params?: Record<string, unknown>; query?: Record<string, unknown> },
): Promise<unknown> {
  return Promise.resolve(
    r.handler({
      req: {} as never,
      res: { setHeader: () => undefined } as never,
      audited: () => Promise.resolve(),
      principal: who,
      params: r.params?.parse(input.params ?? {}),
      query: r.query?.parse(input.query ?? {}),
      body: undefined,
      next: () => undefined,
      annotate: () => undefined,
      attribute: () => undefined,
    }),
  );
}

describe('secret values', () => {
  it('creates, rotates and reads the latest or a given version, each read audited', async () => {
    const tenant = freshTenant();
    const { token } = principal(tenant, ALL);
    const first = await call(token, 'PUT', '/secrets/data/prod/db', {
      value: { user: 'app', password: `${CANARY}-1` },
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      path: 'prod/db',
      version: 1,
      created_at: expect.any(String),
      deleted_at: null,
      destroyed: false,
    });
    const second = await call(token, 'PUT', '/secrets/data/prod/db', {
      value: { user: 'app', password: `${CANARY}-2` },
    });
    expect(second.body.version).toBe(2);
    expect(first.text + second.text).not.toContain(CANARY);

    const latest = await call(token, 'GET', '/secrets/data/prod/db');
    expect(latest.status).toBe(200);
    expect(latest.headers.get('cache-control')).toBe('no-store');
    expect(latest.body).toEqual({
      path: 'prod/db',
      version: 2,
      created_at: expect.any(String),
      value: { user: 'app', password: `${CANARY}-2` },
    });
    const v1 = await call(token, 'GET', '/secrets/data/prod/db?version=1');
    expect(v1.body).toMatchObject({ version: 1, value: { password: `${CANARY}-1` } });
    const missing = await call(token, 'GET', '/secrets/data/prod/db?version=9');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('SECRET_NOT_FOUND');

    const secret = { type: 'secret', id: 'prod/db' };
    expect(auditsOf(tenant)).toEqual([
      {
        action: 'secrets.write',
        tenant,
        resource: secret,
        details: { version: 1 },
        outcome: 'success',
      },
      {
        action: 'secrets.write',
        tenant,
        resource: secret,
        details: { version: 2 },
        outcome: 'success',
      },
      {
        action: 'secrets.read',
        tenant,
        resource: secret,
        details: { version: 2 },
        outcome: 'success',
      },
      {
        action: 'secrets.read',
        tenant,
        resource: secret,
        details: { version: 1 },
        outcome: 'success',
      },
      {
        action: 'secrets.read',
        tenant,
        resource: secret,
        details: { version: 9 },
        outcome: 'failure',
      },
    ]);
    expect(JSON.stringify(audits)).not.toContain(CANARY);
  });

  it('lists the direct children of a folder', async () => {
    const { token } = principal(freshTenant(), ALL);
    for (const path of ['soar/slack/webhook', 'soar/jira', 'prod/db', 'top'])
      await call(token, 'PUT', `/secrets/data/${path}`, { value: { k: CANARY } });
    expect((await call(token, 'GET', '/secrets')).body).toEqual({
      prefix: '',
      keys: ['prod/', 'soar/', 'top'],
    });
    const soar = await call(token, 'GET', '/secrets?prefix=soar/');
    expect(soar.body).toEqual({ prefix: 'soar/', keys: ['jira', 'slack/'] });
    expect((await call(token, 'GET', '/secrets?prefix=soar')).body.keys).toEqual([
      'jira',
      'slack/',
    ]);
    expect((await call(token, 'GET', '/secrets?prefix=nothing/')).body.keys).toEqual([]);
    const bad = await call(token, 'GET', '/secrets?prefix=soar/../prod');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { path: 'query.prefix', message: 'segment 2 is a dot segment' },
    ]);
  });

  it('shows metadata and versions, never a value', async () => {
    const { token } = principal(freshTenant(), ALL);
    await call(token, 'PUT', '/secrets/data/app/api', { value: { key: CANARY } });
    await call(token, 'PUT', '/secrets/data/app/api', { value: { key: `${CANARY}-b` } });
    const meta = await call(token, 'GET', '/secrets/metadata/app/api');
    expect(meta.status).toBe(200);
    expect(meta.body).toEqual({
      path: 'app/api',
      current_version: 2,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      cas_required: false,
      max_versions: 0,
      versions: [
        { version: 1, created_at: expect.any(String), deleted_at: null, destroyed: false },
        { version: 2, created_at: expect.any(String), deleted_at: null, destroyed: false },
      ],
    });
    expect(meta.text).not.toContain(CANARY);
    expect(meta.text).not.toContain('"value"');
  });

  it('refuses a stale check-and-set with 409 and writes nothing', async () => {
    const tenant = freshTenant();
    const { token } = principal(tenant, ALL);
    expect(
      (await call(token, 'PUT', '/secrets/data/ci/token', { value: { t: CANARY }, cas: 0 })).status,
    ).toBe(200);
    const stale = await call(token, 'PUT', '/secrets/data/ci/token', {
      value: { t: `${CANARY}-lost` },
      cas: 0,
    });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(stale.body.code).toBe('SECRET_CAS_MISMATCH');
    expect(stale.text).not.toContain(CANARY);
    expect((await call(token, 'GET', '/secrets/metadata/ci/token')).body.current_version).toBe(1);
    expect(
      (await call(token, 'PUT', '/secrets/data/ci/token', { value: { t: 'next' }, cas: 1 })).body
        .version,
    ).toBe(2);

    const settings = await call(token, 'PATCH', '/secrets/metadata/ci/token', {
      cas_required: true,
      max_versions: 5,
    });
    expect(settings.status).toBe(204);
    const noCas = await call(token, 'PUT', '/secrets/data/ci/token', { value: { t: CANARY } });
    expect(noCas.status).toBe(400);
    expect(noCas.body.code).toBe('SECRET_CAS_REQUIRED');
    expect(noCas.text).not.toContain(CANARY);
    expect((await call(token, 'GET', '/secrets/metadata/ci/token')).body).toMatchObject({
      cas_required: true,
      max_versions: 5,
      current_version: 2,
    });
    expect(auditsOf(tenant).map((a) => [a.action, a.outcome])).toEqual([
      ['secrets.write', 'success'],
      ['secrets.write', 'failure'],
      ['secrets.metadata.read', 'success'],
      ['secrets.write', 'success'],
      ['secrets.update-metadata', 'success'],
      ['secrets.write', 'failure'],
      ['secrets.metadata.read', 'success'],
    ]);
  });
});

describe('deleting', () => {
  it('soft-deletes, undeletes and destroys versions', async () => {
    const tenant = freshTenant();
    const { token } = principal(tenant, ALL);
    for (let i = 1; i <= 3; i++)
      await call(token, 'PUT', '/secrets/data/svc/key', { value: { v: `${CANARY}-${i}` } });

    expect((await call(token, 'DELETE', '/secrets/data/svc/key')).status).toBe(204);
    const deleted = await call(token, 'GET', '/secrets/data/svc/key');
    expect(deleted.status).toBe(404);
    expect(deleted.body.code).toBe('SECRET_VERSION_DELETED');
    expect((await call(token, 'POST', '/secrets/undelete/svc/key', { versions: [3] })).status).toBe(
      204,
    );
    expect((await call(token, 'GET', '/secrets/data/svc/key')).body.value).toEqual({
      v: `${CANARY}-3`,
    });

    expect(
      (await call(token, 'POST', '/secrets/delete/svc/key', { versions: [1, 2] })).status,
    ).toBe(204);
    expect((await call(token, 'GET', '/secrets/data/svc/key?version=2')).status).toBe(404);
    expect((await call(token, 'POST', '/secrets/destroy/svc/key', { versions: [1] })).status).toBe(
      204,
    );
    await call(token, 'POST', '/secrets/undelete/svc/key', { versions: [1, 2] });
    const destroyed = await call(token, 'GET', '/secrets/data/svc/key?version=1');
    expect(destroyed.status).toBe(404);
    expect(destroyed.body.code).toBe('SECRET_VERSION_DESTROYED');
    expect((await call(token, 'GET', '/secrets/data/svc/key?version=2')).status).toBe(200);
    const versions = (await call(token, 'GET', '/secrets/metadata/svc/key')).body.versions as {
      version: number;
      destroyed: boolean;
      deleted_at: string | null;
    }[];
    // Version 1 keeps its deletion time once destroyed; undelete skipped it.
    expect(versions.map((v) => [v.version, v.destroyed, v.deleted_at === null])).toEqual([
      [1, true, false],
      [2, false, true],
      [3, false, true],
    ]);

    const none = await call(token, 'POST', '/secrets/destroy/svc/key', { versions: [] });
    expect(none.status).toBe(400);
    expect(fieldsOf(none.body.errors)).toEqual(['body.versions']);

    expect(
      auditsOf(tenant)
        .filter(
          (a) => !['secrets.write', 'secrets.read', 'secrets.metadata.read'].includes(a.action),
        )
        .map((a) => [a.action, a.details]),
    ).toEqual([
      ['secrets.delete', {}],
      ['secrets.undelete', { versions: [3] }],
      ['secrets.delete', { versions: [1, 2] }],
      ['secrets.destroy', { versions: [1] }],
      ['secrets.undelete', { versions: [1, 2] }],
    ]);
  });

  it('deletes a secret entirely; the next write is version 1', async () => {
    const tenant = freshTenant();
    const { token } = principal(tenant, ALL);
    await call(token, 'PUT', '/secrets/data/old/key', { value: { v: CANARY } });
    await call(token, 'PUT', '/secrets/data/old/key', { value: { v: CANARY } });
    expect((await call(token, 'DELETE', '/secrets/metadata/old/key')).status).toBe(204);
    expect((await call(token, 'GET', '/secrets/metadata/old/key')).status).toBe(404);
    expect((await call(token, 'GET', '/secrets?prefix=old/')).body.keys).toEqual([]);
    expect((await call(token, 'DELETE', '/secrets/metadata/old/key')).status).toBe(404);
    expect(
      (await call(token, 'PUT', '/secrets/data/old/key', { value: { v: 'again' } })).body.version,
    ).toBe(1);
    expect(auditsOf(tenant).filter((a) => a.action === 'secrets.delete-all')).toEqual([
      expect.objectContaining({ resource: { type: 'secret', id: 'old/key' }, outcome: 'success' }),
      expect.objectContaining({ outcome: 'failure' }),
    ]);
  });
});

describe('tenants', () => {
  it('keep secrets apart: another tenant sees a path as absent and lists nothing', async () => {
    const a = principal(freshTenant(), ALL);
    const b = principal(freshTenant(), ALL);
    await call(a.token, 'PUT', '/secrets/data/prod/db', { value: { password: CANARY } });

    for (const [method, path, json] of [
      ['GET', '/secrets/data/prod/db', undefined],
      ['GET', '/secrets/data/prod/db?version=1', undefined],
      ['GET', '/secrets/metadata/prod/db', undefined],
      ['DELETE', '/secrets/data/prod/db', undefined],
      ['POST', '/secrets/destroy/prod/db', { versions: [1] }],
      ['DELETE', '/secrets/metadata/prod/db', undefined],
    ] as const) {
      const res = await call(b.token, method, path, json);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.code).toBe('SECRET_NOT_FOUND');
      expect(res.text).not.toContain(CANARY);
    }
    expect((await call(b.token, 'GET', '/secrets')).body.keys).toEqual([]);
    expect((await call(b.token, 'GET', '/secrets?prefix=prod/')).body.keys).toEqual([]);

    // The same path in B is B's own secret; A's is untouched.
    expect(
      (await call(b.token, 'PUT', '/secrets/data/prod/db', { value: { password: 'b' } })).body
        .version,
    ).toBe(1);
    expect((await call(a.token, 'GET', '/secrets/data/prod/db')).body.value).toEqual({
      password: CANARY,
    });
  });
});

describe('permissions', () => {
  it('checks them at the gate: listing does not read values, writing does not list', async () => {
    const tenant = freshTenant();
    const admin = principal(tenant, ALL);
    const lister = principal(tenant, ['secrets:list']);
    const writer = principal(tenant, ['secrets:write']);
    await call(admin.token, 'PUT', '/secrets/data/prod/db', { value: { password: CANARY } });

    expect((await call(lister.token, 'GET', '/secrets')).body.keys).toEqual(['prod/']);
    expect((await call(lister.token, 'GET', '/secrets/metadata/prod/db')).status).toBe(200);
    const read = await call(lister.token, 'GET', '/secrets/data/prod/db');
    expect(read.status).toBe(403);
    expect(read.body.code).toBe('IDENTITY_FORBIDDEN');
    expect(read.text).not.toContain(CANARY);
    expect(
      (await call(lister.token, 'PUT', '/secrets/data/prod/db', { value: { password: 'x' } }))
        .status,
    ).toBe(403);
    expect((await call(lister.token, 'DELETE', '/secrets/metadata/prod/db')).status).toBe(403);

    expect((await call(writer.token, 'GET', '/secrets/metadata/prod/db')).status).toBe(403);
    expect((await call(writer.token, 'GET', '/secrets/data/prod/db')).status).toBe(403);
    expect((await call(undefined, 'GET', '/secrets/data/prod/db')).status).toBe(401);
    // Refused calls never reach the handler, so they leave no read record.
    expect(auditsOf(tenant).filter((a) => a.action === 'secrets.read')).toEqual([]);
  });

  it('lets a path-scoped reader read only the paths its glob matches', async () => {
    const tenant = freshTenant();
    const admin = principal(tenant, ALL);
    const scoped = principal(tenant, ['secrets:read:soar/*']);
    await call(admin.token, 'PUT', '/secrets/data/soar/x', { value: { hook: CANARY } });
    await call(admin.token, 'PUT', '/secrets/data/prod/db', { value: { password: CANARY } });

    // Through the router: a scoped holder passes the gate of a scoped route, and the handler
    // answers 200 inside the glob and 403 outside it (whether or not the secret exists).
    const inside = await call(scoped.token, 'GET', '/secrets/data/soar/x');
    expect(inside.status).toBe(200);
    expect(inside.text).toContain(CANARY);
    for (const path of ['prod/db', 'prod/absent']) {
      const res = await call(scoped.token, 'GET', `/secrets/data/${path}`);
      expect(res.status).toBe(403);
      expect(res.text).not.toContain(CANARY);
    }

    // Past the gate, the handler checks the path before touching the store.
    const read = route('get', '/secrets/data/*path');
    expect(await runHandler(read, scoped.who, { params: { path: ['soar', 'x'] } })).toMatchObject({
      path: 'soar/x',
      value: { hook: CANARY },
    });
    for (const path of [['prod', 'db'], ['prod', 'absent'], ['soar', 'x', 'deeper'], ['soar']]) {
      await expect(runHandler(read, scoped.who, { params: { path } })).rejects.toMatchObject({
        code: 'IDENTITY_FORBIDDEN',
        details: { permission: 'secrets:read' },
      });
    }
    const write = route('delete', '/secrets/metadata/*path');
    await expect(
      runHandler(write, scoped.who, { params: { path: ['soar', 'x'] } }),
    ).rejects.toMatchObject({ code: 'IDENTITY_FORBIDDEN' });
  });

  it('shows a path-scoped lister only the folders and secrets its glob reaches', async () => {
    const tenant = freshTenant();
    const admin = principal(tenant, ALL);
    for (const path of ['soar/slack/webhook', 'soar/jira', 'prod/db'])
      await call(admin.token, 'PUT', `/secrets/data/${path}`, { value: { k: CANARY } });
    const lister = principal(tenant, ['secrets:list:soar/slack/*']).who;
    const list = route('get', '/secrets');
    expect(await runHandler(list, lister, {})).toEqual({ prefix: '', keys: ['soar/'] });
    expect(await runHandler(list, lister, { query: { prefix: 'soar/' } })).toEqual({
      prefix: 'soar/',
      keys: ['slack/'],
    });
    expect(await runHandler(list, lister, { query: { prefix: 'soar/slack' } })).toEqual({
      prefix: 'soar/slack/',
      keys: ['webhook'],
    });
    expect(await runHandler(list, lister, { query: { prefix: 'prod/' } })).toEqual({
      prefix: 'prod/',
      keys: [],
    });
    const meta = route('get', '/secrets/metadata/*path');
    await expect(
      runHandler(meta, lister, { params: { path: ['soar', 'slack', 'webhook'] } }),
    ).resolves.toMatchObject({ current_version: 1 });
    await expect(
      runHandler(meta, lister, { params: { path: ['soar', 'jira'] } }),
    ).rejects.toMatchObject({ code: 'IDENTITY_FORBIDDEN' });
  });
});

describe('validation', () => {
  it('refuses unknown fields (mass assignment) in bodies and queries', async () => {
    const { token } = principal(freshTenant(), ALL);
    const extra = await call(token, 'PUT', '/secrets/data/a/b', {
      value: { k: CANARY },
      version: 7,
      tenant: 'other',
    });
    expect(extra.status).toBe(400);
    expect(extra.body.code).toBe('REQUEST_INVALID');
    expect(extra.body.errors).toEqual([
      { path: 'body.version, body.tenant', message: 'unknown field' },
    ]);
    expect(extra.text).not.toContain(CANARY);
    expect((await call(token, 'GET', '/secrets/metadata/a/b')).status).toBe(404);

    const query = await call(token, 'GET', '/secrets/data/a/b?version=1&tenant=other');
    expect(query.status).toBe(400);
    expect(fieldsOf(query.body.errors)).toEqual(['query.tenant']);
    for (const version of ['0', '-1', '1.5', 'latest', '99999999999'])
      expect((await call(token, 'GET', `/secrets/data/a/b?version=${version}`)).status).toBe(400);
    const settings = await call(token, 'PATCH', '/secrets/metadata/a/b', { owner: 'me' });
    expect(settings.body.errors).toEqual([{ path: 'body.owner', message: 'unknown field' }]);
    const versions = await call(token, 'POST', '/secrets/delete/a/b', { versions: [1], all: true });
    expect(versions.body.errors).toEqual([{ path: 'body.all', message: 'unknown field' }]);
  });

  it('answers an invalid path with a 400 problem naming the field, never echoing the value', async () => {
    const { token } = principal(freshTenant(), ALL);
    const empty = await call(token, 'PUT', '/secrets/data/a//b', { value: { k: CANARY } });
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(empty.body).toMatchObject({
      code: 'REQUEST_INVALID',
      errors: [{ path: 'params.path', message: 'segment 2 is empty' }],
    });
    expect(empty.text).not.toContain(CANARY);

    const dots = await rawCall(token, 'PUT', '/secrets/data/a/../b', { value: { k: CANARY } });
    expect(dots.status).toBe(400);
    expect(JSON.parse(dots.text).errors).toEqual([
      { path: 'params.path', message: 'segment 2 is a dot segment' },
    ]);
    expect(dots.text).not.toContain(CANARY);

    const chars = await call(token, 'GET', '/secrets/data/a%20b');
    expect(chars.body.errors).toEqual([
      { path: 'params.path', message: 'segment 1 has a character outside A-Z a-z 0-9 . _ -' },
    ]);
    const deep = await call(token, 'GET', `/secrets/data/${'a/'.repeat(16)}b`);
    expect(deep.body.errors?.[0]?.path).toBe('params.path');
  });

  it('answers an invalid value with 400 by position, and a too large one with 413', async () => {
    const { token } = principal(freshTenant(), ALL);
    const keyName = `key-${CANARY}`;
    const notString = await call(token, 'PUT', '/secrets/data/a/b', {
      value: { ok: 'fine', [keyName]: 42 },
    });
    expect(notString.status).toBe(400);
    expect(notString.body.errors).toEqual([
      { path: 'body.value.1', message: 'the value of key #2 is not a string' },
    ]);
    expect(notString.text).not.toContain(CANARY);
    const notObject = await call(token, 'PUT', '/secrets/data/a/b', { value: CANARY });
    expect(notObject.body.errors).toEqual([
      { path: 'body.value', message: 'must be a plain object of strings' },
    ]);
    expect(notObject.text).not.toContain(CANARY);
    expect((await call(token, 'PUT', '/secrets/data/a/b', {})).body.errors[0].path).toBe(
      'body.value',
    );

    const large = await call(token, 'PUT', '/secrets/data/a/b', {
      value: { blob: `${CANARY}${'x'.repeat(600 * 1024)}` },
    });
    expect(large.status).toBe(413);
    expect(large.body.code).toBe('SECRET_VALUE_TOO_LARGE');
    expect(large.text).not.toContain(CANARY);
    const huge = await call(token, 'PUT', '/secrets/data/a/b', {
      value: { blob: `${CANARY}${'x'.repeat(1100 * 1024)}` },
    });
    expect(huge.status).toBe(413);
    expect(huge.text).not.toContain(CANARY);
    expect((await call(token, 'GET', '/secrets/metadata/a/b')).status).toBe(404);
  });
});

describe('the OpenAPI document', () => {
  it('is valid and documents every route with its permission and audit action', async () => {
    const doc = toOpenApiDocument(routes, { title: 'secrets', version: '1' }, {});
    const result = await new Validator().validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
    const ops = Object.entries(paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => [
        `${method.toUpperCase()} ${path}`,
        op['x-permission'],
        op['x-audit-action'],
      ]),
    );
    expect(ops).toEqual([
      ['GET /secrets', 'secrets:list', 'secrets.list'],
      ['PUT /secrets/data/{path}', 'secrets:write', 'secrets.write'],
      ['GET /secrets/data/{path}', 'secrets:read', 'secrets.read'],
      ['DELETE /secrets/data/{path}', 'secrets:write', 'secrets.delete'],
      ['POST /secrets/delete/{path}', 'secrets:write', 'secrets.delete'],
      ['POST /secrets/undelete/{path}', 'secrets:write', 'secrets.undelete'],
      ['POST /secrets/destroy/{path}', 'secrets:write', 'secrets.destroy'],
      ['GET /secrets/metadata/{path}', 'secrets:list', 'secrets.metadata.read'],
      ['PATCH /secrets/metadata/{path}', 'secrets:write', 'secrets.update-metadata'],
      ['DELETE /secrets/metadata/{path}', 'secrets:write', 'secrets.delete-all'],
    ]);
  });
});
