import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteRelationalStore } from '../storage/index.ts';
import { describeAuditLogContract } from './audit-log.contract.ts';
import { describeAuditTamperContract } from './audit-tamper.contract.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const make = () => {
  const dir = mkdtempSync(join(tmpdir(), 'secops-audit-'));
  dirs.push(dir);
  return Promise.resolve(createSqliteRelationalStore({ path: join(dir, 'state.db') }));
};

describeAuditLogContract('sqlite (node:sqlite, WAL file)', make);
describeAuditTamperContract('sqlite (node:sqlite, WAL file)', make);
