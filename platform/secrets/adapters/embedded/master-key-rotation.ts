import { sql } from '../../../storage/index.ts';
import type { RelationalStore } from '../../../storage/index.ts';
import { rewrapDataKey } from './envelope.ts';
import type { MasterKeyring } from './master-keyring.ts';
import { toBytes } from './secret-rows.ts';

/** What a master key rotation did. */
export interface MasterKeyRotationReport {
  /** The master key every data key is now wrapped under. */
  readonly masterKeyId: string;
  /** Data keys re-wrapped by this rotation. */
  readonly rewrapped: number;
}

const BATCH = 500;

interface WrappedRow {
  [column: string]: unknown;
  tenant_id: string;
  path: string;
  version: number;
  master_key_id: string;
  wrap_nonce: Uint8Array;
  wrapped_key: Uint8Array;
}

/**
 * Re-wraps, in one transaction, every data key not yet under `ring.current`. Ciphertexts and
 * nonces of values are not read or written. Any key that fails to unwrap aborts the whole
 * rotation, so the database is never left half-rotated.
 */
export async function rewrapAll(
  db: RelationalStore,
  ring: MasterKeyring,
): Promise<MasterKeyRotationReport> {
  const target = ring.current.id;
  const rewrapped = await db.transaction(async (tx) => {
    let count = 0;
    for (;;) {
      // Rows re-wrapped in this transaction leave the filter, so each batch is new work.
      const rows = await tx.query<WrappedRow>(sql`
        SELECT tenant_id, path, version, master_key_id, wrap_nonce, wrapped_key
        FROM secrets_versions
        WHERE destroyed = 0 AND master_key_id <> ${target}
        ORDER BY tenant_id, path, version
        LIMIT ${BATCH}`);
      if (rows.length === 0) return count;
      for (const row of rows) {
        const binding = { tenantId: row.tenant_id, path: row.path, version: row.version };
        const next = rewrapDataKey(
          {
            masterKeyId: row.master_key_id,
            wrapNonce: toBytes(row.wrap_nonce),
            wrappedKey: toBytes(row.wrapped_key),
          },
          binding,
          ring,
        );
        await tx.execute(sql`
          UPDATE secrets_versions
          SET master_key_id = ${next.masterKeyId}, wrap_nonce = ${next.wrapNonce},
            wrapped_key = ${next.wrappedKey}
          WHERE tenant_id = ${row.tenant_id} AND path = ${row.path} AND version = ${row.version}
            AND master_key_id = ${row.master_key_id}`);
        count++;
      }
    }
  });
  return { masterKeyId: target, rewrapped };
}
