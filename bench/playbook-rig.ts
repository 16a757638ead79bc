/**
 * The parts `bench:playbooks` measures, built as the app builds them: a relational store (a
 * fresh SQLite file in WAL mode with `synchronous = FULL`, the app's default durability, or a
 * fresh PostgreSQL schema) migrated for alerts, soar and the queue; a job queue (the embedded
 * jobs table, or BullMQ on Redis under a fresh key prefix); and a playbook runner over them.
 * Every rig is torn down completely afterwards: its file, its schema or its Redis keys.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { alertMigrations, createRelationalAlertStore } from '../detections/index.ts';
import type { Alert, AlertStore } from '../detections/index.ts';
import { systemClock } from '../platform/clock/index.ts';
import { createIdGenerator } from '../platform/ids/index.ts';
import type { IdGenerator } from '../platform/ids/index.ts';
import {
  createBullmqJobQueue,
  createRelationalJobQueue,
  queueMigrations,
} from '../platform/queue/index.ts';
import type { JobQueue } from '../platform/queue/index.ts';
import {
  createPostgresRelationalStore,
  createSqliteRelationalStore,
} from '../platform/storage/index.ts';
import type { RelationalStore } from '../platform/storage/index.ts';
import {
  createPlaybookRunner,
  createRelationalRunStore,
  parsePlaybook,
  soarMigrations,
} from '../soar/index.ts';
import type { ActionCatalog, PlaybookRunner, RunStore } from '../soar/index.ts';
import { createFreshSchema } from '../test/support/services.ts';

export const CONFIGS = ['embedded', 'bullmq', 'postgres'] as const;
export type ConfigName = (typeof CONFIGS)[number];

export function configLabel(config: ConfigName, durability: 'full' | 'normal'): string {
  const sqlite = `SQLite file (WAL, synchronous ${durability.toUpperCase()})`;
  switch (config) {
    case 'embedded':
      return `embedded: ${sqlite} + jobs-table queue`;
    case 'bullmq':
      return `BullMQ: ${sqlite} for run state + BullMQ on Redis`;
    case 'postgres':
      return 'PostgreSQL: fresh schema (pool of 10) + jobs-table queue';
  }
}

export const TENANT = 'tenant-bench';

export interface Endpoints {
  readonly redis: string;
  readonly postgres: string;
  /** Of the SQLite file: `full` (the app's default) fsyncs every commit. */
  readonly durability: 'full' | 'normal';
}

/** A migrated store and a queue on a fresh namespace; `close` removes every trace. */
export interface Backend {
  readonly store: RelationalStore;
  readonly queue: JobQueue;
  readonly close: () => Promise<void>;
}

/** Deletes every Redis key under `<prefix>:`. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

export const freshPrefix = (): string => `secops:bench:${randomBytes(6).toString('hex')}`;

async function sqliteStore(
  durability: 'full' | 'normal',
): Promise<{ store: RelationalStore; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'secops-bench-playbooks-'));
  // As app/infrastructure.ts openRelationalStore opens it.
  const store = createSqliteRelationalStore({ path: join(dir, 'state.db'), durability });
  await store.migrate([...alertMigrations, ...soarMigrations, ...queueMigrations]);
  return { store, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function openBackend(config: ConfigName, endpoints: Endpoints): Promise<Backend> {
  if (config === 'postgres') {
    const { schema, drop } = await createFreshSchema(endpoints.postgres, 'secops_bench');
    const store = createPostgresRelationalStore({ url: endpoints.postgres, schema, poolSize: 10 });
    await store.migrate([...alertMigrations, ...soarMigrations, ...queueMigrations]);
    const queue = createRelationalJobQueue({ store });
    return {
      store,
      queue,
      close: async () => {
        await queue.close();
        await store.close();
        await drop();
      },
    };
  }
  const { store, remove } = await sqliteStore(endpoints.durability);
  if (config === 'embedded') {
    const queue = createRelationalJobQueue({ store });
    return {
      store,
      queue,
      close: async () => {
        await queue.close();
        await store.close();
        remove();
      },
    };
  }
  const prefix = freshPrefix();
  const queue = createBullmqJobQueue({ url: endpoints.redis, prefix });
  return {
    store,
    queue,
    close: async () => {
      await queue.close();
      await store.close();
      remove();
      await deleteKeys(endpoints.redis, prefix);
    },
  };
}

/** A backend with a playbook runner on it, its workers started. */
export interface Rig extends Backend {
  readonly runner: PlaybookRunner;
  readonly runs: RunStore;
  readonly alerts: AlertStore;
  readonly ids: IdGenerator;
  /** Saves a playbook (YAML) as version 1 for the bench's tenant. */
  readonly save: (text: string) => Promise<void>;
}

