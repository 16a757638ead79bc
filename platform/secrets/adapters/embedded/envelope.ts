import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SecretsError } from '../../secrets-errors.ts';
import { findMasterKey } from './master-keyring.ts';
import type { LoadedMasterKey, MasterKeyring } from './master-keyring.ts';

/** Where a version lives: every ciphertext and wrapped key is bound to it. */
export interface VersionBinding {
  readonly tenantId: string;
  readonly path: string;
  readonly version: number;
}

/** A data key wrapped under a master key. */
export interface WrappedDataKey {
  readonly masterKeyId: string;
  readonly wrapNonce: Uint8Array;
  /** The wrapped 32-byte key followed by the 16-byte GCM tag. */
  readonly wrappedKey: Uint8Array;
}

/** A sealed version as stored: the value's ciphertext and its wrapped data key. */
export interface SealedValue extends WrappedDataKey {
  readonly nonce: Uint8Array;
  /** The ciphertext followed by the 16-byte GCM tag. */
  readonly ciphertext: Uint8Array;
}

const CIPHER = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

// Associated data: JSON arrays of strings and a number are unambiguous encodings of the tuple.
function valueAad(b: VersionBinding): Buffer {
  return Buffer.from(
    JSON.stringify(['claytom-secops/secrets/value/v1', b.tenantId, b.path, b.version]),
  );
}

function dataKeyAad(b: VersionBinding, masterKeyId: string): Buffer {
  return Buffer.from(
    JSON.stringify([
      'claytom-secops/secrets/data-key/v1',
      masterKeyId,
      b.tenantId,
      b.path,
      b.version,
    ]),
  );
}

function seal(
  key: KeyObject | Buffer,
  plaintext: Buffer,
  aad: Buffer,
): { nonce: Buffer; sealed: Buffer } {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { nonce, sealed };
}

/** Undefined when authentication fails: the caller turns that into a typed error. */
function open(
  key: KeyObject | Buffer,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Buffer,
): Buffer | undefined {
  if (nonce.byteLength !== NONCE_BYTES || sealed.byteLength < TAG_BYTES) return undefined;
  const body = sealed.subarray(0, sealed.byteLength - TAG_BYTES);
  const tag = sealed.subarray(sealed.byteLength - TAG_BYTES);
  try {
    const decipher = createDecipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return undefined;
  }
}

function failed(b: VersionBinding, stage: 'unwrap' | 'decrypt'): SecretsError {
  const what =
    stage === 'unwrap'
      ? 'its data key did not unwrap (wrong master key, or the row was altered or moved)'
      : 'its ciphertext did not authenticate (the row was altered or moved)';
  return new SecretsError(
    'SECRET_DECRYPT_FAILED',
    `cannot decrypt version ${b.version} of ${b.path}: ${what}`,
    { details: { tenantId: b.tenantId, path: b.path, version: b.version, stage } },
  );
}

function wrap(dataKey: Buffer, b: VersionBinding, master: LoadedMasterKey): WrappedDataKey {
  const { nonce, sealed } = seal(master.key, dataKey, dataKeyAad(b, master.id));
  return { masterKeyId: master.id, wrapNonce: nonce, wrappedKey: sealed };
}

function unwrap(wrapped: WrappedDataKey, b: VersionBinding, ring: MasterKeyring): Buffer {
  const master = findMasterKey(ring, wrapped.masterKeyId);
  if (master === undefined) {
    throw new SecretsError(
      'SECRET_MASTER_KEY_MISSING',
      `version ${b.version} of ${b.path} is wrapped under master key ${wrapped.masterKeyId}, which is not loaded`,
      {
        details: {
          tenantId: b.tenantId,
          path: b.path,
          version: b.version,
          masterKeyId: wrapped.masterKeyId,
        },
      },
    );
  }
  const key = open(master.key, wrapped.wrapNonce, wrapped.wrappedKey, dataKeyAad(b, master.id));
  if (key?.byteLength !== DATA_KEY_BYTES) throw failed(b, 'unwrap');
  return key;
}

/**
 * Encrypts a value under a fresh random 256-bit data key (AES-256-GCM, random 96-bit nonce, AAD
 * = tenant, path, version) and wraps that key under the keyring's current master key
 * (AES-256-GCM, AAD = master key id, tenant, path, version).
 */
export function sealValue(plaintext: string, b: VersionBinding, ring: MasterKeyring): SealedValue {
  const dataKey = randomBytes(DATA_KEY_BYTES);
  const body = Buffer.from(plaintext, 'utf8');
  try {
    const { nonce, sealed } = seal(dataKey, body, valueAad(b));
    return { ...wrap(dataKey, b, ring.current), nonce, ciphertext: sealed };
  } finally {
    dataKey.fill(0);
    body.fill(0);
  }
}

/**
 * Decrypts a sealed value. Throws `SECRET_MASTER_KEY_MISSING` when its master key is not loaded
 * and `SECRET_DECRYPT_FAILED` when authentication fails; never returns unauthenticated bytes.
 */
export function openValue(sealed: SealedValue, b: VersionBinding, ring: MasterKeyring): string {
  const dataKey = unwrap(sealed, b, ring);
  try {
    const body = open(dataKey, sealed.nonce, sealed.ciphertext, valueAad(b));
    if (body === undefined) throw failed(b, 'decrypt');
    const text = body.toString('utf8');
    body.fill(0);
    return text;
  } finally {
    dataKey.fill(0);
  }
}

/** Unwraps a data key with whichever master key wrapped it and wraps it under `ring.current`. */
export function rewrapDataKey(
  wrapped: WrappedDataKey,
  b: VersionBinding,
  ring: MasterKeyring,
): WrappedDataKey {
  const dataKey = unwrap(wrapped, b, ring);
  try {
    return wrap(dataKey, b, ring.current);
  } finally {
    dataKey.fill(0);
  }
}
