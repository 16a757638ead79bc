import { resolve } from 'node:path';
import type { Config } from '../platform/config/index.ts';
import { systemClock } from '../platform/clock/index.ts';
import { createIdGenerator } from '../platform/ids/index.ts';
import { createApiTokens, identityMigrations } from '../platform/identity/index.ts';
import type { ApiTokens } from '../platform/identity/index.ts';
import type { RelationalStore } from '../platform/storage/index.ts';
import { createSourceRegistry, siemMigrations } from '../siem/index.ts';
import type { SourceRegistry } from '../siem/index.ts';
import { openRelationalStore } from './infrastructure.ts';
import { accessMigrations } from '../platform/access/index.ts';

/** The platform's relational state without the server, for administrative CLI commands. */
export interface PlatformState {
  readonly relational: RelationalStore;
  readonly sources: SourceRegistry;
  readonly tokens: ApiTokens;
  close(): Promise<void>;
}

export async function openState(config: Config): Promise<PlatformState> {
  const clock = systemClock;
  const ids = createIdGenerator(clock);
  const relational = openRelationalStore(config, resolve(config.dataDir), clock);
  try {
    await relational.migrate([...identityMigrations, ...accessMigrations, ...siemMigrations]);
  } catch (err) {
    await relational.close();
    throw err;
  }
  return {
    relational,
    sources: createSourceRegistry({ store: relational, clock, ids }),
    tokens: createApiTokens({ store: relational, clock, ids }),
    close: () => relational.close(),
  };
}
