import { createHash } from 'node:crypto';

/** chain[-1]: the value the first record's chain hash extends, 32 zero bytes. */
export const CHAIN_GENESIS: Buffer = Buffer.alloc(32);

/** chain[i] = SHA-256(chain[i-1] || leafHash[i]). */
export function chainHash(previous: Uint8Array, leafHash: Uint8Array): Buffer {
  return createHash('sha256').update(previous).update(leafHash).digest();
}

/** The chain hashes of a run of leaf hashes, starting after `previous` (genesis by default). */
export function chainHashes(
  leafHashes: readonly Uint8Array[],
  previous: Uint8Array = CHAIN_GENESIS,
): Buffer[] {
  const out: Buffer[] = [];
  let last: Uint8Array = previous;
  for (const leaf of leafHashes) {
    const next = chainHash(last, leaf);
    out.push(next);
    last = next;
  }
  return out;
}
