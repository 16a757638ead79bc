import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  createCompactRange,
  createMerkleTree,
  hashChildren,
  hashLeaf,
  splitPoint,
} from './merkle-tree.ts';
import { verifyConsistency, verifyInclusion } from './merkle-verify.ts';

// The definitions of RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1, written literally, as the oracle.
function mth(d: readonly Buffer[]): Buffer {
  if (d.length === 0) return EMPTY_ROOT;
  if (d.length === 1) return d[0]!;
  const k = splitPoint(d.length);
  return hashChildren(mth(d.slice(0, k)), mth(d.slice(k)));
}
function path(m: number, d: readonly Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  const k = splitPoint(d.length);
  return m < k
    ? [...path(m, d.slice(0, k)), mth(d.slice(k))]
    : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}
function subproof(m: number, d: readonly Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const k = splitPoint(d.length);
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}

// Distinct leaves: with two equal leaves, a proof also holds at the other one's index.
const leaves = fc.uniqueArray(fc.uint8Array({ maxLength: 12 }), {
  minLength: 1,
  maxLength: 130,
  selector: (x) => Buffer.from(x).toString('hex'),
});
const flip = (hashes: readonly Buffer[], at: number, bit: number): Buffer[] =>
  hashes.map((hash, i) => {
    const copy = Buffer.from(hash);
    if (i === at) copy[bit >> 3] = copy[bit >> 3]! ^ (1 << (bit & 7));
    return copy;
  });
const flipOne = (hash: Buffer, bit: number): Buffer => flip([hash], 0, bit)[0]!;

describe('Merkle tree properties', () => {
  it('every inclusion proof matches the RFC definition and verifies; any flipped bit fails', () => {
    fc.assert(
      fc.property(leaves, fc.nat(), fc.nat(), fc.nat({ max: 255 }), (data, a, b, bit) => {
        const hashes = data.map((x) => hashLeaf(x));
        const tree = createMerkleTree(hashes);
        const size = 1 + (a % hashes.length);
        const index = b % size;
        const proof = tree.inclusionProof(index, size);
        const root = tree.rootHash(size);
        const leaf = hashes[index]!;
        expect(root).toEqual(mth(hashes.slice(0, size)));
        expect(proof).toEqual(path(index, hashes.slice(0, size)));
        expect(verifyInclusion(index, size, leaf, proof, root)).toBe(true);
        expect(verifyInclusion(index, size, flipOne(leaf, bit), proof, root)).toBe(false);
        expect(verifyInclusion(index, size, leaf, proof, flipOne(root, bit))).toBe(false);
        for (let i = 0; i < proof.length; i++) {
          expect(verifyInclusion(index, size, leaf, flip(proof, i, bit), root)).toBe(false);
        }
        if (size > 1)
          expect(verifyInclusion((index + 1) % size, size, leaf, proof, root)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('every consistency proof matches the RFC definition and verifies; any flipped bit fails', () => {
    fc.assert(
      fc.property(leaves, fc.nat(), fc.nat(), fc.nat({ max: 255 }), (data, a, b, bit) => {
        const hashes = data.map((x) => hashLeaf(x));
        const tree = createMerkleTree(hashes);
        const size2 = 1 + (a % hashes.length);
        const size1 = 1 + (b % size2);
        const proof = tree.consistencyProof(size1, size2);
        const [root1, root2] = [tree.rootHash(size1), tree.rootHash(size2)];
        expect(proof).toEqual(size1 === size2 ? [] : subproof(size1, hashes.slice(0, size2), true));
        expect(verifyConsistency(size1, size2, proof, root1, root2)).toBe(true);
        expect(verifyConsistency(size1, size2, proof, flipOne(root1, bit), root2)).toBe(false);
        expect(verifyConsistency(size1, size2, proof, root1, flipOne(root2, bit))).toBe(false);
        for (let i = 0; i < proof.length; i++) {
          expect(verifyConsistency(size1, size2, flip(proof, i, bit), root1, root2)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a compact range has the tree head at every size, also when resumed', () => {
    fc.assert(
      fc.property(leaves, fc.nat(), (data, cut) => {
        const hashes = data.map((x) => hashLeaf(x));
        const tree = createMerkleTree(hashes);
        const range = createCompactRange();
        hashes.forEach((hash, i) => {
          range.append(hash);
          expect(range.rootHash()).toEqual(tree.rootHash(i + 1));
        });
        const at = cut % (hashes.length + 1);
        const first = createCompactRange();
        for (const hash of hashes.slice(0, at)) first.append(hash);
        const resumed = createCompactRange({ size: at, hashes: first.hashes() });
        for (const hash of hashes.slice(at)) resumed.append(hash);
        expect(resumed.rootHash()).toEqual(tree.rootHash());
      }),
      { numRuns: 200 },
    );
  });
});
