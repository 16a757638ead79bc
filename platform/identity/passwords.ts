import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { BinaryLike, ScryptOptions } from 'node:crypto';

/** scrypt cost: N = 2^ln, block size r, parallelism p (RFC 7914). */
export interface ScryptParams {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/** OWASP's floor for scrypt (N=2^15, r=8, p=1): about 32 MiB and tens of milliseconds a hash. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Bounds on parameters read back from storage, so a corrupt row cannot ask for gigabytes.
const MAX = { ln: 22, r: 32, p: 16 } as const;
const PHC =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,})\$([A-Za-z0-9+/]{16,})$/;

interface ParsedHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function derive(password: BinaryLike, salt: Buffer, params: ScryptParams, keylen: number) {
  const N = 2 ** params.ln;
  const options: ScryptOptions = {
    N,
    r: params.r,
    p: params.p,
    // scrypt needs 128·N·r bytes (plus 128·r·p); Node's default cap of 32 MiB is exactly N=2^15, r=8.
    maxmem: 256 * N * params.r + 128 * params.r * params.p + 1024 * 1024,
  };
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

// Passwords are compared as NFC-normalised UTF-8 so the same characters typed on different
// systems give the same bytes (RFC 8265 OpaqueString).
const bytesOf = (password: string): Buffer => Buffer.from(password.normalize('NFC'), 'utf8');

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

function parse(stored: string): ParsedHash | undefined {
  const m = PHC.exec(stored);
  if (!m) return undefined;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.ln < 1 || params.ln > MAX.ln || params.r < 1 || params.r > MAX.r) return undefined;
  if (params.p < 1 || params.p > MAX.p) return undefined;
  return {
    params,
    salt: Buffer.from(m[4] ?? '', 'base64'),
    hash: Buffer.from(m[5] ?? '', 'base64'),
  };
}

/**
 * Hashes a password with scrypt and a fresh 16-byte salt, as a PHC string that records its
 * parameters (`$scrypt$ln=15,r=8,p=1$<salt>$<hash>`, unpadded base64), so they can be raised
 * later without invalidating stored hashes.
 */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(bytesOf(password), salt, params, KEY_BYTES);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

/**
 * Whether `password` matches a stored PHC string, compared in constant time. A malformed stored
 * value never matches.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.hash.length < 16) return false;
  const candidate = await derive(bytesOf(password), parsed.salt, parsed.params, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}

/** Whether a stored hash was made with weaker parameters than `params` (rehash on next login). */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  return (
    parsed.params.ln < params.ln ||
    parsed.params.r < params.r ||
    parsed.params.p < params.p ||
    parsed.hash.length < KEY_BYTES ||
    parsed.salt.length < SALT_BYTES
  );
}

/**
 * A verifier that spends the same work as a real check, for unknown users: the answer to "no
 * such user" then takes as long as "wrong password" (no user-enumeration by timing).
 */
export function createDummyVerifier(
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): (password: string) => Promise<false> {
  // Made up front, so even the first unknown user costs one scrypt, not two.
  const dummy = hashPassword(randomBytes(24).toString('base64url'), params);
  dummy.catch(() => undefined);
  return async (password) => {
    await verifyPassword(password, await dummy);
    return false;
  };
}
