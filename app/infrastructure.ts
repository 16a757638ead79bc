import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import type { Config } from '../platform/config/index.ts';
import type { Clock } from '../platform/clock/index.ts';
import { createLogger } from '../platform/logging/index.ts';
import type { Logger } from '../platform/logging/index.ts';
import { isSecretFieldName } from '../platform/redaction/index.ts';
import type { SecretScanner } from '../platform/redaction/index.ts';
import {
  createPostgresRelationalStore,
  createSqliteRelationalStore,
} from '../platform/storage/index.ts';
import type { RelationalStore } from '../platform/storage/index.ts';

/** The process logger: secret-named keys and secrets inside any string are masked. */
export function createLoggerFor(
  config: Config,
  scanner: SecretScanner,
  destination?: DestinationStream,
): Logger {
  return createLogger({
    ...(destination ? { destination } : {}),
    level: config.log.level,
    name: 'claytom-secops',
    redactText: (text) => scanner.redact(text).text,
    isSecretKey: isSecretFieldName,
  });
}

/** PostgreSQL when `DATABASE_URL` is set, otherwise the embedded SQLite file in the data dir. */
export function openRelationalStore(
  config: Config,
  dataDir: string,
  clock: Clock,
): RelationalStore {
  if (config.database.url !== undefined) {
    return createPostgresRelationalStore({
      url: config.database.url,
      poolSize: config.database.poolSize,
      clock,
    });
  }
  return createSqliteRelationalStore({
    path: join(dataDir, 'state.db'),
    durability: config.events.durability,
    clock,
  });
}

/** Where the embedded event store lives inside the data directory. */
export function eventStorePath(dataDir: string): string {
  return join(dataDir, 'events', 'events.db');
}
