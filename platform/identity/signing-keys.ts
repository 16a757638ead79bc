import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { JWK } from 'jose';
import type { Clock } from '../clock/index.ts';
import { PlatformError } from '../errors/index.ts';
import { sql } from '../storage/index.ts';
import type { RelationalStore } from '../storage/index.ts';
import { assertKeyEncryptionKey, seal, unseal } from './key-encryption.ts';

export const SIGNING_ALG = 'ES256';

export interface SigningKeysDeps {
  readonly store: RelationalStore;
  readonly clock: Clock;
  /** 32 bytes; encrypts private keys at rest (AES-256-GCM). Never stored. */
  readonly keyEncryptionKey: Uint8Array;
  /** How long each key signs (default 24 h). */
  readonly rotationIntervalMs?: number;
  /**
   * How long a key keeps verifying after it stops signing: the longest token lifetime plus clock
   * tolerance, so every token it signed can expire on its own.
   */
  readonly verificationWindowMs: number;
  /** A successor is published in the JWKS this long before it starts signing (default 1 h). */
  readonly prepublishMs?: number;
}

/** One signing key's public metadata. */
export interface SigningKeyInfo {
  readonly kid: string;
  readonly generation: number;
  readonly createdAt: number;
  /** Starts signing. */
  readonly notBefore: number;
  /** Stops signing. */
  readonly notAfter: number;
  /** Stops verifying (and leaves the JWKS). */
  readonly expiresAt: number;
}

interface KeyRow {
  kid: string;
  generation: number;
  public_jwk: string;
  private_key_sealed: string;
  created_at: number;
  not_before: number;
  not_after: number;
  expires_at: number;
  [column: string]: unknown;
}

interface LoadedKey extends SigningKeyInfo {
  readonly jwk: JWK;
  readonly publicKey: KeyObject;
  readonly sealed: string;
}

const TABLE = sql.raw('platform_signing_keys');
const RELOAD_THROTTLE_MS = 1000;
const contextOf = (kid: string) => `platform_signing_keys:${kid}`;

function toLoaded(row: KeyRow): LoadedKey {
  const jwk = JSON.parse(row.public_jwk) as JWK;
  return {
    kid: row.kid,
    generation: row.generation,
    createdAt: row.created_at,
    notBefore: row.not_before,
    notAfter: row.not_after,
    expiresAt: row.expires_at,
    jwk,
    publicKey: createPublicKey({ key: jwk, format: 'jwk' }),
    sealed: row.private_key_sealed,
  };
}

/**
 * The token signing keys (ES256, P-256): kept in the relational store with the private half
 * sealed under the key-encryption key, rotated on a schedule, each verifying until every token
 * it signed has expired. Safe with several processes: they agree through the store.
 */