export async function openRig(
  config: ConfigName,
  endpoints: Endpoints,
  catalog: ActionCatalog,
  concurrency: number,
): Promise<Rig> {
  const backend = await openBackend(config, endpoints);
  const runs = createRelationalRunStore(backend.store);
  const ids = createIdGenerator();
  const runner = createPlaybookRunner({
    relational: backend.store,
    runs,
    queue: backend.queue,
    catalog,
    clock: systemClock,
    ids,
    readSecret: (_tenant, path) => Promise.reject(new Error(`no secret ${path}`)),
    redact: (text) => text,
    concurrency: { default: concurrency },
    onError: (error, where) => {
      console.error(`runner error (${where}):`, error);
    },
  });
  runner.startWorkers();
  return {
    ...backend,
    runner,
    runs,
    alerts: createRelationalAlertStore({ store: backend.store }),
    ids,
    save: async (text) => {
      const definition = parsePlaybook({ name: 'bench.yaml', text }, catalog);
      await runs.savePlaybook({
        tenantId: TENANT,
        id: definition.id,
        version: 1,
        definition,
        source: text,
        createdAt: Date.now(),
        createdBy: 'bench',
      });
      runner.invalidate(TENANT);
    },
    close: async () => {
      await runner.close();
      await backend.close();
    },
  };
}

/** A high-severity Sigma match alert about a host of its own, as the detection relay opens one. */
export function benchAlert(id: string, now: number): Alert {
  return {
    id,
    tenantId: TENANT,
    kind: 'match',
    state: 'new',
    ruleRef: 'rule-bench',
    ruleTitle: 'Bench rule',
    ruleAuthor: 'ClayTom SecOps',
    ruleFile: 'bench/bench.yml',
    ruleLine: 1,
    level: 'high',
    severity: 'high',
    tactics: [],
    techniques: ['T1059.001'],
    groupKey: `group-${id}`,
    groupBy: { 'host.name': `host-${id}` },
    host: `host-${id}`,
    eventIds: [],
    eventCount: 0,
    count: 0,
    firstSeen: now,
    lastSeen: now,
    createdAt: now,
    updatedAt: now,
    observables: [],
  };
}

/**
 * Opens an alert as the detection relay does (the alert upsert) and calls the runner in the
 * same unit of work. Resolves with `performance.now()` at the moment the unit of work committed.
 */
export async function openAlert(rig: Rig, alert: Alert): Promise<number> {
  let committedAt = NaN;
  await rig.store.unitOfWork(async () => {
    // Registered first, so it runs first of the commit hooks (before the runner's enqueue).
    rig.store.onCommit(() => {
      committedAt = performance.now();
    });
    const applied = await rig.alerts.applyUpserts([
      {
        op: 'open',
        alert,
        windowEnd: alert.firstSeen + 600_000,
        occurrences: [
          {
            key: `e:${alert.id}`,
            eventIds: [`event-${alert.id}`],
            firstSeen: alert.firstSeen,
            lastSeen: alert.firstSeen,
            observables: [],
          },
        ],
      },
    ]);
    await rig.runner.onAlertsOpened(
      applied.flatMap((result) => (result.status === 'opened' ? [result.alert] : [])),
    );
  });
  return committedAt;
}
