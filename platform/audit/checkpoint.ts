import { AuditError } from './audit-errors.ts';
import { HASH_SIZE } from './merkle-tree.ts';
import { decodeBase64, openNote, signNote } from './signed-note.ts';
import type { NoteSigner, NoteVerifier } from './signed-note.ts';

/** A tree head in the c2sp.org/tlog-checkpoint form. */
export interface Checkpoint {
  /** The log's identity, e.g. `secops.example.com/audit`. */
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: Buffer;
  /** Optional extension lines (not recommended by the spec; none are written by the audit log). */
  readonly extensions?: readonly string[];
}

/** The checkpoint note text: origin, decimal tree size, base64 root hash, extension lines. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, treeSize, rootHash, extensions = [] } = checkpoint;
  if (origin === '' || /[\n\r]/.test(origin)) malformed('the origin must be one non-empty line');
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) malformed('bad tree size');
  if (rootHash.length !== HASH_SIZE) malformed('the root hash has 32 bytes');
  if (extensions.some((line) => line === '' || line.includes('\n'))) {
    malformed('extension lines are non-empty single lines');
  }
  return [origin, String(treeSize), rootHash.toString('base64'), ...extensions, ''].join('\n');
}

/** Parses checkpoint note text; throws `AUDIT_NOTE_MALFORMED` unless it is well-formed. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) malformed('the text ends in a newline');
  const [origin = '', size = '', root = '', ...extensions] = text.slice(0, -1).split('\n');
  if (origin === '') malformed('the origin line is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size))) {
    malformed('the tree size is not a decimal number without leading zeroes');
  }
  const rootHash = decodeBase64(root) ?? malformed('the root hash is not base64');
  if (rootHash.length !== HASH_SIZE) malformed('the root hash is not 32 bytes');
  if (extensions.some((line) => line === '')) malformed('extension lines are non-empty');
  return {
    origin,
    treeSize: Number(size),
    rootHash,
    ...(extensions.length > 0 ? { extensions } : {}),
  };
}

/** Signs a checkpoint: a c2sp.org/signed-note whose text is the checkpoint. */
export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner): string {
  return signNote(formatCheckpoint(checkpoint), signer);
}

/**
 * Opens a signed checkpoint with the known verifiers (see `openNote`) and parses its text. With
 * `origin`, a checkpoint of another log is refused (`AUDIT_NOTE_MALFORMED`).
 */
export function openCheckpoint(
  note: string,
  verifiers: readonly NoteVerifier[],
  origin?: string,
): Checkpoint {
  const checkpoint = parseCheckpoint(openNote(note, verifiers).text);
  if (origin !== undefined && checkpoint.origin !== origin) {
    malformed(
      `the checkpoint is of log ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(origin)}`,
    );
  }
  return checkpoint;
}

function malformed(message: string): never {
  throw new AuditError('AUDIT_NOTE_MALFORMED', `malformed checkpoint: ${message}`);
}
