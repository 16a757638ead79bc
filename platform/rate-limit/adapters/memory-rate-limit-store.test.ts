import { describeRateLimitStoreContract } from '../rate-limit-store.contract.ts';
import { createMemoryRateLimitStore } from './memory-rate-limit-store.ts';

describeRateLimitStoreContract('memory', () => Promise.resolve(createMemoryRateLimitStore()));
