import { createSecretKey, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SecretsError } from '../../secrets-errors.ts';

/** A master key as the caller supplies it: an id (stored beside each wrapped data key) and 32 bytes. */
export interface MasterKey {
  readonly id: string;
  readonly key: Uint8Array | KeyObject;
}

/** The master keys a process holds: `current` wraps new data keys, `previous` still unwrap. */
export interface MasterKeyringInput {
  readonly current: MasterKey;
  readonly previous?: readonly MasterKey[];
}

/** A loaded master key: the material is a `KeyObject`, which never prints its bytes. */
export interface LoadedMasterKey {
  readonly id: string;
  readonly key: KeyObject;
}

/** A validated keyring. Logging it shows ids and key sizes, never key material. */
export interface MasterKeyring {
  readonly current: LoadedMasterKey;
  readonly previous: readonly LoadedMasterKey[];
}

/** Environment variable holding `id:base64` entries, the current key first. */
export const MASTER_KEYS_ENV = 'SECOPS_SECRETS_MASTER_KEYS';
/** Environment variable naming a file that holds the same entries, one a line. */
export const MASTER_KEY_FILE_ENV = 'SECOPS_SECRETS_MASTER_KEY_FILE';

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function invalid(message: string): SecretsError {
  return new SecretsError('SECRET_MASTER_KEY_INVALID', message);
}

function load(key: MasterKey, label: string): LoadedMasterKey {
  if (typeof key.id !== 'string' || !KEY_ID.test(key.id))
    throw invalid(`${label}: the id must be 1 to 64 characters of A-Z a-z 0-9 . _ -`);
  const material = key.key;
  if (material instanceof Uint8Array) {
    if (material.byteLength !== 32) throw invalid(`${label} (${key.id}) is not 32 bytes`);
    return { id: key.id, key: createSecretKey(Buffer.from(material)) };
  }
  if (material.type !== 'secret' || material.symmetricKeySize !== 32)
    throw invalid(`${label} (${key.id}) is not a 32-byte secret key`);
  return { id: key.id, key: material };
}

/** Validates a keyring: 32-byte keys, distinct ids. Accepts an already loaded keyring as is. */
export function createMasterKeyring(input: MasterKeyringInput): MasterKeyring {
  const current = load(input.current, 'current master key');
  const previous = (input.previous ?? []).map((k, i) => load(k, `previous master key ${i + 1}`));
  const ids = new Set<string>();
  for (const k of [current, ...previous]) {
    if (ids.has(k.id)) throw invalid(`master key id ${k.id} appears twice in the keyring`);
    ids.add(k.id);
  }
  return { current, previous };
}

/** The loaded key with this id, if any. */
export function findMasterKey(ring: MasterKeyring, id: string): LoadedMasterKey | undefined {
  return ring.current.id === id ? ring.current : ring.previous.find((k) => k.id === id);
}

/**
 * The keyring with `next` as its current key and every other key kept as previous. An id that is
 * already loaded must come with the same bytes.
 */
export function withCurrentKey(ring: MasterKeyring, next: MasterKey): MasterKeyring {
  const loaded = load(next, 'new master key');
  const existing = findMasterKey(ring, loaded.id);
  if (existing !== undefined && !existing.key.equals(loaded.key))
    throw invalid(`master key id ${loaded.id} is already loaded with different key material`);
  const others = [ring.current, ...ring.previous].filter((k) => k.id !== loaded.id);
  return { current: existing ?? loaded, previous: others };
}

/**
 * Parses keyring text: `id:base64` entries (32-byte keys) separated by commas, spaces or new
 * lines, the current key first; `#` starts a comment line. Errors name the entry, never its key.
 */
export function parseMasterKeyring(text: string): MasterKeyring {
  const entries = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .split(/[\s,]+/)
    .filter((e) => e !== '');
  if (entries.length === 0) throw invalid('the master keyring is empty');
  const keys = entries.map((entry, i): MasterKey => {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw invalid(`master key entry ${i + 1} is not of the form id:base64`);
    const encoded = entry.slice(colon + 1);
    if (!BASE64.test(encoded)) throw invalid(`master key entry ${i + 1} is not valid base64`);
    return { id: entry.slice(0, colon), key: Buffer.from(encoded, 'base64') };
  });
  const [current, ...previous] = keys as [MasterKey, ...MasterKey[]];
  const ring = createMasterKeyring({ current, previous });
  for (const k of keys) if (k.key instanceof Uint8Array) k.key.fill(0);
  return ring;
}

/** Options of `loadMasterKeyring`. */
export interface LoadMasterKeyringOptions {
  /** The process environment (entry points pass `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly variable?: string;
  readonly fileVariable?: string;
}

/**
 * Loads the keyring from `SECOPS_SECRETS_MASTER_KEYS` (entries inline) or from the file named by
 * `SECOPS_SECRETS_MASTER_KEY_FILE`. Exactly one of the two must be set.
 */
export function loadMasterKeyring(options: LoadMasterKeyringOptions): MasterKeyring {
  const variable = options.variable ?? MASTER_KEYS_ENV;
  const fileVariable = options.fileVariable ?? MASTER_KEY_FILE_ENV;
  const inline = options.env[variable];
  const file = options.env[fileVariable];
  const hasInline = inline !== undefined && inline !== '';
  const hasFile = file !== undefined && file !== '';
  if (hasInline && hasFile) throw invalid(`set ${variable} or ${fileVariable}, not both`);
  if (hasInline) return parseMasterKeyring(inline);
  if (hasFile) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      throw new SecretsError(
        'SECRET_MASTER_KEY_INVALID',
        `cannot read the master key file named by ${fileVariable}`,
        { cause, details: { file } },
      );
    }
    return parseMasterKeyring(text);
  }
  throw invalid(`no master key: set ${variable} (id:base64,...) or ${fileVariable}`);
}

/** A fresh random master key entry `id:base64`, for operators creating or rotating a key. */
export function generateMasterKeyEntry(id: string): string {
  if (!KEY_ID.test(id)) throw invalid('the id must be 1 to 64 characters of A-Z a-z 0-9 . _ -');
  return `${id}:${randomBytes(32).toString('base64')}`;
}
