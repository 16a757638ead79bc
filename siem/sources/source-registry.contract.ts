import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../platform/clock/index.ts';
import { createIdGenerator } from '../../platform/ids/index.ts';
import { DEFAULT_TENANT } from '../../platform/identity/index.ts';
import { sql } from '../../platform/storage/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import { siemMigrations } from './migrations.ts';
import { createSourceRegistry } from './source-registry.ts';
import type { SourceRegistry } from './source-registry.ts';

/**
 * Ingest sources and their tenants on a relational store (each dialect runs it): names are unique
 * per tenant, a token authenticates its own source with its tenant, and a store migrated from
 * before tenancy keeps its sources in the default tenant. `make` returns an empty store.
 */
export function describeSourceRegistryContract(
  name: string,
  make: () => Promise<RelationalStore>,
): void {
  describe(`source registry: ${name}`, () => {
    let store: RelationalStore;
    let sources: SourceRegistry;
    let oldToken: string;

    beforeAll(async () => {
      store = await make();
      // A store from before tenancy: the first migration, and a source written as it wrote them.
      await store.migrate(siemMigrations.slice(0, 1));
      oldToken = 'sct_from-before-tenancy-000000000000000000000000';
      await store.execute(
        sql`INSERT INTO siem_sources (id, name, parser, token_hash, token_hint, enabled, created_at) VALUES (${'old-id'}, ${'fw'}, ${'cef'}, ${createHash('sha256').update(oldToken).digest('hex')}, ${'0000'}, ${1}, ${1})`,
      );
      await store.migrate(siemMigrations);
      const clock = createManualClock(Date.UTC(2026, 2, 10));
      sources = createSourceRegistry({ store, clock, ids: createIdGenerator(clock) });
    });
    afterAll(async () => {
      await store.close();
    });

    it('keeps the sources of before tenancy in the default tenant, tokens included', async () => {
      expect(await sources.byName('fw')).toMatchObject({
        id: 'old-id',
        tenantId: DEFAULT_TENANT,
        parser: 'cef',
      });
      expect(await sources.authenticate(oldToken)).toMatchObject({
        id: 'old-id',
        tenantId: DEFAULT_TENANT,
      });
    });

    it('creates sources in the default tenant unless told, a name unique per tenant', async () => {
      const plain = await sources.create('edge');
      expect(plain.source.tenantId).toBe(DEFAULT_TENANT);
      const theirs = await sources.create('edge', 'json', 'beta');
      expect(theirs.source).toMatchObject({ tenantId: 'beta', name: 'edge', parser: 'json' });
      await expect(sources.create('edge', 'auto', 'beta')).rejects.toMatchObject({
        code: 'SIEM_SOURCE_EXISTS',
      });
      await expect(sources.create('fw')).rejects.toMatchObject({ code: 'SIEM_SOURCE_EXISTS' });
      await expect(sources.create('x', 'auto', 'Not A Tenant')).rejects.toMatchObject({
        code: 'SIEM_INVALID_REQUEST',
      });

      expect((await sources.authenticate(plain.token)).tenantId).toBe(DEFAULT_TENANT);
      expect((await sources.authenticate(theirs.token)).tenantId).toBe('beta');
      expect((await sources.byName('edge', 'beta'))?.id).toBe(theirs.source.id);
      expect((await sources.byName('edge'))?.id).toBe(plain.source.id);
      expect(await sources.byName('fw', 'beta')).toBeUndefined();
      expect((await sources.list('beta')).map((s) => s.name)).toEqual(['edge']);
      expect((await sources.list()).map((s) => `${s.tenantId}/${s.name}`)).toEqual([
        'beta/edge',
        'default/edge',
        'default/fw',
      ]);
    });

    it('rotates and disables a source inside its own tenant only', async () => {
      const { token } = await sources.create('rot', 'auto', 'beta');
      await expect(sources.rotate('rot')).rejects.toMatchObject({ code: 'SIEM_SOURCE_NOT_FOUND' });
      await expect(sources.setEnabled('rot', false)).rejects.toMatchObject({
        code: 'SIEM_SOURCE_NOT_FOUND',
      });
      expect((await sources.authenticate(token)).name).toBe('rot');
      const next = await sources.rotate('rot', 'beta');
      await expect(sources.authenticate(token)).rejects.toMatchObject({
        code: 'SIEM_UNKNOWN_SOURCE',
      });
      await sources.setEnabled('rot', false, 'beta');
      await expect(sources.authenticate(next)).rejects.toMatchObject({
        code: 'SIEM_SOURCE_DISABLED',
      });
    });
  });
}
