import { isRecordDocument, leafHashOf, recordColumns } from './audit-record.ts';
import type { AuditRecordDocument, RecordColumns } from './audit-record.ts';
import type { Checkpoint } from './checkpoint.ts';
import { CHAIN_GENESIS, chainHash } from './hash-chain.ts';
import { createCompactRange } from './merkle-tree.ts';

/** Why verification stopped. */
export type BreakReason =
  /** A record's content, hashes or indexed columns were changed. */
  | 'edited'
  /** A record is absent: deleted, or left out of an export. */
  | 'missing'
  /** A record sits at another record's place. */
  | 'reordered'
  /** Records a signed checkpoint (or the log head) covers are gone from the end. */
  | 'truncated'
  /** A checkpoint's signature does not verify with the log's key, or its row was changed. */
  | 'bad-checkpoint-signature'
  /** The records are self-consistent but do not hash to a signed tree head: rewritten. */
  | 'checkpoint-mismatch'
  /** An export line that is not what the format allows. */
  | 'malformed';

/** The first thing found wrong. */
export interface VerifyBreak {
  readonly reason: BreakReason;
  /** The first record wrong or missing, when one can be named. */
  readonly seq?: number;
  /** The tree size of the checkpoint involved. */
  readonly treeSize?: number;
  /** The 1-based line of an export. */
  readonly line?: number;
  readonly message: string;
}

/** The outcome of `AuditLog.verify` or `verifyExport`. */
export interface VerifyReport {
  readonly ok: boolean;
  /** Records checked before the first break (all of them when `ok`). */
  readonly records: number;
  /** Signed checkpoints whose signature and tree head were checked. */
  readonly checkpoints: number;
  /** The largest tree size a verified signature covers. */
  readonly treeSize: number;
  /** True when the records are the whole log from seq 1 to `treeSize`, none left out. */
  readonly complete: boolean;
  readonly broken?: VerifyBreak;
}

/** A record as stored or exported: where it claims to be, its canonical text, its hashes. */
export interface ClaimedRecord {
  readonly seq: number;
  readonly canonical: string;
  readonly leafHash: string;
  readonly chainHash: string;
  /** The indexed columns of a stored row, which must agree with the content. */
  readonly columns?: RecordColumns;
}

function sameColumns(record: ClaimedRecord, doc: AuditRecordDocument): boolean {
  if (record.columns === undefined) return true;
  const want = recordColumns(doc);
  return (Object.keys(want) as (keyof RecordColumns)[]).every(
    (name) => record.columns?.[name] === want[name],
  );
}

/**
 * Checks a record's content on its own: a valid document, at its own seq, hashing to its leaf
 * hash. Returns the document and leaf hash, or the break.
 */
export function checkContent(
  record: ClaimedRecord,
): { doc: AuditRecordDocument; leafHash: Buffer } | VerifyBreak {
  const { seq } = record;
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.canonical);
  } catch {
    parsed = undefined;
  }
  if (!isRecordDocument(parsed)) {
    return { reason: 'edited', seq, message: `record ${seq} is not a valid audit record` };
  }
  if (parsed.seq !== seq) {
    return {
      reason: 'reordered',
      seq,
      message: `the place of record ${seq} holds record ${parsed.seq}`,
    };
  }
  const leafHash = leafHashOf(record.canonical);
  if (leafHash.toString('hex') !== record.leafHash) {
    return { reason: 'edited', seq, message: `record ${seq} does not match its leaf hash` };
  }
  return { doc: parsed, leafHash };
}

/** Running state of a sequential check from seq 1: hash chain and Merkle tree head. */
export interface ChainVerifier {
  /** Records accepted: the seq of the last one. */
  readonly size: number;
  /**
   * Checks the record that must come next (`seq === size + 1`, the caller sees to gaps) and
   * extends the chain and tree with it. Returns the document, or the break.
   */
  accept(record: ClaimedRecord): AuditRecordDocument | VerifyBreak;
  /** Compares a checkpoint of the current size with the recomputed tree head. */
  checkHead(checkpoint: Checkpoint): VerifyBreak | undefined;
  /** The tree head of the records accepted so far. */
  rootHash(): Buffer;
  /** The compact range to resume from later (see `createCompactRange`). */
  compactRange(): Buffer[];
}

/** Starts at seq 1, or resumes after a verified checkpoint from its compact range and chain hash. */
export function createChainVerifier(from?: {
  readonly size: number;
  readonly hashes: readonly Uint8Array[];
  readonly chainHash: Uint8Array;
}): ChainVerifier {
  const range = createCompactRange(from);
  let chain: Buffer = from === undefined ? CHAIN_GENESIS : Buffer.from(from.chainHash);
  let lastGood = from?.size ?? 0;
  return {
    get size() {
      return range.size;
    },
    accept(record) {
      const content = checkContent(record);
      if (isBreak(content)) return content;
      const next = chainHash(chain, content.leafHash);
      if (next.toString('hex') !== record.chainHash) {
        return {
          reason: 'edited',
          seq: record.seq,
          message: `the chain hash of record ${record.seq} does not follow from record ${record.seq - 1}`,
        };
      }
      if (!sameColumns(record, content.doc)) {
        return {
          reason: 'edited',
          seq: record.seq,
          message: `the indexed columns of record ${record.seq} differ from its content`,
        };
      }
      chain = next;
      range.append(content.leafHash);
      return content.doc;
    },
    checkHead(checkpoint) {
      if (checkpoint.treeSize !== range.size) {
        throw new RangeError('checkHead needs a checkpoint of the current size');
      }
      if (!range.rootHash().equals(checkpoint.rootHash)) {
        return {
          reason: 'checkpoint-mismatch',
          treeSize: checkpoint.treeSize,
          message: `records 1..${checkpoint.treeSize} do not hash to the signed tree head of size ${checkpoint.treeSize}; a record after ${lastGood} was rewritten`,
        };
      }
      lastGood = checkpoint.treeSize;
      return undefined;
    },
    rootHash: () => range.rootHash(),
    compactRange: () => range.hashes(),
  };
}

export function isBreak(value: object): value is VerifyBreak {
  // Documents are strict objects without these members, so the two cannot be confused.
  return 'reason' in value && 'message' in value;
}
