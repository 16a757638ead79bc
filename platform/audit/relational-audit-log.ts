import { createPublicKey } from 'node:crypto';
import type { SqlExecutor } from '../storage/index.ts';
import { AuditError } from './audit-errors.ts';
import { assertHmacKey, assertSigningKey } from './audit-keys.ts';
import type {
  AuditConsistencyProof,
  AuditExportFormat,
  AuditInclusionProof,
  AuditListQuery,
  AuditLog,
  AuditLogDeps,
  AuditPage,
  SignedCheckpoint,
} from './audit-log.ts';
import { encodeRecord, parseAuditEntry, recordColumns, toRecordDocument } from './audit-record.ts';
import type { AuditOutcome, AuditRecord, AuditRecordDocument } from './audit-record.ts';
import {
  advanceHead,
  checkpointAtOrAbove,
  insertCheckpoint,
  insertRecord,
  latestCheckpointRow,
  listRows,
  maxSeq,
  recordAt,
  scanLeafHashes,
  scanRows,
} from './audit-store.ts';
import type { AuditFilter, CheckpointRow, RecordRow } from './audit-store.ts';
import { signCheckpoint } from './checkpoint.ts';
import { checkpointLine, csvHeaderLine, csvLine, headerLine, recordLine } from './export-lines.ts';
import { chainHash } from './hash-chain.ts';
import { createChainVerifier, isBreak } from './log-verification.ts';
import type { ChainVerifier } from './log-verification.ts';
import { createMerkleTree } from './merkle-tree.ts';
import { hmacSensitive } from './sensitive-hmac.ts';
import { isKeyName, parseVerifierKey, verifierKey } from './signed-note.ts';
import { claimed, openRow, verifyStoredLog } from './verify-stored-log.ts';

const MAX_LIMIT = 1000;
const ACTION_PREFIX = /^[a-z0-9_.-]{1,128}$/;
const OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'denied'];

/**
 * The audit log over the relational store (SQLite or PostgreSQL, same SQL). Apply
 * `auditMigrations` first. Keys come from the caller (`loadAuditKeys`), never from the database.
 */
