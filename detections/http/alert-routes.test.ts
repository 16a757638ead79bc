import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Validator } from '@seriousme/openapi-schema-validator';
import express from 'express';
import type { Request } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRouter, toOpenApiDocument } from '../../platform/http/index.ts';
import { IdentityError, permissionsOf } from '../../platform/identity/index.ts';
import type { Principal } from '../../platform/identity/index.ts';
import { createSqliteRelationalStore } from '../../platform/storage/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import { problemHandler } from '../../test/support/problem-handler.ts';
import { alertMigrations } from '../alerts/migrations.ts';
import { recordAlerts } from '../alerts/record-alerts.ts';
import { createRelationalAlertStore } from '../alerts/relational-alert-store.ts';
import { candidate, correlationCandidate, fixture, MINUTE, T0 } from '../alerts/test-fixtures.ts';
import type { Fixture } from '../alerts/test-fixtures.ts';
import { alertRoutes } from './alert-routes.ts';

// HTTP tests of the alert routes: a real express app on loopback with the platform's router
// builder and problem+json mapping, over alerts on SQLite. The principal is chosen by a test
// header at the authentication edge, with the permissions of built-in roles.

const principal = (tenantId: string, roles: string[]): Principal => ({
  id: `${tenantId}-${roles.join('+')}`,
  name: roles.join('+'),
  kind: 'user',
  tenantId,
  roles,
  permissions: permissionsOf(roles),
});
const PRINCIPALS: Readonly<Record<string, Principal>> = {
  analyst: principal('tenant-a', ['soc-analyst']),
  responder: principal('tenant-a', ['ir-responder']),
  admin: principal('tenant-a', ['admin']),
  reader: principal('tenant-a', ['read-only']),
  auditor: principal('tenant-a', ['auditor']),
  analystB: principal('tenant-b', ['soc-analyst']),
};

interface View {
  readonly id: string;
  readonly tenantId: string;
  readonly severity: string;
  readonly host: string | null;
  readonly count: number;
  readonly rule: { readonly ref: string; readonly title: string; readonly author: string | null };
  readonly attack: {
    readonly tactics: { id: string; name: string }[];
    readonly techniques: string[];
  };
  readonly firstSeen: string;
}
interface Page {
  readonly alerts: View[];
  readonly nextCursor?: string;
}
interface Problem {
  readonly status: number;
  readonly code: string;
  readonly errors?: { path: string; message: string }[];
}

let store: RelationalStore;
let server: Server;
let url: string;
let f: Fixture;
const ids: Record<string, string> = {};

