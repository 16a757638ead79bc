export { createIdGenerator } from './ids.ts';
export type { IdGenerator } from './ids.ts';
