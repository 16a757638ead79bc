import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteRelationalStore } from '../../../storage/index.ts';
import { describeSecretStoreContract } from '../../secret-store.contract.ts';
import { createEmbeddedSecretStore } from './embedded-secret-store.ts';
import { secretsMigrations } from './secrets-migrations.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeSecretStoreContract('embedded on sqlite (node:sqlite, WAL file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'secops-secrets-'));
  dirs.push(dir);
  const db = createSqliteRelationalStore({ path: join(dir, 'state.db') });
  await db.migrate(secretsMigrations);
  const store = createEmbeddedSecretStore({
    store: db,
    keyring: { current: { id: 'k1', key: randomBytes(32) } },
  });
  return { store, close: () => db.close() };
});
