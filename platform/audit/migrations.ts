import type { Migration } from '../storage/index.ts';

const ZERO_HASH = '0'.repeat(64);

// Shared by both dialects: BIGINT for sequence numbers and epoch milliseconds.
const tables = `
  CREATE TABLE audit_records (
    seq BIGINT PRIMARY KEY,
    time_ms BIGINT NOT NULL,
    tenant_id TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT,
    outcome TEXT NOT NULL,
    request_id TEXT,
    source_address TEXT,
    user_agent TEXT,
    record_json TEXT NOT NULL,
    leaf_hash TEXT NOT NULL,
    chain_hash TEXT NOT NULL
  );
  CREATE INDEX audit_records_tenant ON audit_records (tenant_id, seq);
  CREATE INDEX audit_records_actor ON audit_records (actor_id, seq);
  CREATE INDEX audit_records_action ON audit_records (action, seq);
  CREATE INDEX audit_records_resource ON audit_records (resource_type, resource_id, seq);
  CREATE INDEX audit_records_time ON audit_records (time_ms, seq);
  CREATE TABLE audit_checkpoints (
    tree_size BIGINT PRIMARY KEY,
    root_hash TEXT NOT NULL,
    note TEXT NOT NULL,
    compact_range TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    chain_hash TEXT NOT NULL
  );
  INSERT INTO audit_head (id, seq, chain_hash) VALUES (1, 0, '${ZERO_HASH}');
`;

/**
 * Tables of the audit log (module `audit`). Records and checkpoints are append-only: triggers
 * refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL). `audit_head` is the one mutable row,
 * locked by every append to serialise sequence numbers.
 */
export const auditMigrations: readonly Migration[] = [
  {
    module: 'audit',
    id: '0001',
    name: 'append-only audit records and signed checkpoints',
    up: {
      sqlite: `${tables}
        CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
          BEGIN SELECT RAISE(ABORT, 'audit_records is append-only: UPDATE refused'); END;
        CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
          BEGIN SELECT RAISE(ABORT, 'audit_records is append-only: DELETE refused'); END;
        CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
          BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only: UPDATE refused'); END;
        CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
          BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only: DELETE refused'); END;
      `,
      postgres: `${tables}
        CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
        END;
        $$;
        CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records
          FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
        CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
          FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
        CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
          FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
        CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
          FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
      `,
    },
  },
];
