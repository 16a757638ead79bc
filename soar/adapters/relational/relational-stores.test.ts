import { createSqliteRelationalStore } from '../../../platform/storage/index.ts';
import { describeCaseContract } from '../../cases/case-service.contract.ts';
import { describeTriageContract } from '../../triage/triage-service.contract.ts';

// soar's relational stores on SQLite in memory (relational-stores.int.test.ts: PostgreSQL).
const sqlite = () => {
  const store = createSqliteRelationalStore({ path: ':memory:' });
  return Promise.resolve({ store, close: () => store.close() });
};
describeTriageContract('sqlite (in memory)', sqlite);
describeCaseContract('sqlite (in memory)', sqlite);
