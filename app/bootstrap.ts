import { randomUUID } from 'node:crypto';
import type { Config } from '../platform/config/index.ts';
import { sql } from '../platform/storage/index.ts';
import type { RelationalStore } from '../platform/storage/index.ts';
import { DEFAULT_TENANT } from '../platform/identity/index.ts';
import type { ApiTokens } from '../platform/identity/index.ts';
import type { SourceRegistry } from '../siem/index.ts';

export interface BootstrapSecrets {
  /** True when this start created credentials (they are in the fields below, once). */
  readonly created: boolean;
  readonly installationId: string;
  readonly adminToken?: string;
  readonly sourceTokens: readonly { readonly name: string; readonly token: string }[];
}

/**
 * First start: an installation id, a `bootstrap-admin` API token and a `default` ingest source
 * (plus the syslog source when syslog is enabled), both in the default tenant. Tokens are returned once and stored hashed;
 * later starts create nothing and return none.
 */
export async function bootstrap(deps: {
  config: Config;
  relational: RelationalStore;
  tokens: ApiTokens;
  sources: SourceRegistry;
}): Promise<BootstrapSecrets> {
  const { config, tokens, sources } = deps;
  let created = false;
  let adminToken: string | undefined;
  const sourceTokens: { name: string; token: string }[] = [];

  const existing = await tokens.list();
  if (existing.length === 0) {
    adminToken = (await tokens.create('bootstrap-admin', 'admin')).token;
    created = true;
  }
  await deps.relational.execute(
    sql`INSERT INTO platform_meta (key, value) VALUES (${'installation_id'}, ${randomUUID()}) ON CONFLICT (key) DO NOTHING`,
  );
  const row = await deps.relational.queryOne<{ value: string }>(
    sql`SELECT value FROM platform_meta WHERE key = ${'installation_id'}`,
  );
  const installationId = row?.value ?? 'unknown';

  const wanted: string[] = [];
  if (config.bootstrap.createDefaultSource) wanted.push('default');
  if (config.syslog.tcp !== '' || config.syslog.udp !== '') wanted.push(config.syslog.source);
  const known = new Set((await sources.list(DEFAULT_TENANT)).map((s) => s.name));
  if (known.size === 0 || wanted.some((n) => n === config.syslog.source && !known.has(n))) {
    for (const name of wanted) {
      if (known.has(name)) continue;
      const { token } = await sources.create(name, 'auto', DEFAULT_TENANT);
      known.add(name);
      sourceTokens.push({ name, token });
      created = true;
    }
  }
  return {
    created,
    installationId,
    ...(adminToken !== undefined ? { adminToken } : {}),
    sourceTokens,
  };
}
