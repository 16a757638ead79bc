import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteRelationalStore } from '../storage/index.ts';
import { describeIdentityStoreContract } from './identity-store.contract.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeIdentityStoreContract('sqlite (node:sqlite, WAL file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secops-identity-'));
  dirs.push(dir);
  return Promise.resolve(createSqliteRelationalStore({ path: join(dir, 'state.db') }));
});
