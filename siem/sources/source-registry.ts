import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../platform/clock/index.ts';
import { DEFAULT_TENANT } from '../../platform/identity/index.ts';
import type { IdGenerator } from '../../platform/ids/index.ts';
import { PlatformError } from '../../platform/errors/index.ts';
import { sql } from '../../platform/storage/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import { SiemError } from '../errors.ts';
import type { IngestSource } from '../ingest/ingest-pipeline.ts';
import type { ParserId } from '../parsers/index.ts';

/** An ingest source as listed: never its token, only the last characters to recognise it. */
export interface SourceRecord extends IngestSource {
  readonly enabled: boolean;
  readonly tokenHint: string;
  readonly createdAt: number;
  readonly rotatedAt: number | null;
}

/** Ingest tokens look like `sct_<43 chars>`; the prefix lets secret scanners recognise a leaked one. */
export const TOKEN_PREFIX = 'sct_';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Tenant ids as the platform defines them (platform/access). */
const TENANT = /^[a-z0-9][a-z0-9-]{0,62}$/;
const CACHE_MS = 10_000;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

interface Row {
  id: string;
  tenant_id: string;
  name: string;
  parser: string;
  token_hash: string;
  token_hint: string;
  enabled: number;
  created_at: number;
  rotated_at: number | null;
}

function toRecord(row: Row): SourceRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    parser: row.parser as ParserId,
    enabled: row.enabled === 1,
    tokenHint: row.token_hint,
    createdAt: row.created_at,
    rotatedAt: row.rotated_at,
  };
}

function checkTenant(tenantId: string): void {
  if (!TENANT.test(tenantId))
    throw new SiemError(
      'SIEM_INVALID_REQUEST',
      'a tenant id is 1–63 lower-case letters, digits or dashes',
    );
}

/**
 * The ingest sources and their tokens. Each source belongs to one tenant (the default one unless
 * named), and a name is unique within its tenant. The tenant of every event ingested through a
 * source is the source's. Tokens are random (256 bits) and stored only as SHA-256 hashes; a token
 * is shown once, when created or rotated.
 */
export function createSourceRegistry(deps: {
  store: RelationalStore;
  clock: Clock;
  ids: IdGenerator;
}) {
  const cache = new Map<string, { source: SourceRecord | undefined; until: number }>();

  const newToken = (): { token: string; hash: string; hint: string } => {
    const token = TOKEN_PREFIX + deps.ids.token(32);
    return { token, hash: hashToken(token), hint: token.slice(-4) };
  };

  return {
    async create(
      name: string,
      parser: ParserId = 'auto',
      tenantId: string = DEFAULT_TENANT,
    ): Promise<{ source: SourceRecord; token: string }> {
      if (!NAME.test(name)) {
        throw new SiemError(
          'SIEM_INVALID_REQUEST',
          'a source name is 1–64 lower-case letters, digits, dots, dashes or underscores',
        );
      }
      checkTenant(tenantId);
      const { token, hash, hint } = newToken();
      const id = deps.ids.uuidv7();
      const now = deps.clock.now();
      try {
        await deps.store.execute(
          sql`INSERT INTO siem_sources (id, tenant_id, name, parser, token_hash, token_hint, enabled, created_at) VALUES (${id}, ${tenantId}, ${name}, ${parser}, ${hash}, ${hint}, ${1}, ${now})`,
        );
      } catch (err) {
        if (err instanceof PlatformError && err.code === 'STORAGE_CONFLICT') {
          throw new SiemError(
            'SIEM_SOURCE_EXISTS',
            `a source named ${name} already exists in tenant ${tenantId}`,
            { cause: err },
          );
        }
        throw err;
      }
      return {
        source: {
          id,
          tenantId,
          name,
          parser,
          enabled: true,
          tokenHint: hint,
          createdAt: now,
          rotatedAt: null,
        },
        token,
      };
    },

    /** The sources of one tenant, or of every tenant (for the operator) when none is named. */
    async list(tenantId?: string): Promise<SourceRecord[]> {
      const rows = await deps.store.query<Row & Record<string, unknown>>(
        tenantId === undefined
          ? sql`SELECT * FROM siem_sources ORDER BY tenant_id, name`
          : sql`SELECT * FROM siem_sources WHERE tenant_id = ${tenantId} ORDER BY name`,
      );
      return rows.map(toRecord);
    },

    async byName(
      name: string,
      tenantId: string = DEFAULT_TENANT,
    ): Promise<SourceRecord | undefined> {
      const row = await deps.store.queryOne<Row & Record<string, unknown>>(
        sql`SELECT * FROM siem_sources WHERE tenant_id = ${tenantId} AND name = ${name}`,
      );
      return row ? toRecord(row) : undefined;
    },

    async setEnabled(
      name: string,
      enabled: boolean,
      tenantId: string = DEFAULT_TENANT,
    ): Promise<void> {
      const { rowCount } = await deps.store.execute(
        sql`UPDATE siem_sources SET enabled = ${enabled} WHERE tenant_id = ${tenantId} AND name = ${name}`,
      );
      if (rowCount === 0)
        throw new SiemError(
          'SIEM_SOURCE_NOT_FOUND',
          `no source named ${name} in tenant ${tenantId}`,
        );
      cache.clear();
    },

    /** Issues a new token; the old one stops working at once. */
    async rotate(name: string, tenantId: string = DEFAULT_TENANT): Promise<string> {
      const { token, hash, hint } = newToken();
      const { rowCount } = await deps.store.execute(
        sql`UPDATE siem_sources SET token_hash = ${hash}, token_hint = ${hint}, rotated_at = ${deps.clock.now()} WHERE tenant_id = ${tenantId} AND name = ${name}`,
      );
      if (rowCount === 0)
        throw new SiemError(
          'SIEM_SOURCE_NOT_FOUND',
          `no source named ${name} in tenant ${tenantId}`,
        );
      cache.clear();
      return token;
    },

    /**
     * The enabled source a token belongs to, with its tenant. Throws `SIEM_UNKNOWN_SOURCE` for an unknown token
     * and `SIEM_SOURCE_DISABLED` for a disabled source. Answers are cached for a few seconds.
     */
    async authenticate(token: string): Promise<SourceRecord> {
      const hash = hashToken(token);
      const now = deps.clock.now();
      let entry = cache.get(hash);
      if (!entry || entry.until < now) {
        const row = await deps.store.queryOne<Row & Record<string, unknown>>(
          sql`SELECT * FROM siem_sources WHERE token_hash = ${hash}`,
        );
        // The lookup is by hash; compare again in constant time as defence in depth.
        const source =
          row && timingSafeEqual(Buffer.from(row.token_hash), Buffer.from(hash))
            ? toRecord(row)
            : undefined;
        entry = { source, until: now + CACHE_MS };
        if (cache.size > 10_000) cache.clear();
        cache.set(hash, entry);
      }
      if (!entry.source) throw new SiemError('SIEM_UNKNOWN_SOURCE', 'unknown ingest token');
      if (!entry.source.enabled)
        throw new SiemError('SIEM_SOURCE_DISABLED', `source ${entry.source.name} is disabled`);
      return entry.source;
    },
  };
}

export type SourceRegistry = ReturnType<typeof createSourceRegistry>;
