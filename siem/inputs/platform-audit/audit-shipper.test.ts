import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  auditMigrations,
  createAuditLog,
  generateAuditKeys,
} from '../../../platform/audit/index.ts';
import type { AuditLog } from '../../../platform/audit/index.ts';
import { createManualClock } from '../../../platform/clock/index.ts';
import type { ManualClock } from '../../../platform/clock/index.ts';
import { createIdGenerator } from '../../../platform/ids/index.ts';
import { createLogger } from '../../../platform/logging/index.ts';
import { createMetrics } from '../../../platform/metrics/index.ts';
import { createSecretScanner } from '../../../platform/redaction/index.ts';
import { createSqliteRelationalStore, sql } from '../../../platform/storage/index.ts';
import type { RelationalStore } from '../../../platform/storage/index.ts';
import { createSqliteEventStore } from '../../adapters/sqlite/sqlite-event-store.ts';
import type { EventStore } from '../../events/event-store.ts';
import { createIngestPipeline } from '../../ingest/ingest-pipeline.ts';
import type { IngestPipeline } from '../../ingest/ingest-pipeline.ts';
import { parseKql } from '../../search/kql/index.ts';
import { siemMigrations } from '../../sources/migrations.ts';
import { AUDIT_DATASET, auditEventId, createAuditShipper } from './audit-shipper.ts';
import type { AuditShipper } from './audit-shipper.ts';

// The platform's audit log shipped into the event stream: a real audit log and relational store,
// the real ingest pipeline over a real SQLite event store.

const T0 = Date.UTC(2026, 10, 20, 13);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Rig {
  readonly clock: ManualClock;
  readonly relational: RelationalStore;
  readonly audit: AuditLog;
  readonly shipper: AuditShipper;
  /** The event store the pipeline writes to (closed: every ingest fails). */
  readonly events: EventStore;
  /** Opens the event store again (after the test closed it). */
  reopenEvents(): Promise<void>;
  append(count: number, tenantId?: string, action?: string): Promise<void>;
  stored(tenantId: string): Promise<Record<string, unknown>[]>;
}

async function rig(pageSize = 500): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'audit-ship-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const clock = createManualClock(T0);
  const relational = createSqliteRelationalStore({ path: join(dir, 'state.db') });
  await relational.migrate(auditMigrations);
  await relational.migrate(siemMigrations);
  const keys = generateAuditKeys();
  const audit = createAuditLog({
    store: relational,
    signer: { keyName: 'secops.test/audit', privateKey: keys.signingKey },
    hmacKey: keys.hmacKey,
    clock,
    origin: 'secops.test/audit',
  });
  const openEvents = () =>
    createSqliteEventStore({
      path: join(dir, 'events.db'),
      threads: false,
      durability: 'normal',
      clock,
    });
  const logger = createLogger({ level: 'silent' });
  const metrics = createMetrics({ defaultMetrics: false });
  const pipelineOver = (store: EventStore): IngestPipeline =>
    createIngestPipeline({
      store,
      scanner: createSecretScanner(),
      clock,
      ids: createIdGenerator(clock),
      metrics: createMetrics({ defaultMetrics: false }),
      logger,
      maxEventBytes: 64 * 1024,
    });
  let seq = 0;
  const state = { events: await openEvents() };
  const shipper = createAuditShipper({
    audit,
    // The pipeline over whichever event store the test has open.
    pipeline: { ingest: (items, options) => pipelineOver(state.events).ingest(items, options) },
    relational,
    clock,
    logger,
    metrics,
    pageSize,
  });
  cleanups.push(async () => {
    await shipper.stop();
    await state.events.close().catch(() => undefined);
    await relational.close();
  });
  return {
    clock,
    relational,
    audit,
    shipper,
    get events() {
      return state.events;
    },
    async reopenEvents() {
      state.events = await openEvents();
    },
    async append(count, tenantId = 'acme', action = 'secrets.read') {
      await relational.transaction(async (tx) => {
        for (let i = 0; i < count; i++) {
          seq++;
          clock.advance(1000);
          await audit.append(tx, {
            actor: { id: 'agent-7', kind: 'agent', name: 'soar-runner' },
            tenantId,
            action,
            resource: { type: 'secret', id: `prod/db-${String(seq)}` },
            outcome: seq % 4 === 0 ? 'denied' : 'success',
            requestId: `req-${String(seq)}`,
            sourceAddress: '10.20.0.15',
            sensitive: { username: `ada-${String(seq)}` },
          });
        }
      });
    },
    async stored(tenantId) {
      const result = await state.events.search(tenantId, {
        query: parseKql(`event.dataset:${AUDIT_DATASET}`),
        size: 1000,
        sort: 'asc',
      });
      return result.hits.map((hit) => ({ ...hit.doc, _id: hit.id }));
    },
  };
}

