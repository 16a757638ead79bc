import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { systemClock } from '../platform/clock/index.ts';
import type { Config } from '../platform/config/index.ts';
import { PlatformError } from '../platform/errors/index.ts';
import {
  createEmbeddedSecretStore,
  generateMasterKeyEntry,
  parseMasterKeyring,
  secretsMigrations,
} from '../platform/secrets/index.ts';
import type { MasterKey, MasterKeyRotationReport } from '../platform/secrets/index.ts';
import { openRelationalStore } from './infrastructure.ts';
import { keyDirectory, loadPlatformKeys } from './keys.ts';

/**
 * Master-key rotation of the embedded secrets store, for `secops secrets rotate-master-key`.
 *
 * With a key file (the default `<keys.dir>/secrets-master.keys`, or `secrets.masterKeyFile`), a
 * new key is generated and written first, ahead of the old ones, by an atomic rename: a crash at
 * any point leaves every data key unwrappable by a key in the file. Then every data key is
 * re-wrapped under the new key in one transaction. Ciphertexts are never touched. Run it with the
 * server stopped, or restart the server afterwards so it loads the new current key.
 *
 * With inline keys (`SECOPS_SECRETS_MASTER_KEYS`) the operator puts the new key first in the
 * variable; this re-wraps every data key under that current key.
 */
export async function rotateSecretsMasterKey(
  config: Config,
  options: { readonly newKeyId?: string } = {},
): Promise<MasterKeyRotationReport & { readonly keyFile?: string }> {
  if (config.vault.addr !== undefined)
    throw new PlatformError(
      'CONFIG_INVALID',
      'secrets live in Vault (VAULT_ADDR is set): rotate its keys with `vault operator rotate`',
    );
  const dataDir = resolve(config.dataDir);
  const keys = loadPlatformKeys(config, dataDir);
  const inline = config.secrets.masterKeys !== undefined;
  const keyFile = inline
    ? undefined
    : resolve(
        config.secrets.masterKeyFile ?? `${keyDirectory(config, dataDir)}/secrets-master.keys`,
      );
  const ring = keys.secretsKeyring();
  let newKey: MasterKey;
  if (keyFile === undefined) {
    newKey = ring.current;
  } else {
    const old = readFileSync(keyFile, 'utf8');
    const known = new Set([ring.current.id, ...ring.previous.map((k) => k.id)]);
    const id = options.newKeyId ?? nextId(known);
    if (known.has(id))
      throw new PlatformError('CONFIG_INVALID', `master key id ${id} is already in ${keyFile}`);
    const entry = generateMasterKeyEntry(id);
    newKey = parseMasterKeyring(entry).current;
    const temporary = `${keyFile}.${process.pid.toString()}.tmp`;
    writeFileSync(temporary, `${entry}\n${old}`, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, keyFile);
  }
  const relational = openRelationalStore(config, dataDir, systemClock);
  try {
    await relational.migrate(secretsMigrations);
    const store = createEmbeddedSecretStore({ store: relational, keyring: ring });
    const report = await store.rotateMasterKey(newKey);
    return { ...report, ...(keyFile !== undefined ? { keyFile } : {}) };
  } finally {
    await relational.close();
  }
}

/** `k<n+1>` after the highest `k<n>` in use. */
function nextId(known: ReadonlySet<string>): string {
  let n = known.size + 1;
  while (known.has(`k${String(n)}`)) n += 1;
  return `k${String(n)}`;
}
