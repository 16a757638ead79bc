import { sql } from '../../../storage/index.ts';
import type { SqlExecutor } from '../../../storage/index.ts';
import type { SecretVersionMeta } from '../../secret-store.ts';

/** A `secrets_versions` row as both dialects return it (blobs as Uint8Array or Buffer). */
export interface VersionRow {
  [column: string]: unknown;
  version: number;
  created_at: number;
  deleted_at: number | null;
  destroyed: number;
  master_key_id?: string | null;
  wrap_nonce?: Uint8Array | null;
  wrapped_key?: Uint8Array | null;
  nonce?: Uint8Array | null;
  ciphertext?: Uint8Array | null;
}

/** Reads a path's row, locking it on PostgreSQL so every writer of one path queues in one order. */
export async function lockPath(
  tx: SqlExecutor,
  tenantId: string,
  path: string,
): Promise<{ current_version: number } | undefined> {
  return tx.queryOne<{ current_version: number }>(sql`
    SELECT current_version FROM secrets_paths WHERE tenant_id = ${tenantId} AND path = ${path}
    ${sql.dialect({ sqlite: sql``, postgres: sql`FOR UPDATE` })}`);
}

/** The version metadata of a row. */
export function toVersionMeta(row: VersionRow): SecretVersionMeta {
  const base = {
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    destroyed: row.destroyed === 1,
  };
  return row.deleted_at === null
    ? base
    : { ...base, deletedAt: new Date(row.deleted_at).toISOString() };
}

/** A blob column as bytes; a NULL (destroyed) column as no bytes, which never decrypts. */
export function toBytes(value: Uint8Array | null | undefined): Uint8Array {
  return value ?? new Uint8Array(0);
}
