import { timingSafeEqual } from 'node:crypto';
import { HASH_SIZE, hashChildren } from './merkle-tree.ts';

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or `undefined` when the proof
 * cannot belong to a leaf at `leafIndex` in a tree of `treeSize` (wrong length, bad sizes).
 */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Buffer | undefined {
  if (!isIndex(leafIndex) || !isIndex(treeSize) || leafIndex >= treeSize) return undefined;
  if (leafHash.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) return undefined;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (odd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = hashChildren(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 ? r : undefined;
}

/** True when `proof` shows the leaf `leafHash` at `leafIndex` in the tree of head `rootHash`. */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  rootHash: Uint8Array,
): boolean {
  const root = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  return root !== undefined && sameHash(root, rootHash);
}

/**
 * True when `proof` shows the tree of `size2` leaves and head `root2` extends the tree of
 * `size1` leaves and head `root1` (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and equal
 * heads; an empty first tree is consistent with any tree through an empty proof.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!isIndex(size1) || !isIndex(size2) || size1 > size2) return false;
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE) return false;
  if (size1 === size2) return proof.length === 0 && sameHash(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0 || proof.some((p) => p.length !== HASH_SIZE)) return false;
  const [first, ...rest] = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  if (first === undefined) return false;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr: Buffer = Buffer.from(first);
  let sr: Buffer = fr;
  for (const c of rest) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = hashChildren(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && sameHash(fr, root1) && sameHash(sr, root2);
}

/** Constant-time comparison of two hashes of any length. */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

// Index arithmetic goes through division: tree sizes may exceed the 32 bits of `>>`.
const odd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);
const isIndex = (x: number): boolean => Number.isSafeInteger(x) && x >= 0;
const isPowerOfTwo = (x: number): boolean => x > 0 && Number.isInteger(Math.log2(x));
