import { createSqliteRelationalStore } from '../../platform/storage/index.ts';
import { describeSourceRegistryContract } from './source-registry.contract.ts';

describeSourceRegistryContract('sqlite (in memory)', () =>
  Promise.resolve(createSqliteRelationalStore({ path: ':memory:' })),
);
