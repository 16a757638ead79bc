import type { SqlExecutor } from '../storage/index.ts';
import { headSeq, scanCheckpoints, scanRows } from './audit-store.ts';
import type { CheckpointRow, RecordRow } from './audit-store.ts';
import { openCheckpoint } from './checkpoint.ts';
import type { Checkpoint } from './checkpoint.ts';
import { createChainVerifier, isBreak } from './log-verification.ts';
import type { ClaimedRecord, VerifyBreak, VerifyReport } from './log-verification.ts';
import type { NoteVerifier } from './signed-note.ts';

interface Head {
  readonly size: number;
  readonly value: Checkpoint | VerifyBreak;
}

/**
 * Verifies the stored log from seq 1: every record against its content, the chain and seq
 * continuity, and every stored checkpoint (and each of `external`, signed notes kept elsewhere)
 * against the recomputed tree head at its size. Stops at the first break, in log order.
 */
export async function verifyStoredLog(
  db: SqlExecutor,
  context: {
    readonly verifier: NoteVerifier;
    readonly origin: string;
    readonly external: readonly string[];
  },
): Promise<VerifyReport> {
  const { verifier, origin } = context;
  const external: Head[] = context.external.map((note) => {
    const value = open(note, verifier, origin);
    return { size: isBreak(value) ? -1 : value.treeSize, value };
  });
  external.sort((a, b) => a.size - b.size);
  const heads = peekable(merge(storedHeads(db, verifier, origin), external));
  const chain = createChainVerifier();
  let checkpoints = 0;
  let treeSize = 0;
  const report = (broken?: VerifyBreak): VerifyReport => ({
    ok: broken === undefined,
    records: chain.size,
    checkpoints,
    treeSize,
    complete: broken === undefined,
    ...(broken === undefined ? {} : { broken }),
  });

  // Checks every checkpoint at or below the current size (they come in size order).
  const checkHeads = async (): Promise<VerifyBreak | undefined> => {
    for (
      let next = await heads.peek();
      next !== undefined && next.size <= chain.size;
      next = await heads.peek()
    ) {
      await heads.take();
      if (isBreak(next.value)) return next.value;
      const broken = chain.checkHead(next.value);
      if (broken !== undefined) return broken;
      checkpoints += 1;
      treeSize = Math.max(treeSize, next.size);
    }
    return undefined;
  };

  let broken = await checkHeads();
  if (broken !== undefined) return report(broken);
  for await (const row of scanRows(db)) {
    const expected = chain.size + 1;
    if (row.seq !== expected) {
      return report({
        reason: 'missing',
        seq: expected,
        message: `record ${expected} is missing (next stored is ${row.seq})`,
      });
    }
    const accepted = chain.accept(claimed(row));
    if (isBreak(accepted)) return report(accepted);
    broken = await checkHeads();
    if (broken !== undefined) return report(broken);
  }

  const beyond = await heads.take();
  if (beyond !== undefined) {
    if (isBreak(beyond.value)) return report(beyond.value);
    return report({
      reason: 'truncated',
      seq: chain.size + 1,
      treeSize: beyond.size,
      message: `a signed checkpoint covers ${beyond.size} records; only ${chain.size} remain`,
    });
  }
  const head = await headSeq(db);
  if (head !== undefined && head > chain.size) {
    return report({
      reason: 'truncated',
      seq: chain.size + 1,
      message: `the log head counts ${head} records; only ${chain.size} remain`,
    });
  }
  return report();
}

export function claimed(row: RecordRow): ClaimedRecord {
  const { seq, record_json, leaf_hash, chain_hash, ...columns } = row;
  return { seq, canonical: record_json, leafHash: leaf_hash, chainHash: chain_hash, columns };
}

/** Opens a stored checkpoint and checks its row agrees with the signed note. */
export function openRow(
  row: CheckpointRow,
  verifier: NoteVerifier,
  origin: string,
): Checkpoint | VerifyBreak {
  const value = open(row.note, verifier, origin);
  if (isBreak(value)) return { ...value, treeSize: row.tree_size };
  if (value.treeSize !== row.tree_size || value.rootHash.toString('hex') !== row.root_hash) {
    return {
      reason: 'bad-checkpoint-signature',
      treeSize: row.tree_size,
      message: `the checkpoint row of size ${row.tree_size} does not match its signed note`,
    };
  }
  return value;
}

function open(note: string, verifier: NoteVerifier, origin: string): Checkpoint | VerifyBreak {
  try {
    return openCheckpoint(note, [verifier], origin);
  } catch (cause) {
    return {
      reason: 'bad-checkpoint-signature',
      message: `a checkpoint does not verify with the log's key: ${(cause as Error).message}`,
    };
  }
}

async function* storedHeads(
  db: SqlExecutor,
  verifier: NoteVerifier,
  origin: string,
): AsyncGenerator<Head> {
  for await (const row of scanCheckpoints(db)) {
    yield { size: row.tree_size, value: openRow(row, verifier, origin) };
  }
}

async function* merge(
  stored: AsyncGenerator<Head>,
  external: readonly Head[],
): AsyncGenerator<Head> {
  const pending = [...external];
  for await (const head of stored) {
    while (pending[0] !== undefined && pending[0].size <= head.size) yield pending.shift() ?? head;
    yield head;
  }
  yield* pending;
}

function peekable<T>(source: AsyncIterator<T>): {
  peek(): Promise<T | undefined>;
  take(): Promise<T | undefined>;
} {
  let buffered: { value: T | undefined } | undefined;
  const pull = async (): Promise<T | undefined> => {
    const next = await source.next();
    return next.done === true ? undefined : next.value;
  };
  return {
    peek: async () => {
      buffered ??= { value: await pull() };
      return buffered.value;
    },
    take: async () => {
      const value = buffered === undefined ? await pull() : buffered.value;
      buffered = undefined;
      return value;
    },
  };
}
