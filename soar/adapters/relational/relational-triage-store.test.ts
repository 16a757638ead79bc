import { createSqliteRelationalStore } from '../../../platform/storage/index.ts';
import { describeTriageContract } from '../../triage/triage-service.contract.ts';

describeTriageContract('sqlite (in memory)', () => {
  const store = createSqliteRelationalStore({ path: ':memory:' });
  return Promise.resolve({ store, close: () => store.close() });
});
