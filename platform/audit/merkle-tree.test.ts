import { describe, expect, it } from 'vitest';
import { CHAIN_GENESIS, chainHash, chainHashes } from './hash-chain.ts';
import {
  EMPTY_ROOT,
  createCompactRange,
  createMerkleTree,
  hashChildren,
  hashLeaf,
} from './merkle-tree.ts';
import { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './merkle-verify.ts';

const h = (hex: string): Buffer => Buffer.from(hex, 'hex');
const hex = (hashes: readonly Uint8Array[]): string[] =>
  hashes.map((x) => Buffer.from(x).toString('hex'));

// The reference tree used across Certificate Transparency implementations.
// Source: transparency-dev/merkle testonly/constants.go (LeafInputs, NodeHashes, RootHashes),
// the same data as google/certificate-transparency's merkle_tree_test.cc.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(h);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const NODES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];
// testonly/constants.go CompactTrees(): [level, index] of each complete subtree, per size.
const COMPACT: [number, number][][] = [
  [],
  [[0, 0]],
  [[1, 0]],
  [
    [1, 0],
    [0, 2],
  ],
  [[2, 0]],
  [
    [2, 0],
    [0, 4],
  ],
  [
    [2, 0],
    [1, 2],
  ],
  [
    [2, 0],
    [1, 2],
    [0, 6],
  ],
  [[3, 0]],
];

// Source: transparency-dev/merkle proof/verify_test.go (inclusionProofs, consistencyProofs).
// Inclusion leaves are 1-based there: {leaf, size, proof}.
const INCLUSION: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [3, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    2,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

/** A copy of `hash` with bit `bit` of its first byte flipped. */
const flipBit = (hash: Buffer, bit: number): Buffer => {
  const copy = Buffer.from(hash);
  copy.writeUInt8((copy.readUInt8(0) ^ (1 << bit)) & 0xff, 0);
  return copy;
};

const SOME_HASH = h('abacaba000000000000000000000000000000000000000000060061e00123456');
const leafHashes = LEAVES.map(hashLeaf);
const tree = createMerkleTree(leafHashes);
const root = (size: number): Buffer => h(ROOTS[size]!);

describe('RFC 6962 hashing (transparency-dev/merkle rfc6962/rfc6962_test.go)', () => {
  it('hashes the empty tree, an empty leaf, a leaf and a node', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hashLeaf(Buffer.alloc(0)).toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    expect(hashLeaf(Buffer.from('L123456')).toString('hex')).toBe(
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
    expect(hashChildren(Buffer.from('N123'), Buffer.from('N456')).toString('hex')).toBe(
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
  });
});

describe('Merkle tree heads and proofs on the CT reference tree', () => {
  it('has the known roots for sizes 0 to 8, from the tree and from a compact range', () => {
    const range = createCompactRange();
    expect(range.rootHash().toString('hex')).toBe(ROOTS[0]);
    for (let size = 1; size <= 8; size++) {
      expect(tree.rootHash(size).toString('hex')).toBe(ROOTS[size]);
      expect(createMerkleTree(leafHashes.slice(0, size)).rootHash().toString('hex')).toBe(
        ROOTS[size],
      );
      range.append(leafHashes[size - 1]!);
      expect(range.rootHash().toString('hex')).toBe(ROOTS[size]);
    }
  });

  it('keeps the known complete subtrees in its compact ranges and resumes from them', () => {
    const range = createCompactRange();
    for (let size = 0; size <= 8; size++) {
      const want = (COMPACT[size] ?? []).map(([level, index]) => NODES[level]?.[index]);
      expect(hex(range.hashes())).toEqual(want);
      const resumed = createCompactRange({ size, hashes: range.hashes() });
      for (const leaf of leafHashes.slice(size)) resumed.append(leaf);
      expect(resumed.rootHash().toString('hex')).toBe(ROOTS[8]);
      if (size < 8) range.append(leafHashes[size]!);
    }
    expect(() => createCompactRange({ size: 3, hashes: [] })).toThrow(
      expect.objectContaining({ code: 'AUDIT_RANGE_INVALID' }),
    );
  });

  it.each(INCLUSION)(
    'generates and verifies the known inclusion proof of leaf %i in a tree of %i',
    (leaf, size, proof) => {
      const index = leaf - 1;
      expect(hex(tree.inclusionProof(index, size))).toEqual(proof);
      const path = proof.map(h);
      const leafHash = leafHashes[index]!;
      expect(rootFromInclusionProof(index, size, leafHash, path)?.toString('hex')).toBe(
        ROOTS[size],
      );
      expect(verifyInclusion(index, size, leafHash, path, root(size))).toBe(true);

      // The corruptions of verify_test.go corruptInclusionProof: each must fail.
      const probes: [number, number, Uint8Array, Uint8Array[], Uint8Array][] = [
        [index - 1, size, leafHash, path, root(size)],
        [index + 1, size, leafHash, path, root(size)],
        [index ^ 2, size, leafHash, path, root(size)],
        [index, size * 2, leafHash, path, root(size)],
        [index, Math.floor(size / 2), leafHash, path, root(size)],
        [index, size, Buffer.from('WrongLeaf'), path, root(size)],
        [index, size, leafHash, path, EMPTY_ROOT],
        [index, size, leafHash, path, SOME_HASH],
        [index, size, leafHash, [...path, Buffer.alloc(0)], root(size)],
        [index, size, leafHash, [...path, root(size)], root(size)],
        [index, size, leafHash, [Buffer.alloc(0), ...path], root(size)],
        [index, size, leafHash, [root(size), ...path], root(size)],
      ];
      for (let i = 0; i < path.length; i++) {
        const wrong = path.map((p, j) => (j === i ? flipBit(p, 3) : p));
        probes.push([index, size, leafHash, wrong, root(size)]);
      }
      if (path.length > 0) probes.push([index, size, leafHash, path.slice(0, -1), root(size)]);
      if (path.length > 1)
        probes.push([index, size, leafHash, [path[0]!, SOME_HASH, ...path.slice(1)], root(size)]);
      for (const [i, s, l, p, r] of probes) expect(verifyInclusion(i, s, l, p, r)).toBe(false);
    },
  );

  it.each(CONSISTENCY)(
    'generates and verifies the known consistency proof from %i to %i',
    (size1, size2, proof) => {
      expect(hex(tree.consistencyProof(size1, size2))).toEqual(proof);
      const path = proof.map(h);
      const [root1, root2] = [root(size1), root(size2)];
      expect(verifyConsistency(size1, size2, path, root1, root2)).toBe(true);
      if (path.length === 0) return;

      // The corruptions of verify_test.go corruptConsistencyProof: each must fail.
      const probes: [number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
        [size1 - 1, size2, root1, root2, path],
        [size1 + 1, size2, root1, root2, path],
        [size1 ^ 2, size2, root1, root2, path],
        [size1, size2 * 2, root1, root2, path],
        [size1, Math.floor(size2 / 2), root1, root2, path],
        [size1, size2, Buffer.from('WrongRoot'), root2, path],
        [size1, size2, root1, Buffer.from('WrongRoot'), path],
        [size1, size2, root2, root1, path],
        [size1, size2, root1, root2, []],
        [size1, size2, root1, root2, [...path, Buffer.alloc(0)]],
        [size1, size2, root1, root2, [...path, root1]],
        [size1, size2, root1, root2, [...path, root2]],
        [size1, size2, root1, root2, [Buffer.alloc(0), ...path]],
        [size1, size2, root1, root2, [root1, ...path]],
        [size1, size2, root1, root2, [root2, ...path]],
        [size1, size2, root1, root2, [path[0]!, ...path]],
        [size1, size2, root1, root2, path.slice(0, -1)],
      ];
      for (let i = 0; i < path.length; i++) {
        const wrong = path.map((p, j) => (j === i ? flipBit(p, 4) : p));
        probes.push([size1, size2, root1, root2, wrong]);
      }
      for (const [s1, s2, r1, r2, p] of probes)
        expect(verifyConsistency(s1, s2, p, r1, r2)).toBe(false);
    },
  );

  it('applies the edge cases of verify_test.go TestVerifyConsistency', () => {
    const [r1, r2] = [Buffer.from("don't care 1"), Buffer.from("don't care 2")].map((b) =>
      hashLeaf(b),
    ) as [Buffer, Buffer];
    const cases: [number, number, Uint8Array, Uint8Array, Uint8Array[], boolean][] = [
      [0, 0, r1, r2, [], false],
      [1, 1, r1, r2, [], false],
      [0, 0, r1, r1, [], true],
      [0, 1, r1, r2, [], true],
      [1, 1, r2, r2, [], true],
      [1, 0, r1, r2, [], false],
      [2, 1, r1, r2, [], false],
      [1, 2, r1, r2, [], false],
      [0, 0, EMPTY_ROOT, r2, [], false],
      [1, 1, EMPTY_ROOT, r2, [], false],
      [0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], false],
      [0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], false],
      [1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], false],
    ];
    for (const [s1, s2, a, b, p, want] of cases)
      expect(verifyConsistency(s1, s2, p, a, b)).toBe(want);
  });

  it('refuses proofs for leaves and sizes outside the tree', () => {
    expect(() => tree.inclusionProof(8, 8)).toThrow(
      expect.objectContaining({ code: 'AUDIT_RANGE_INVALID' }),
    );
    expect(() => tree.inclusionProof(0, 9)).toThrow(
      expect.objectContaining({ code: 'AUDIT_RANGE_INVALID' }),
    );
    expect(() => tree.consistencyProof(5, 4)).toThrow(
      expect.objectContaining({ code: 'AUDIT_RANGE_INVALID' }),
    );
    expect(tree.consistencyProof(0, 8)).toEqual([]);
    expect(verifyInclusion(0, 0, leafHashes[0]!, [], EMPTY_ROOT)).toBe(false);
  });
});

describe('hash chain', () => {
  it('chains SHA-256(previous || leaf) from 32 zero bytes', () => {
    const chain = chainHashes(leafHashes.slice(0, 3));
    expect(CHAIN_GENESIS).toEqual(Buffer.alloc(32));
    expect(chain[0]).toEqual(chainHash(Buffer.alloc(32), leafHashes[0]!));
    expect(chain[2]).toEqual(chainHash(chain[1]!, leafHashes[2]!));
    expect(chainHashes(leafHashes.slice(2, 3), chain[1])).toEqual([chain[2]]);
  });
});
