import { createHash } from 'node:crypto';
import { AuditError } from './audit-errors.ts';

/** Bytes in a SHA-256 hash, the only hash of RFC 6962 / RFC 9162 trees used here. */
export const HASH_SIZE = 32;

/** MTH({}) — the head of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** Leaf hash: SHA-256(0x00 || leaf) (RFC 9162 §2.1.1). */
export function hashLeaf(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

/** Interior node hash: SHA-256(0x01 || left || right) (RFC 9162 §2.1.1). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** The largest power of two strictly below `n` (n ≥ 2): the split point `k` of RFC 9162. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * A Merkle tree over leaf hashes (already `hashLeaf`ed) that answers tree heads and proofs for
 * itself and for any smaller tree size, after one O(n) pass that keeps every complete subtree.
 */
export interface MerkleTree {
  readonly size: number;
  /** MTH(D[0:size]); `size` defaults to the whole tree. */
  rootHash(size?: number): Buffer;
  /** PATH(leafIndex, D[0:size]), leaf to root (RFC 9162 §2.1.3.1). */
  inclusionProof(leafIndex: number, size?: number): Buffer[];
  /** PROOF(size1, D[0:size2]) (RFC 9162 §2.1.4.1); empty when size1 is 0 or equals size2. */
  consistencyProof(size1: number, size2?: number): Buffer[];
}

export function createMerkleTree(leafHashes: readonly Uint8Array[]): MerkleTree {
  const n = leafHashes.length;
  // levels[h] holds the hashes of the complete subtrees of height h, left to right, packed.
  let below = Buffer.concat(leafHashes.map(checkHash));
  const levels: Buffer[] = [below];
  for (let width = n; width >= 2; width = Math.floor(width / 2)) {
    const level = Buffer.alloc(Math.floor(width / 2) * HASH_SIZE);
    for (let i = 0; i + 1 < width; i += 2) {
      hashChildren(node(below, i), node(below, i + 1)).copy(level, (i / 2) * HASH_SIZE);
    }
    levels.push(level);
    below = level;
  }

  // MTH(D[start:end]) for a non-empty range; complete aligned subtrees come from `levels`.
  const subtree = (start: number, end: number): Buffer => {
    const width = end - start;
    const level = levels[Math.log2(width)];
    if (level !== undefined && start % width === 0) {
      return Buffer.from(node(level, start / width));
    }
    const k = splitPoint(width);
    return hashChildren(subtree(start, start + k), subtree(start + k, end));
  };

  const path = (m: number, start: number, end: number): Buffer[] => {
    if (end - start === 1) return [];
    const k = splitPoint(end - start);
    return m < start + k
      ? [...path(m, start, start + k), subtree(start + k, end)]
      : [...path(m, start + k, end), subtree(start, start + k)];
  };

  const subproof = (m: number, start: number, end: number, complete: boolean): Buffer[] => {
    if (m === end - start) return complete ? [] : [subtree(start, end)];
    const k = splitPoint(end - start);
    return m <= k
      ? [...subproof(m, start, start + k, complete), subtree(start + k, end)]
      : [...subproof(m - k, start + k, end, false), subtree(start, start + k)];
  };

  const checkSize = (size: number): number => {
    if (!Number.isSafeInteger(size) || size < 0 || size > n) {
      throw rangeError(`tree size ${String(size)} is outside 0..${String(n)}`);
    }
    return size;
  };

  return {
    size: n,
    rootHash: (size = n) => (checkSize(size) === 0 ? Buffer.from(EMPTY_ROOT) : subtree(0, size)),
    inclusionProof: (leafIndex, size = n) => {
      checkSize(size);
      if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= size) {
        throw rangeError(`leaf ${String(leafIndex)} is not in a tree of ${String(size)}`);
      }
      return path(leafIndex, 0, size);
    },
    consistencyProof: (size1, size2 = n) => {
      checkSize(size2);
      if (!Number.isSafeInteger(size1) || size1 < 0 || size1 > size2) {
        throw rangeError(`tree size ${String(size1)} is outside 0..${String(size2)}`);
      }
      return size1 === 0 || size1 === size2 ? [] : subproof(size1, 0, size2, true);
    },
  };
}

/** The right border of a tree: enough to extend it leaf by leaf and compute its head. */
export interface CompactRange {
  readonly size: number;
  append(leafHash: Uint8Array): void;
  rootHash(): Buffer;
  /** The complete subtree hashes, largest first: one per bit set in `size`. */
  hashes(): Buffer[];
}

/**
 * Starts an empty compact range, or resumes one from `size` and its `hashes()`. Computes tree
 * heads in one streaming pass with O(log n) memory.
 */
export function createCompactRange(from?: {
  size: number;
  hashes: readonly Uint8Array[];
}): CompactRange {
  const stack: { height: number; hash: Buffer }[] = [];
  let size = 0;
  if (from !== undefined) {
    if (!Number.isSafeInteger(from.size) || from.size < 0) {
      throw rangeError(`bad compact range size ${String(from.size)}`);
    }
    const heights: number[] = [];
    for (let h = 52; h >= 0; h--) if (Math.floor(from.size / 2 ** h) % 2 === 1) heights.push(h);
    if (heights.length !== from.hashes.length) {
      throw rangeError(`a range of size ${String(from.size)} has ${String(heights.length)} hashes`);
    }
    from.hashes.forEach((hash, i) =>
      stack.push({ height: heights[i] ?? 0, hash: Buffer.from(checkHash(hash)) }),
    );
    size = from.size;
  }
  return {
    get size() {
      return size;
    },
    append(leafHash) {
      let entry: { height: number; hash: Buffer } = {
        height: 0,
        hash: Buffer.from(checkHash(leafHash)),
      };
      for (let top = stack.at(-1); top?.height === entry.height; top = stack.at(-1)) {
        stack.pop();
        entry = { height: entry.height + 1, hash: hashChildren(top.hash, entry.hash) };
      }
      stack.push(entry);
      size += 1;
    },
    rootHash() {
      const last = stack.at(-1);
      if (last === undefined) return Buffer.from(EMPTY_ROOT);
      let acc = last.hash;
      for (let i = stack.length - 2; i >= 0; i--)
        acc = hashChildren((stack[i] as { hash: Buffer }).hash, acc);
      return acc;
    },
    hashes: () => stack.map((entry) => Buffer.from(entry.hash)),
  };
}

function node(level: Buffer, index: number): Buffer {
  return level.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
}

function checkHash(hash: Uint8Array): Uint8Array {
  if (hash.length !== HASH_SIZE)
    throw rangeError(`a hash has ${HASH_SIZE} bytes, not ${hash.length}`);
  return hash;
}

function rangeError(message: string): AuditError {
  return new AuditError('AUDIT_RANGE_INVALID', message);
}