export function createAuditLog(deps: AuditLogDeps): AuditLog {
  const { store, clock, origin } = deps;
  const { keyName, privateKey } = deps.signer;
  assertSigningKey(privateKey);
  assertHmacKey(deps.hmacKey);
  if (!isKeyName(keyName)) {
    throw new AuditError(
      'AUDIT_KEY_INVALID',
      'the key name must be non-empty, without spaces or +',
    );
  }
  if (origin === '' || /[\n\r]/.test(origin)) {
    throw new AuditError('AUDIT_KEY_INVALID', 'the origin must be one non-empty line');
  }
  const hmacKey = Buffer.from(deps.hmacKey);
  const signer = { name: keyName, privateKey };
  const vkey = verifierKey(keyName, createPublicKey(privateKey));
  const verifier = parseVerifierKey(vkey);

  const toSigned = (row: CheckpointRow): SignedCheckpoint => ({
    origin,
    treeSize: row.tree_size,
    rootHash: row.root_hash,
    note: row.note,
    createdAt: new Date(row.created_at).toISOString(),
  });

  function corrupt(message: string, details: Record<string, unknown> = {}): never {
    throw new AuditError('AUDIT_LOG_CORRUPT', `the audit log does not verify: ${message}`, {
      details,
    });
  }

  // Proofs default to the latest checkpoint's tree size when it covers `atLeast`.
  async function defaultTreeSize(atLeast: number): Promise<number> {
    const latest = await latestCheckpointRow(store);
    return latest !== undefined && latest.tree_size >= atLeast ? latest.tree_size : maxSeq(store);
  }

  async function loadLeafHashes(treeSize: number): Promise<Buffer[]> {
    const hashes: Buffer[] = [];
    for await (const row of scanLeafHashes(store, treeSize)) {
      if (row.seq !== hashes.length + 1) corrupt(`record ${hashes.length + 1} is missing`);
      hashes.push(Buffer.from(row.leaf_hash, 'hex'));
    }
    if (hashes.length !== treeSize) corrupt(`record ${hashes.length + 1} is missing`);
    return hashes;
  }

  // Picks up the chain and tree where the latest checkpoint left them, after checking it.
  async function resumeAfter(latest: CheckpointRow): Promise<ChainVerifier> {
    const opened = openRow(latest, verifier, origin);
    if (isBreak(opened)) corrupt(`the latest checkpoint: ${opened.message}`);
    let previousChain = '0'.repeat(64);
    if (latest.tree_size > 0) {
      const previous = await recordAt(store, latest.tree_size);
      if (previous === undefined) corrupt(`record ${latest.tree_size} is missing`);
      previousChain = previous.chain_hash;
    }
    let chain: ChainVerifier | undefined;
    try {
      const hashes = (JSON.parse(latest.compact_range) as string[]).map((h) =>
        Buffer.from(h, 'hex'),
      );
      chain = createChainVerifier({
        size: latest.tree_size,
        hashes,
        chainHash: Buffer.from(previousChain, 'hex'),
      });
    } catch {
      corrupt('the compact range of the latest checkpoint is unreadable');
    }
    if (!chain.rootHash().equals(opened.rootHash)) {
      corrupt('the compact range of the latest checkpoint does not lead to its signed head');
    }
    return chain;
  }

  async function checkpoint(): Promise<SignedCheckpoint> {
    const latest = await latestCheckpointRow(store);
    const chain = latest === undefined ? createChainVerifier() : await resumeAfter(latest);
    for await (const row of scanRows(store, { after: chain.size })) {
      const expected = chain.size + 1;
      if (row.seq !== expected) corrupt(`record ${expected} is missing`, { seq: expected });
      const accepted = chain.accept(claimed(row));
      if (isBreak(accepted))
        corrupt(accepted.message, { seq: accepted.seq, reason: accepted.reason });
    }
    if (latest?.tree_size === chain.size) return toSigned(latest);
    const rootHash = chain.rootHash();
    const row: CheckpointRow = {
      tree_size: chain.size,
      root_hash: rootHash.toString('hex'),
      note: signCheckpoint({ origin, treeSize: chain.size, rootHash }, signer),
      compact_range: JSON.stringify(chain.compactRange().map((h) => h.toString('hex'))),
      created_at: clock.now(),
    };
    if (await insertCheckpoint(store, row)) return toSigned(row);
    // A concurrent call stored this size first; it signed the same head.
    return toSigned((await checkpointAtOrAbove(store, row.tree_size)) ?? row);
  }

  async function checkRange(ok: boolean, size: number, message: string): Promise<void> {
    if (!ok || !Number.isSafeInteger(size) || size > (await maxSeq(store))) {
      throw new AuditError('AUDIT_RANGE_INVALID', message);
    }
  }

  async function* exportLines(
    filter: AuditFilter,
    format: AuditExportFormat,
  ): AsyncGenerator<string> {
    checkFilter(filter);
    if (format === 'csv') {
      yield csvHeaderLine();
      for await (const row of scanRows(store, { filter })) yield csvLine(row);
      return;
    }
    const anchor = await checkpoint();
    yield headerLine({ origin, keyName, filter, exportedAt: new Date(clock.now()).toISOString() });
    yield checkpointLine(anchor);
    const upTo = anchor.treeSize;
    if (Object.values(filter).every((v) => v === undefined)) {
      for await (const row of scanRows(store, { upTo })) yield recordLine(row);
      return;
    }
    // A selection: each record carries its inclusion proof against the checkpoint.
    const tree = createMerkleTree(await loadLeafHashes(upTo));
    for await (const row of scanRows(store, { filter, upTo })) {
      yield recordLine(row, tree.inclusionProof(row.seq - 1));
    }
  }

  return {
    verifierKey: vkey,

    async append(tx: SqlExecutor, entry): Promise<AuditRecord> {
      const valid = parseAuditEntry(entry);
      // Encode once before taking a seq, so a bad entry never reaches the head row.
      encodeRecord(toRecordDocument(valid, Number.MAX_SAFE_INTEGER, clock.now(), hmacKey));
      try {
        // A savepoint: if anything below fails, the seq taken is given back even when the
        // caller catches the error and commits its transaction.
        return await tx.transaction(async (sp) => {
          const head = await advanceHead(sp);
          const doc = toRecordDocument(valid, head.seq, clock.now(), hmacKey);
          const { canonical, leafHash } = encodeRecord(doc);
          const chain = chainHash(Buffer.from(head.chainHash, 'hex'), leafHash).toString('hex');
          const stored = JSON.parse(canonical) as AuditRecordDocument;
          const row: RecordRow = {
            seq: head.seq,
            ...recordColumns(stored),
            record_json: canonical,
            leaf_hash: leafHash.toString('hex'),
            chain_hash: chain,
          };
          await insertRecord(sp, row);
          return { ...stored, leafHash: row.leaf_hash, chainHash: chain };
        });
      } catch (cause) {
        if (cause instanceof AuditError && cause.code === 'AUDIT_ENTRY_INVALID') throw cause;
        throw new AuditError('AUDIT_APPEND_FAILED', 'the audit record could not be written', {
          cause,
        });
      }
    },

    async list(query: AuditListQuery): Promise<AuditPage> {
      const { cursor, limit, order, ...filter } = query;
      checkFilter(filter);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        throw new AuditError(
          'AUDIT_FILTER_INVALID',
          `limit must be an integer from 1 to ${MAX_LIMIT}`,
        );
      }
      const descending = order === 'desc';
      const at = cursor === undefined ? undefined : decodeCursor(cursor);
      const rows = await listRows(store, filter, {
        ...(at === undefined ? {} : descending ? { before: at } : { after: at }),
        limit: limit + 1,
        descending,
      });
      const records = rows.slice(0, limit).map(toRecord);
      const last = records.at(-1);
      return rows.length > limit && last !== undefined
        ? { records, nextCursor: encodeCursor(last.seq) }
        : { records };
    },

    hashSensitive: (value) => hmacSensitive(hmacKey, value),

    checkpoint,

    async latestCheckpoint() {
      const row = await latestCheckpointRow(store);
      return row === undefined ? undefined : toSigned(row);
    },

    async inclusionProof(seq, treeSize): Promise<AuditInclusionProof> {
      const size = treeSize ?? (await defaultTreeSize(seq));
      const ok = Number.isSafeInteger(seq) && seq >= 1 && seq <= size;
      await checkRange(ok, size, `record ${seq} is not in a tree of ${size}`);
      const hashes = await loadLeafHashes(size);
      const tree = createMerkleTree(hashes);
      return {
        seq,
        leafIndex: seq - 1,
        treeSize: size,
        leafHash: hashes[seq - 1]?.toString('hex') ?? '',
        rootHash: tree.rootHash().toString('hex'),
        proof: tree.inclusionProof(seq - 1).map((h) => h.toString('hex')),
      };
    },

    async consistencyProof(fromSize, toSize): Promise<AuditConsistencyProof> {
      const size = toSize ?? (await defaultTreeSize(fromSize));
      const ok = Number.isSafeInteger(fromSize) && fromSize >= 0 && fromSize <= size;
      await checkRange(ok, size, `no tree of ${fromSize} inside ${size}`);
      const tree = createMerkleTree(await loadLeafHashes(size));
      return {
        fromSize,
        toSize: size,
        fromRoot: tree.rootHash(fromSize).toString('hex'),
        toRoot: tree.rootHash().toString('hex'),
        proof: tree.consistencyProof(fromSize).map((h) => h.toString('hex')),
      };
    },

    verify: (options) =>
      verifyStoredLog(store, { verifier, origin, external: options?.checkpoints ?? [] }),

    export: (filter: AuditFilter, format: AuditExportFormat) => exportLines(filter, format),
  };
}

