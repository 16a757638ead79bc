import type { KeyObject } from 'node:crypto';
import type { Clock } from '../clock/index.ts';
import type { RelationalStore, SqlExecutor } from '../storage/index.ts';
import type { AuditEntry, AuditRecord } from './audit-record.ts';
import type { AuditFilter } from './audit-store.ts';
import type { VerifyReport } from './log-verification.ts';

/** A page query over records, oldest first unless `order` is `desc`. */
export interface AuditListQuery extends AuditFilter {
  /** From the previous page's `nextCursor`. */
  readonly cursor?: string;
  /** 1 to 1000. */
  readonly limit: number;
  readonly order?: 'asc' | 'desc';
}

export interface AuditPage {
  readonly records: AuditRecord[];
  readonly nextCursor?: string;
}

/** A tree head signed as a c2sp.org/tlog-checkpoint note. */
export interface SignedCheckpoint {
  readonly origin: string;
  readonly treeSize: number;
  /** Hex; the note holds the same hash in base64. */
  readonly rootHash: string;
  /** The signed note, verifiable with the log's verifier key alone. */
  readonly note: string;
  /** When it was signed, ISO 8601 (not part of the signed text). */
  readonly createdAt: string;
}

/** An RFC 9162 inclusion proof (audit path) of record `seq`, leaf `seq - 1`, hashes in hex. */
export interface AuditInclusionProof {
  readonly seq: number;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly rootHash: string;
  readonly proof: string[];
}

/** An RFC 9162 consistency proof between two tree sizes, hashes in hex. */
export interface AuditConsistencyProof {
  readonly fromSize: number;
  readonly toSize: number;
  readonly fromRoot: string;
  readonly toRoot: string;
  readonly proof: string[];
}

export type AuditExportFormat = 'ndjson' | 'csv';

/**
 * The tamper-evident audit log: records appended inside the caller's transaction, hash-chained,
 * leaves of an RFC 9162 Merkle tree whose heads are signed as C2SP checkpoints.
 */
export interface AuditLog {
  /** The note verifier key of the log (`<name>+<hash>+<key>`): publish it for offline checks. */
  readonly verifierKey: string;
  /**
   * Appends a record in `tx`, the caller's transaction: it commits with the change or not at
   * all. Sequence numbers are gapless: appends queue on a row lock held until `tx` ends.
   * Throws `AUDIT_ENTRY_INVALID` for a bad entry and `AUDIT_APPEND_FAILED` for anything else.
   */
  append(tx: SqlExecutor, entry: AuditEntry): Promise<AuditRecord>;
  /** Records matching the filter, a page at a time. */
  list(query: AuditListQuery): Promise<AuditPage>;
  /** `hmac-sha256:<hex>` of a value, to find records whose sensitive field held it. */
  hashSensitive(value: string): string;
  /**
   * Signs the current tree head and stores it, after checking the records added since the
   * latest checkpoint (`AUDIT_LOG_CORRUPT` if they do not verify). Returns the latest
   * checkpoint unchanged when nothing was appended since.
   */
  checkpoint(): Promise<SignedCheckpoint>;
  latestCheckpoint(): Promise<SignedCheckpoint | undefined>;
  /**
   * Proof that record `seq` is in the tree of `treeSize` records: by default the latest
   * checkpoint's size when it covers `seq`, else the current size.
   */
  inclusionProof(seq: number, treeSize?: number): Promise<AuditInclusionProof>;
  /** Proof that the tree of `toSize` (default as above) extends the tree of `fromSize`. */
  consistencyProof(fromSize: number, toSize?: number): Promise<AuditConsistencyProof>;
  /**
   * Recomputes every leaf hash from the stored canonical JSON, the chain, seq continuity and the
   * tree heads of all stored checkpoints, plus `checkpoints` kept elsewhere (signed notes), and
   * reports the first break.
   */
  verify(options?: { readonly checkpoints?: readonly string[] }): Promise<VerifyReport>;
  /**
   * Streams records as lines (each ending in a newline). NDJSON carries a signed checkpoint
   * covering every exported record, and inclusion proofs when a filter leaves records out;
   * `verifyExport` checks it with the verifier key alone. CSV is for people and not verifiable.
   */
  export(filter: AuditFilter, format: AuditExportFormat): AsyncIterable<string>;
}

export interface AuditLogDeps {
  readonly store: RelationalStore;
  /** Signs checkpoints. `keyName` should equal `origin` (c2sp.org/tlog-checkpoint). */
  readonly signer: { readonly keyName: string; readonly privateKey: KeyObject };
  /** At least 32 bytes; held like the signing key, never in the database. */
  readonly hmacKey: Uint8Array;
  readonly clock: Clock;
  /** The log's identity, the first line of its checkpoints, e.g. `secops.example.com/audit`. */
  readonly origin: string;
}