export function createSigningKeys(deps: SigningKeysDeps) {
  assertKeyEncryptionKey(deps.keyEncryptionKey);
  const interval = deps.rotationIntervalMs ?? 86_400_000;
  const prepublish = Math.min(deps.prepublishMs ?? 3_600_000, interval / 2);
  let keys: LoadedKey[] = [];
  let loadedAt = Number.NEGATIVE_INFINITY;
  const privateKeys = new Map<string, KeyObject>();

  const load = async (): Promise<LoadedKey[]> => {
    const now = deps.clock.now();
    const rows = await deps.store.query<KeyRow>(
      sql`SELECT * FROM ${TABLE} WHERE expires_at > ${now} ORDER BY generation`,
    );
    keys = rows.map(toLoaded);
    loadedAt = now;
    return keys;
  };

  const currentOf = (all: readonly LoadedKey[], now: number) =>
    all.findLast((k) => k.notBefore <= now && now < k.notAfter);

  const create = async (generation: number, notBefore: number): Promise<void> => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = privateKey.export({ format: 'jwk' });
    const publicJwk: JWK = {
      kty: 'EC',
      crv: 'P-256',
      x: privateJwk.x ?? '',
      y: privateJwk.y ?? '',
    };
    const kid = await calculateJwkThumbprint(publicJwk);
    const jwk: JWK = { ...publicJwk, kid, alg: SIGNING_ALG, use: 'sig' };
    const sealed = seal(
      deps.keyEncryptionKey,
      Buffer.from(JSON.stringify(privateJwk), 'utf8'),
      contextOf(kid),
    );
    const notAfter = notBefore + interval;
    try {
      await deps.store.execute(sql`INSERT INTO ${TABLE}
        (kid, generation, alg, public_jwk, private_key_sealed, created_at, not_before, not_after, expires_at)
        VALUES (${kid}, ${generation}, ${SIGNING_ALG}, ${JSON.stringify(jwk)}, ${sealed},
                ${deps.clock.now()}, ${notBefore}, ${notAfter}, ${notAfter + deps.verificationWindowMs})`);
    } catch (err) {
      // Another process made this generation first: use theirs.
      if (!(err instanceof PlatformError && err.code === 'STORAGE_CONFLICT')) throw err;
    }
  };

  /** Makes sure a key signs now and its successor is published ahead of time. */
  const rotateIfDue = async (): Promise<{ readonly created: boolean }> => {
    const now = deps.clock.now();
    const all = await load();
    const newest = all.at(-1);
    const current = currentOf(all, now);
    let created = false;
    if (!current) {
      await create((newest?.generation ?? 0) + 1, now);
      created = true;
    } else if (newest === current && now >= current.notAfter - prepublish) {
      await create(current.generation + 1, current.notAfter);
      created = true;
    }
    if (created) await load();
    return { created };
  };

  const privateKeyOf = (key: LoadedKey): KeyObject => {
    let privateKey = privateKeys.get(key.kid);
    if (!privateKey) {
      const jwk = JSON.parse(
        unseal(deps.keyEncryptionKey, key.sealed, contextOf(key.kid)).toString('utf8'),
      ) as JsonWebKey;
      privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
      privateKeys.set(key.kid, privateKey);
    }
    return privateKey;
  };

  return {
    rotateIfDue,

    /** The key to sign with now (creating the first one, or one after an outage). */
    async signer(): Promise<{ readonly kid: string; readonly privateKey: KeyObject }> {
      const now = deps.clock.now();
      let current = currentOf(keys, now);
      if (!current) {
        await rotateIfDue();
        current = currentOf(keys, deps.clock.now());
      }
      if (!current) throw new Error('no signing key after rotation');
      return { kid: current.kid, privateKey: privateKeyOf(current) };
    },

    /** The public key of `kid` while it may verify, or undefined. */
    async verificationKey(kid: string): Promise<KeyObject | undefined> {
      const now = deps.clock.now();
      let key = keys.find((k) => k.kid === kid);
      if (!key && now - loadedAt >= RELOAD_THROTTLE_MS)
        key = (await load()).find((k) => k.kid === kid);
      return key && key.expiresAt > now ? key.publicKey : undefined;
    },

    /** Every key still valid for verification, as a JWK Set (RFC 7517). */
    async jwks(): Promise<{ keys: JWK[] }> {
      const now = deps.clock.now();
      const all = now - loadedAt >= RELOAD_THROTTLE_MS ? await load() : keys;
      return { keys: all.filter((k) => k.expiresAt > now).map((k) => k.jwk) };
    },

    async list(): Promise<SigningKeyInfo[]> {
      return (await load()).map(
        ({ kid, generation, createdAt, notBefore, notAfter, expiresAt }) => ({
          kid,
          generation,
          createdAt,
          notBefore,
          notAfter,
          expiresAt,
        }),
      );
    },

    /** Deletes keys that verify nothing any more. */
    async purgeExpired(): Promise<number> {
      const now = deps.clock.now();
      const { rowCount } = await deps.store.execute(
        sql`DELETE FROM ${TABLE} WHERE expires_at <= ${now}`,
      );
      for (const kid of privateKeys.keys())
        if (!keys.some((k) => k.kid === kid && k.expiresAt > now)) privateKeys.delete(kid);
      return rowCount;
    },
  };
}

export type SigningKeys = ReturnType<typeof createSigningKeys>;