function toRecord(row: RecordRow): AuditRecord {
  const doc = JSON.parse(row.record_json) as AuditRecordDocument;
  return { ...doc, leafHash: row.leaf_hash, chainHash: row.chain_hash };
}

function checkFilter(filter: AuditFilter): void {
  for (const name of ['tenantId', 'actorId', 'action', 'resourceType', 'resourceId'] as const) {
    const value: unknown = filter[name];
    if (value !== undefined && typeof value !== 'string') {
      throw new AuditError('AUDIT_FILTER_INVALID', `${name} must be a string`);
    }
  }
  for (const name of ['from', 'to'] as const) {
    const value: unknown = filter[name];
    if (value !== undefined && !Number.isSafeInteger(value)) {
      throw new AuditError('AUDIT_FILTER_INVALID', `${name} must be epoch milliseconds`);
    }
  }
  const prefix: unknown = filter.actionPrefix;
  if (prefix !== undefined && (typeof prefix !== 'string' || !ACTION_PREFIX.test(prefix))) {
    throw new AuditError(
      'AUDIT_FILTER_INVALID',
      'actionPrefix must be 1 to 128 lower-case letters, digits, dots, dashes or underscores',
    );
  }
  const outcome: unknown = filter.outcome;
  if (outcome !== undefined && !OUTCOMES.includes(outcome as AuditOutcome)) {
    throw new AuditError('AUDIT_FILTER_INVALID', `outcome must be one of ${OUTCOMES.join(', ')}`);
  }
  const seq: unknown = filter.seq;
  if (seq !== undefined && !(Number.isSafeInteger(seq) && (seq as number) >= 1)) {
    throw new AuditError('AUDIT_FILTER_INVALID', 'seq must be a positive integer');
  }
  const after: unknown = filter.afterSeq;
  if (after !== undefined && !(Number.isSafeInteger(after) && (after as number) >= 0)) {
    throw new AuditError('AUDIT_FILTER_INVALID', 'afterSeq must be an integer of 0 or more');
  }
}

function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^seq:([1-9][0-9]{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (match === null)
    throw new AuditError('AUDIT_FILTER_INVALID', 'the cursor is not one this log issued');
  return Number(match[1]);
}
