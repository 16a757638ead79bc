import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createManualClock } from '../../../platform/clock/index.ts';
import { CONTRACT_NOW, describeEventStoreContract } from '../../events/event-store.contract.ts';
import { createSqliteEventStore } from './sqlite-event-store.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

for (const threads of [true, false]) {
  describeEventStoreContract(`sqlite (${threads ? 'worker threads' : 'in thread'})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secops-events-'));
    dirs.push(dir);
    const open = () =>
      createSqliteEventStore({
        path: join(dir, 'nested', 'events.db'),
        threads,
        clock: createManualClock(CONTRACT_NOW),
        durability: 'normal',
      });
    return { store: await open(), reopen: open };
  });
}
