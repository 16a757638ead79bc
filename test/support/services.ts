import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** True when running in CI: required services and corpora must be present, never skipped. */
export const isCI = process.env.CI === 'true';

/** Availability of something a test needs: either usable, or a reason it is not. */
export type Availability<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/**
 * Resolves an availability for `describe.skipIf`: outside CI an unavailable dependency skips
 * the suite with its reason printed; with CI=true it fails the run instead.
 */
export function requireOrSkip<T>(what: string, availability: Availability<T>): T | undefined {
  if (availability.ok) return availability.value;
  const message = `${what} unavailable: ${availability.reason}`;
  if (isCI) throw new Error(`${message} (CI=true requires it)`);
  console.warn(`SKIPPED — ${message}`);
  return undefined;
}

export const postgresUrl =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function probePostgres(url = postgresUrl): Promise<Availability<string>> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true, value: url };
  } catch (err) {
    return {
      ok: false,
      reason: `PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')}: ${(err as Error).message}`,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function probeRedis(url = redisUrl): Promise<Availability<string>> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return { ok: true, value: url };
  } catch (err) {
    return { ok: false, reason: `Redis at ${url}: ${(err as Error).message}` };
  } finally {
    redis.disconnect();
  }
}

/** Creates a fresh schema for one test run; the returned function drops it. */
export async function createFreshSchema(
  url: string,
  prefix = 'secops_t',
): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
  return {
    schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The repository root (where package.json is). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `../shared/testdata/<name>` beside the repository, or why it is missing. */
export function sharedTestdata(name: string): Availability<string> {
  const dir = join(repoRoot, '..', 'shared', 'testdata', name);
  return existsSync(dir) ? { ok: true, value: dir } : { ok: false, reason: `${dir} is not there` };
}
