export { loadConfig } from './load-config.ts';
export type { LoadConfigOptions } from './load-config.ts';
export { configSchema, envBindings } from './schema.ts';
export type { Config } from './schema.ts';
export { configReference } from './reference.ts';
