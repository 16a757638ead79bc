import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../platform/config/index.ts';
import { PlatformError } from '../platform/errors/index.ts';
import { generateAuditKeys, loadAuditKeys } from '../platform/audit/index.ts';
import type { AuditKeys } from '../platform/audit/index.ts';
import { generateMasterKeyEntry, parseMasterKeyring } from '../platform/secrets/index.ts';
import type { MasterKeyring } from '../platform/secrets/index.ts';

/** The key material the platform runs with; none of it is ever stored in a database. */
export interface PlatformKeys {
  /** The directory the key files live in. */
  readonly dir: string;
  /** 32 bytes that encrypt the token signing keys at rest. */
  readonly tokenKeyEncryptionKey: Uint8Array;
  readonly audit: AuditKeys;
  /** Master keys of the embedded secrets store (unused with Vault). */
  readonly secretsKeyring: () => MasterKeyring;
  /** Key files this start created (the CLI tells the operator to back them up). */
  readonly created: readonly string[];
}

const FILES = {
  tokenKek: 'token-kek.key',
  auditSigning: 'audit-signing.pem',
  auditHmac: 'audit-hmac.key',
  secretsMaster: 'secrets-master.keys',
} as const;

/** The key directory: `keys.dir`, or `<dataDir>/keys`. */
export function keyDirectory(config: Config, dataDir: string): string {
  return config.keys.dir === '' ? join(dataDir, 'keys') : resolve(config.keys.dir);
}

/**
 * Reads the key files, creating missing ones (mode 0600, in a 0700 directory) when
 * `keys.generate` is on. A key file readable by group or others stops the start, as ssh does.
 * Errors name the file, never its content.
 */
export function loadPlatformKeys(config: Config, dataDir: string): PlatformKeys {
  const dir = keyDirectory(config, dataDir);
  const created: string[] = [];
  const fileOf = (name: string) => join(dir, name);

  const ensure = (name: string, make: () => string): string => {
    const file = fileOf(name);
    if (!existsSync(file)) {
      if (!config.keys.generate)
        throw keyError(`key file ${file} is missing (keys.generate is off)`, file);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(file, make(), { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
      created.push(file);
    }
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0)
      throw keyError(
        `key file ${file} is accessible by group or others (mode ${mode.toString(8)}); chmod 600 it`,
        file,
      );
    try {
      return readFileSync(file, 'utf8');
    } catch (cause) {
      throw keyError(`cannot read key file ${file}`, file, cause);
    }
  };

  const kekText = ensure(FILES.tokenKek, () => `${randomBytes(32).toString('base64')}\n`);
  const tokenKeyEncryptionKey = Buffer.from(kekText.trim(), 'base64');
  if (tokenKeyEncryptionKey.length !== 32)
    throw keyError(
      `key file ${fileOf(FILES.tokenKek)} must hold 32 bytes in base64`,
      fileOf(FILES.tokenKek),
    );

  let generatedAudit: ReturnType<typeof generateAuditKeys> | undefined;
  const auditFresh = () => (generatedAudit ??= generateAuditKeys());
  const signingPem = ensure(FILES.auditSigning, () => auditFresh().signingKeyPem);
  const hmacText = ensure(FILES.auditHmac, () => `${auditFresh().hmacKeyBase64}\n`);
  const audit = loadAuditKeys({ signingKeyPem: signingPem, hmacKeyBase64: hmacText.trim() });

  // The secrets keyring is read only when the embedded store is used.
  const secretsKeyring = (): MasterKeyring => {
    if (config.secrets.masterKeys !== undefined)
      return parseMasterKeyring(config.secrets.masterKeys);
    if (config.secrets.masterKeyFile !== undefined) {
      const file = resolve(config.secrets.masterKeyFile);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (cause) {
        throw keyError(`cannot read the secrets master key file ${file}`, file, cause);
      }
      return parseMasterKeyring(text);
    }
    return parseMasterKeyring(
      ensure(FILES.secretsMaster, () => `${generateMasterKeyEntry('k1')}\n`),
    );
  };

  return { dir, tokenKeyEncryptionKey, audit, secretsKeyring, created };
}

function keyError(message: string, file: string, cause?: unknown): PlatformError {
  return new PlatformError('CONFIG_INVALID', message, {
    details: { file },
    ...(cause === undefined ? {} : { cause }),
  });
}
