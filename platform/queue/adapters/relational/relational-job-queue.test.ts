import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteRelationalStore } from '../../../storage/index.ts';
import { describeJobQueueContract } from '../../job-queue.contract.ts';
import { relationalQueueUnderTest } from './relational-queue-harness.ts';

describeJobQueueContract('relational on sqlite (fresh file)', (settings) => {
  const dir = mkdtempSync(join(tmpdir(), 'secops-queue-'));
  const path = join(dir, 'state.db');
  return relationalQueueUnderTest(
    settings,
    () => createSqliteRelationalStore({ path }),
    () => {
      rmSync(dir, { recursive: true, force: true });
    },
  );
});
