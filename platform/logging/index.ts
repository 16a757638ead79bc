export { createLogger } from './logger.ts';
export type { Logger, CreateLoggerOptions } from './logger.ts';