describe('the audit shipper', () => {
  it('copies each record into its tenant’s event stream, in order, with the rule-facing shape', async () => {
    const r = await rig();
    await r.append(3, 'acme');
    await r.append(2, 'beta', 'rbac.role.create');
    expect(await r.shipper.ship()).toBe(5);
    expect(await r.shipper.position()).toBe(5);

    const acme = await r.stored('acme');
    expect(acme.map((doc) => doc.seq)).toEqual([1, 2, 3]);
    expect(acme[0]).toMatchObject({
      _id: auditEventId(1),
      '@timestamp': new Date(T0 + 1000).toISOString(),
      action: 'secrets.read',
      actor: { id: 'agent-7', kind: 'agent', name: 'soar-runner' },
      tenantId: 'acme',
      resource: { type: 'secret', id: 'prod/db-1' },
      outcome: 'success',
      requestId: 'req-1',
      event: {
        module: 'claytom',
        dataset: 'claytom.audit',
        action: 'secrets.read',
        outcome: 'success',
        sequence: 1,
      },
    });
    // The audit log's hashes stay in the audit log; sensitive values are HMACs there and here.
    expect(acme[0]).not.toHaveProperty('leafHash');
    const sensitive = (acme[0] as { sensitive: { username: string } }).sensitive.username;
    expect(sensitive).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(acme)).not.toContain('ada-1');

    const beta = await r.stored('beta');
    expect(beta.map((doc) => [doc.seq, doc.action, doc.tenantId])).toEqual([
      [4, 'rbac.role.create', 'beta'],
      [5, 'rbac.role.create', 'beta'],
    ]);
    // A refusal is an ECS failure; the record's own outcome is kept.
    expect(beta.find((doc) => doc.seq === 4)).toMatchObject({
      outcome: 'denied',
      event: { outcome: 'failure' },
    });
  });

  it('ships only what is new, over several pages, from the saved position', async () => {
    const r = await rig(4);
    await r.append(10);
    expect(await r.shipper.ship()).toBe(10);
    expect(await r.shipper.ship()).toBe(0);
    await r.append(3);
    expect(await r.shipper.ship()).toBe(3);
    expect((await r.stored('acme')).map((doc) => doc.seq)).toEqual(
      Array.from({ length: 13 }, (_, i) => i + 1),
    );
  });

  it('stores nothing twice when a page is shipped again (a crash before the position was saved)', async () => {
    const r = await rig();
    await r.append(6);
    await r.shipper.ship();
    // As if the process stopped after storing the events but before saving its position.
    await r.relational.execute(sql`UPDATE siem_input_positions SET position = 2`);
    expect(await r.shipper.position()).toBe(2);
    await r.append(1);
    expect(await r.shipper.ship()).toBe(5);
    expect((await r.stored('acme')).map((doc) => doc.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps its position while the event store fails, and ships everything once it is back', async () => {
    const r = await rig();
    await r.append(4);
    await r.events.close();
    await expect(r.shipper.ship()).rejects.toThrow(/overloaded/);
    expect(await r.shipper.position()).toBe(0);
    await r.append(2);
    await r.reopenEvents();
    expect(await r.shipper.ship()).toBe(6);
    expect((await r.stored('acme')).map((doc) => doc.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('joins concurrent calls into one run that goes round again', async () => {
    const r = await rig();
    await r.append(2);
    const first = r.shipper.ship();
    const second = r.shipper.ship();
    expect(second).toBe(first);
    expect(await first).toBe(2);
    expect(await r.shipper.position()).toBe(2);
  });
});
