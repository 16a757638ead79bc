import { createSqliteRelationalStore } from '../../../platform/storage/index.ts';
import { describeCaseContract } from '../../cases/case-service.contract.ts';

describeCaseContract('sqlite (in memory)', () => {
  const store = createSqliteRelationalStore({ path: ':memory:' });
  return Promise.resolve({ store, close: () => store.close() });
});