beforeAll(async () => {
  store = createSqliteRelationalStore({ path: ':memory:' });
  await store.migrate(alertMigrations);
  const alerts = createRelationalAlertStore({ store });
  f = fixture();
  const { powershell, lsass, whoami } = f.rules;
  const HOUR = 60 * MINUTE;
  const applied = await recordAlerts(alerts, [
    candidate(f, { rule: powershell, eventId: 'p1', at: T0, host: 'WKS-1' }),
    candidate(f, { rule: powershell, eventId: 'p2', at: T0 + MINUTE, host: 'WKS-1' }),
    candidate(f, { rule: lsass, eventId: 'l1', at: T0 + HOUR, host: 'wks-2' }),
    candidate(f, { rule: whoami, eventId: 'w1', at: T0 + 2 * HOUR, host: 'wks-1' }),
    correlationCandidate(f, { at: T0 + 3 * HOUR, host: 'dc-1' }),
    candidate(f, { rule: powershell, eventId: 'p1', at: T0, tenantId: 'tenant-b' }),
  ]);
  for (const result of applied) {
    if (result.status !== 'opened') throw new Error('expected new alerts');
    const key = `${result.alert.tenantId}/${result.alert.ruleTitle.split(' ')[0] ?? ''}`;
    ids[key] = result.alert.id;
  }
  f.clock.set(T0 + 90 * MINUTE);
  const app = express();
  app.use(
    buildRouter(alertRoutes({ store: alerts, clock: f.clock }), {
      authenticate: (req: Request) => {
        const name = /^Test (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
        const found = PRINCIPALS[name];
        if (!found) throw new IdentityError('IDENTITY_UNAUTHENTICATED', 'who are you?');
        return Promise.resolve(found);
      },
      defaultBodyLimit: 64 * 1024,
    }),
  );
  app.use(problemHandler);
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await store.close();
});

/** The status, media type and JSON body, typed as the caller expects it. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- bodies of many shapes
async function get<T>(
  path: string,
  as?: string,
): Promise<{ status: number; type: string; body: T }> {
  const res = await fetch(`${url}${path}`, {
    headers: as === undefined ? {} : { authorization: `Test ${as}` },
  });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: (await res.json()) as T,
  };
}

const titles = async (query: string, as = 'analyst'): Promise<string[]> => {
  const { status, body } = await get<Page>(`/alerts?${query}`, as);
  expect(status, query).toBe(200);
  return body.alerts.map((a) => a.rule.title.split(' ')[0] ?? '');
};

describe('GET /alerts', () => {
  it('needs alerts:read: SOC analysts, IR responders, admins and readers have it', async () => {
    expect((await get<Problem>('/alerts')).status).toBe(401);
    const denied = await get<Problem>('/alerts', 'auditor');
    expect(denied.status).toBe(403);
    expect(denied.type).toContain('application/problem+json');
    expect(denied.body.code).toBe('IDENTITY_FORBIDDEN');
    for (const who of ['analyst', 'responder', 'admin', 'reader'])
      expect((await get<Page>('/alerts', who)).status, who).toBe(200);
  });

  it('lists the caller’s tenant’s alerts, newest first, with rule, author and ATT&CK', async () => {
    const { body } = await get<Page>('/alerts', 'analyst');
    expect(body.alerts.map((a) => a.rule.title.split(' ')[0])).toEqual([
      'Repeated',
      'Whoami',
      'LSASS',
      'Encoded',
    ]);
    expect(body.alerts.every((a) => a.tenantId === 'tenant-a')).toBe(true);
    expect(body.nextCursor).toBeUndefined();
    expect(body.alerts[3]).toMatchObject({
      id: ids['tenant-a/Encoded'],
      severity: 'high',
      host: 'WKS-1',
      count: 2,
      rule: {
        ref: f.rules.powershell.ref,
        title: 'Encoded PowerShell command',
        author: 'Jane Doe (ClayTom)',
        file: 'rules/test.yml',
        line: 2,
      },
      attack: {
        tactics: [
          { id: 'TA0002', name: 'Execution' },
          { id: 'TA0005', name: 'Stealth' },
        ],
        techniques: ['T1059.001', 'T1027'],
      },
      groupBy: { 'host.name': 'WKS-1', 'user.name': 'alice' },
      eventIds: ['p1', 'p2'],
      eventCount: 2,
      firstSeen: '2026-03-10T09:00:00.000Z',
      lastSeen: '2026-03-10T09:01:00.000Z',
      kind: 'match',
      state: 'new',
    });
    expect((await get<Page>('/alerts', 'analystB')).body.alerts.map((a) => a.id)).toEqual([
      ids['tenant-b/Encoded'],
    ]);
  });

  it('filters with query parameters', async () => {
    expect(await titles('severity=high,low')).toEqual(['LSASS', 'Encoded']);
    expect(await titles('severity=high&severity=critical')).toEqual(['Repeated', 'Encoded']);
    expect(await titles('minSeverity=medium&state=new')).toEqual(['Repeated', 'Whoami', 'Encoded']);
    expect(await titles('kind=correlation')).toEqual(['Repeated']);
    expect(await titles(`rule=${f.rules.lsass.ref}`)).toEqual(['LSASS']);
    expect(await titles('tactic=credential_access')).toEqual(['Repeated', 'LSASS']);
    expect(await titles('tactic=TA0005')).toEqual(['Encoded']);
    expect(await titles('technique=T1059')).toEqual(['Encoded']);
    expect(await titles('technique=T1110.001')).toEqual(['Repeated']);
    expect(await titles('host=wks-1')).toEqual(['Whoami', 'Encoded']);
    expect(await titles('from=2026-03-10T10:00:00Z&to=2026-03-10T12:00:00Z')).toEqual([
      'Whoami',
      'LSASS',
    ]);
    expect(await titles(`from=${String(T0 + 2 * 60 * MINUTE)}`)).toEqual(['Repeated', 'Whoami']);
    // Date math is relative to the server's clock (here the fixture's: T0 + 90 minutes).
    expect(await titles('to=now-60m')).toEqual(['Encoded']);
    expect(await titles('from=now-30m&to=now')).toEqual(['LSASS']);
  });

  it('pages with limit and nextCursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const suffix = cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const { status, body } = await get<Page>(`/alerts?limit=3${suffix}`, 'analyst');
      expect(status).toBe(200);
      seen.push(...body.alerts.map((a) => a.id));
      cursor = body.nextCursor;
    } while (cursor !== undefined);
    expect(seen).toEqual((await get<Page>('/alerts', 'analyst')).body.alerts.map((a) => a.id));
  });

  it('answers 400 problem details naming each bad parameter', async () => {
    const cases: [string, string][] = [
      ['bogus=1', 'query.bogus'],
      ['severity=urgent', 'query.severity.0'],
      ['severity=', 'query.severity'],
      ['minSeverity=informational', 'query.minSeverity'],
      ['state=closed', 'query.state.0'],
      ['kind=rule', 'query.kind.0'],
      ['tactic=evasion', 'query.tactic'],
      ['technique=T1059.1', 'query.technique'],
      ['limit=0', 'query.limit'],
      ['limit=501', 'query.limit'],
      ['from=yesterday', 'query.from'],
      ['cursor=bm90LWEtY3Vyc29y', 'query.cursor'],
    ];
    for (const [query, path] of cases) {
      const { status, type, body } = await get<Problem>(`/alerts?${query}`, 'analyst');
      expect(status, query).toBe(400);
      expect(type).toContain('application/problem+json');
      expect(
        body.errors?.map((e) => e.path),
        query,
      ).toContain(path);
    }
  });
});

describe('GET /alerts/:id', () => {
  it('answers the alert in the caller’s tenant, and 404 for any other', async () => {
    const id = ids['tenant-a/LSASS'] ?? '';
    const { status, body } = await get<View>(`/alerts/${id}`, 'responder');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id,
      rule: { title: 'LSASS access', author: 'John Roe' },
      attack: { tactics: [{ id: 'TA0006', name: 'Credential Access' }], techniques: ['T1003.001'] },
    });
    for (const [path, as] of [
      [`/alerts/${id}`, 'analystB'],
      [`/alerts/${ids['tenant-b/Encoded'] ?? ''}`, 'analyst'],
      ['/alerts/0190c1de-0000-7000-8000-000000000000', 'analyst'],
    ] as const) {
      const missing = await get<Problem>(path, as);
      expect(missing.status, path).toBe(404);
      expect(missing.type).toContain('application/problem+json');
      expect(missing.body.code).toBe('DETECTION_ALERT_NOT_FOUND');
    }
    expect((await get<Problem>(`/alerts/${id}`, 'auditor')).status).toBe(403);
    expect((await get<Problem>(`/alerts/${'x'.repeat(65)}`, 'analyst')).status).toBe(400);
  });
});

describe('the OpenAPI description of the alert routes', () => {
  it('is valid and declares alerts:read', async () => {
    const doc = toOpenApiDocument(
      alertRoutes({ store: createRelationalAlertStore({ store }), clock: f.clock }),
      { title: 'alerts', version: '0' },
      {},
    ) as { paths: Record<string, Record<string, { 'x-permission'?: string }>> };
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(doc.paths['/alerts']?.get?.['x-permission']).toBe('alerts:read');
    expect(doc.paths['/alerts/{id}']?.get?.['x-permission']).toBe('alerts:read');
  });
});
