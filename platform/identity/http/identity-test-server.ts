import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createManualClock } from '../../clock/index.ts';
import type { ManualClock } from '../../clock/index.ts';
import { buildRouter } from '../../http/index.ts';
import { createIdGenerator } from '../../ids/index.ts';
import { createSqliteRelationalStore } from '../../storage/index.ts';
import type { RelationalStore } from '../../storage/index.ts';
import type { AuthEvent } from '../auth-events.ts';
import {
  createApiTokens,
  createAuthenticator,
  createIdentity,
  identityMigrations,
} from '../index.ts';
import type { ApiTokens, Identity, IdentityDeps } from '../index.ts';
import { identityRoutes } from './identity-routes.ts';
import { problemHandler } from '../../../test/support/problem-handler.ts';

/** For tests: scrypt at a cost that keeps suites fast (production uses ln=15 or more). */
export const FAST_SCRYPT = { ln: 10, r: 8, p: 1 } as const;

export interface TestIdentity {
  readonly identity: Identity;
  readonly store: RelationalStore;
  readonly clock: ManualClock;
  readonly apiTokens: ApiTokens;
  readonly events: AuthEvent[];
  readonly keyEncryptionKey: Buffer;
}

/**
 * An identity over a migrated store (a fresh in-memory SQLite unless given), with a manual clock
 * and every auth event collected.
 */
export async function createTestIdentity(
  options: {
    readonly store?: RelationalStore;
    readonly clock?: ManualClock;
    readonly overrides?: Partial<IdentityDeps>;
  } = {},
): Promise<TestIdentity> {
  const store = options.store ?? createSqliteRelationalStore({ path: ':memory:' });
  await store.migrate(identityMigrations);
  const clock = options.clock ?? createManualClock(Date.now());
  const ids = createIdGenerator(clock);
  const events: AuthEvent[] = [];
  const keyEncryptionKey = randomBytes(32);
  const identity = createIdentity({
    store,
    clock,
    ids,
    issuer: 'https://secops.test',
    audience: 'claytom-secops-api',
    keyEncryptionKey,
    scrypt: FAST_SCRYPT,
    onAuthEvent: (event) => {
      events.push(event);
    },
    ...options.overrides,
  });
  return {
    identity,
    store,
    clock,
    apiTokens: createApiTokens({ store, clock, ids }),
    events,
    keyEncryptionKey,
  };
}

/**
 * The identity routes through `buildRouter`, with a minimal error handler mapping domain error
 * kinds to statuses (as `api/` does, which platform may not import).
 */
export function createIdentityApp(test: TestIdentity): express.Express {
  const app = express();
  app.use(
    buildRouter(identityRoutes(test.identity), {
      authenticate: createAuthenticator({
        apiTokens: test.apiTokens,
        verifyAccessToken: test.identity.verifyAccessToken,
      }),
      defaultBodyLimit: 64 * 1024,
    }),
  );
  app.use(problemHandler);
  return app;
}

/** A loopback HTTP server whose handler is set after it listens (its URL is needed first). */
export interface LoopbackServer {
  readonly url: string;
  handle(handler: RequestListener): void;
  close(): Promise<void>;
}

export async function listenOnLoopback(): Promise<LoopbackServer> {
  let current: RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => {
    current(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    handle: (handler) => {
      current = handler;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Serves `createIdentityApp` on a free loopback port. */
export async function startIdentityServer(test: TestIdentity): Promise<LoopbackServer> {
  const server = await listenOnLoopback();
  server.handle(createIdentityApp(test));
  return server;
}
