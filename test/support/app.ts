import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../app/index.ts';
import type { App, AppOptions, BootstrapSecrets, StartedApp } from '../../app/index.ts';
import { loadConfig } from '../../platform/config/index.ts';

export interface TestApp {
  readonly app: App;
  readonly started: StartedApp;
  readonly url: string;
  readonly dir: string;
  readonly adminToken: string;
  readonly ingestToken: string;
  /** Lines the app logged, parsed (to check nothing secret was written). */
  readonly logs: Record<string, unknown>[];
  /** One HTTP call to the app with a bearer token (if any) and a JSON body (if any). */
  call(method: string, path: string, token?: string, body?: unknown): Promise<ApiResponse>;
  /**
   * Polls `GET /alerts?<query>` (every 50 ms, for up to 10 s) until `ready` holds, and returns
   * the last page's alerts: the relay stores alerts just after the ingest commit.
   */
  alertsWhen(
    token: string,
    query: string,
    ready: (alerts: Record<string, unknown>[]) => boolean,
  ): Promise<Record<string, unknown>[]>;
  /**
   * Creates tenant `tenantId` with an administrator and returns a function that signs that
   * administrator in (a fresh access token each call: tests that move a manual clock outlive
   * token lifetimes).
   */
  tenantAdmin(tenantId: string): Promise<() => Promise<string>>;
  stop(): Promise<void>;
}

const TENANT_ADMIN_PASSWORD = 'correct horse battery staple 42';

/** A response read whole: JSON bodies parsed (problem+json included), every other body as text. */
export interface ApiResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly type: string;
  readonly text: string;
  readonly headers: Headers;
}

async function callApi(
  url: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<ApiResponse> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    body: type.includes('json') && text !== '' ? (JSON.parse(text) as Record<string, unknown>) : {},
    type,
    text,
    headers: res.headers,
  };
}

/**
 * Starts the whole platform in this process on a fresh data directory and a free port, with
 * the embedded stores, as a user would get it from `secops serve`.
 */
export async function startTestApp(
  overrides: Record<string, unknown> = {},
  options: AppOptions = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'secops-app-'));
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: dir,
      'server.port': 0,
      'log.level': 'debug',
      'events.durability': 'normal',
      'server.shutdownGraceMs': 2000,
      ...overrides,
    },
  });
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  let secrets: BootstrapSecrets | undefined;
  const app = await createApp(config, {
    logDestination: destination,
    onBootstrap: (s) => {
      secrets = s;
    },
    ...options,
  });
  const started = await app.start();
  const adminToken = secrets?.adminToken ?? '';
  const ingestToken = secrets?.sourceTokens.find((s) => s.name === 'default')?.token ?? '';
  let stopped = false;
  return {
    app,
    started,
    url: started.url,
    dir,
    adminToken,
    ingestToken,
    logs,
    call: (method, path, token, body) => callApi(started.url, method, path, token, body),
    async tenantAdmin(tenantId) {
      const created = await callApi(started.url, 'POST', '/tenants', adminToken, {
        id: tenantId,
        name: tenantId,
      });
      if (created.status !== 201) throw new Error(`POST /tenants: ${created.text}`);
      const username = `${tenantId}-admin`;
      await app.identity.users.create(tenantId, {
        username,
        password: TENANT_ADMIN_PASSWORD,
        roles: ['admin'],
      });
      return async () => {
        const login = await callApi(started.url, 'POST', '/auth/login', undefined, {
          username,
          password: TENANT_ADMIN_PASSWORD,
          tenant: tenantId,
        });
        if (login.status !== 200) throw new Error(`POST /auth/login: ${login.text}`);
        return String(login.body.access_token);
      };
    },
    async alertsWhen(token, query, ready) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const page = await callApi(started.url, 'GET', `/alerts?${query}`, token);
        if (page.status !== 200) throw new Error(`GET /alerts?${query}: ${page.text}`);
        const alerts = page.body.alerts as Record<string, unknown>[];
        if (ready(alerts) || Date.now() > deadline) return alerts;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.stop('test finished');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
