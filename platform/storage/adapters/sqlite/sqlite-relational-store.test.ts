import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeRelationalStoreContract } from '../../relational-store.contract.ts';
import { createSqliteRelationalStore } from './sqlite-relational-store.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeRelationalStoreContract('sqlite (node:sqlite, WAL file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secops-sqlite-'));
  dirs.push(dir);
  return Promise.resolve(createSqliteRelationalStore({ path: join(dir, 'state.db') }));
});
