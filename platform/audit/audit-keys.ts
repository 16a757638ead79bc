import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AuditError } from './audit-errors.ts';
import { decodeBase64 } from './signed-note.ts';

/** Shortest HMAC key accepted: 256 bits. */
export const MIN_HMAC_KEY_BYTES = 32;

/** The audit log's secrets. They come from a file or the environment, never from the database. */
export interface AuditKeys {
  /** Ed25519 private key that signs checkpoints. */
  readonly signingKey: KeyObject;
  /** Key of the HMAC-SHA256 over sensitive values. */
  readonly hmacKey: Buffer;
}

/** Fresh keys for a first start, with the encodings `loadAuditKeys` reads back. */
export interface GeneratedAuditKeys extends AuditKeys {
  /** PKCS #8 PEM of `signingKey`: store it with mode 0600 or in a secret manager. */
  readonly signingKeyPem: string;
  readonly hmacKeyBase64: string;
  readonly publicKey: KeyObject;
}

export interface LoadAuditKeysOptions {
  /** Path of a PKCS #8 PEM file holding the Ed25519 signing key. */
  readonly signingKeyFile?: string;
  /** The same PEM text, e.g. from an environment variable. */
  readonly signingKeyPem?: string;
  /** Standard base64 of at least 32 random bytes. */
  readonly hmacKeyBase64?: string;
}

/** Generates an Ed25519 signing key and a 32-byte HMAC key. */
export function generateAuditKeys(): GeneratedAuditKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const hmacKey = randomBytes(MIN_HMAC_KEY_BYTES);
  return {
    signingKey: privateKey,
    publicKey,
    signingKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    hmacKey,
    hmacKeyBase64: hmacKey.toString('base64'),
  };
}

/**
 * Reads the signing key (exactly one of `signingKeyFile` and `signingKeyPem`) and the HMAC key.
 * Throws `AUDIT_KEY_INVALID` naming what is missing or wrong, never echoing key material.
 */
export function loadAuditKeys(options: LoadAuditKeysOptions): AuditKeys {
  const { signingKeyFile, signingKeyPem, hmacKeyBase64 } = options;
  if ((signingKeyFile === undefined) === (signingKeyPem === undefined)) {
    invalid('give exactly one of signingKeyFile and signingKeyPem');
  }
  let pem = signingKeyPem ?? '';
  if (signingKeyFile !== undefined) {
    try {
      pem = readFileSync(signingKeyFile, 'utf8');
    } catch (cause) {
      invalid(`cannot read the audit signing key file ${signingKeyFile}`, cause);
    }
  }
  return { signingKey: toSigningKey(pem), hmacKey: toHmacKey(hmacKeyBase64) };
}

/** Checks that a key object is an Ed25519 private key. */
export function assertSigningKey(key: KeyObject): void {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') {
    invalid('the audit signing key must be an Ed25519 private key');
  }
  // Derives the public key once so a broken key fails here, not at the first checkpoint.
  createPublicKey(key);
}

/** Checks the HMAC key length. */
export function assertHmacKey(key: Uint8Array): void {
  if (key.length < MIN_HMAC_KEY_BYTES) {
    invalid(`the audit HMAC key must have at least ${MIN_HMAC_KEY_BYTES} bytes`);
  }
}

function toSigningKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (cause) {
    invalid('the audit signing key is not a PEM private key', cause);
  }
  assertSigningKey(key);
  return key;
}

function toHmacKey(base64: string | undefined): Buffer {
  if (base64 === undefined) invalid('hmacKeyBase64 is missing');
  const key = decodeBase64(base64.trim());
  if (key === undefined) invalid('the audit HMAC key is not standard base64');
  assertHmacKey(key);
  return key;
}

function invalid(message: string, cause?: unknown): never {
  throw new AuditError('AUDIT_KEY_INVALID', message, cause === undefined ? {} : { cause });
}
