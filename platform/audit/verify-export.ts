import { canonicalJson } from './canonical-json.ts';
import { openCheckpoint } from './checkpoint.ts';
import type { Checkpoint } from './checkpoint.ts';
import { EXPORT_FORMAT } from './export-lines.ts';
import { chainHash } from './hash-chain.ts';
import { checkContent, createChainVerifier, isBreak } from './log-verification.ts';
import type { ClaimedRecord, VerifyBreak, VerifyReport } from './log-verification.ts';
import { EMPTY_ROOT } from './merkle-tree.ts';
import { verifyInclusion } from './merkle-verify.ts';
import { parseVerifierKey } from './signed-note.ts';

const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * Verifies an NDJSON export offline with the log's verifier key alone: the checkpoints'
 * signatures, every record's leaf hash from its canonical JSON, and then either the whole chain
 * and tree head (a full export: `complete` is true) or each record's inclusion proof (a filtered
 * one). Reports the first broken line. Throws `AUDIT_KEY_INVALID` for a malformed key.
 */
export async function verifyExport(
  lines: AsyncIterable<string> | Iterable<string> | string,
  publicVerifierKey: string,
): Promise<VerifyReport> {
  const verifier = parseVerifierKey(publicVerifierKey);
  const chain = createChainVerifier();
  const heads = new Map<number, Checkpoint>();
  let anchor: Checkpoint | undefined;
  let mode: 'chain' | 'proof' | undefined;
  let sawHeader = false;
  let line = 0;
  let records = 0;
  let gap: { line: number; seq: number } | undefined;
  let previous: { seq: number; chainHash: string } | undefined;

  const report = (broken?: VerifyBreak): VerifyReport => ({
    ok: broken === undefined,
    records,
    checkpoints: heads.size,
    treeSize: anchor?.treeSize ?? 0,
    complete: broken === undefined && mode !== 'proof' && chain.size === (anchor?.treeSize ?? -1),
    ...(broken === undefined ? {} : { broken }),
  });
  const at = (reason: VerifyBreak['reason'], message: string, extra: Partial<VerifyBreak> = {}) =>
    report({ reason, line, message: `line ${line}: ${message}`, ...extra });

  for await (const text of splitLines(lines)) {
    line += 1;
    if (text === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return at('malformed', 'not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return at('malformed', 'not a JSON object');
    }
    const item = parsed as Record<string, unknown>;
    if (!sawHeader) {
      if (item.type !== 'header' || item.format !== EXPORT_FORMAT) {
        return at('malformed', `the first line must be the ${EXPORT_FORMAT} header`);
      }
      sawHeader = true;
      continue;
    }

    if (item.type === 'checkpoint') {
      if (mode !== undefined) return at('malformed', 'checkpoints come before the records');
      let checkpoint: Checkpoint;
      try {
        checkpoint = openCheckpoint(String(item.note), [verifier], anchor?.origin);
      } catch (cause) {
        return at('bad-checkpoint-signature', (cause as Error).message);
      }
      const { treeSize, rootHash } = checkpoint;
      if (item.treeSize !== treeSize || item.rootHash !== rootHash.toString('hex')) {
        return at('edited', 'the checkpoint line does not match its signed note', { treeSize });
      }
      if (treeSize === 0 && !rootHash.equals(EMPTY_ROOT)) {
        return at('checkpoint-mismatch', 'a checkpoint of size 0 must have the empty tree head', {
          treeSize,
        });
      }
      heads.set(treeSize, checkpoint);
      if (anchor === undefined || treeSize > anchor.treeSize) anchor = checkpoint;
      continue;
    }

    if (item.type !== 'record')
      return at('malformed', `unknown line type ${JSON.stringify(item.type)}`);
    if (anchor === undefined) return at('malformed', 'no signed checkpoint before the records');
    const { seq, leafHash, chainHash: claimedChain, proof } = item;
    if (!Number.isSafeInteger(seq) || (seq as number) < 1) return at('malformed', 'bad seq');
    if (typeof leafHash !== 'string' || !HEX_HASH.test(leafHash))
      return at('malformed', 'bad leafHash');
    if (typeof claimedChain !== 'string' || !HEX_HASH.test(claimedChain))
      return at('malformed', 'bad chainHash');
    if (proof !== undefined && !isHashList(proof)) return at('malformed', 'bad proof');
    const record: ClaimedRecord = {
      seq: seq as number,
      canonical: '',
      leafHash,
      chainHash: claimedChain,
    };
    const lineMode = proof === undefined ? 'chain' : 'proof';
    if (mode !== undefined && mode !== lineMode)
      return at('malformed', 'records with and without proofs');
    mode = lineMode;
    if (record.seq > anchor.treeSize) {
      return at(
        'malformed',
        `record ${record.seq} is beyond the signed tree head of ${anchor.treeSize}`,
        { seq: record.seq },
      );
    }

    if (gap !== undefined) {
      // After a gap, only look for the record that should have come: reordered if it does.
      if (record.seq === gap.seq) {
        line = gap.line;
        return at('reordered', `record ${gap.seq} comes after later records`, { seq: gap.seq });
      }
      continue;
    }
    let canonical: string;
    try {
      canonical = canonicalJson(item.record);
    } catch {
      return at('edited', `record ${record.seq} is not JSON an audit record can hold`, {
        seq: record.seq,
      });
    }
    const claimed = { ...record, canonical };

    if (mode === 'chain') {
      const expected = chain.size + 1;
      if (record.seq > expected) {
        gap = { line, seq: expected };
        continue;
      }
      if (record.seq < expected) {
        return at('reordered', `record ${record.seq} comes after record ${chain.size}`, {
          seq: record.seq,
        });
      }
      const accepted = chain.accept(claimed);
      if (isBreak(accepted)) return at(accepted.reason, accepted.message, { seq: record.seq });
      records += 1;
      const head = heads.get(chain.size);
      const broken = head === undefined ? undefined : chain.checkHead(head);
      if (broken !== undefined) return at(broken.reason, broken.message, { treeSize: chain.size });
      continue;
    }

    if (previous !== undefined && record.seq <= previous.seq) {
      return at('reordered', `record ${record.seq} comes after record ${previous.seq}`, {
        seq: record.seq,
      });
    }
    const content = checkContent(claimed);
    if (isBreak(content)) return at(content.reason, content.message, { seq: record.seq });
    const path = isHashList(proof) ? proof.map((p) => Buffer.from(p, 'hex')) : [];
    if (
      !verifyInclusion(record.seq - 1, anchor.treeSize, content.leafHash, path, anchor.rootHash)
    ) {
      return at('edited', `record ${record.seq} is not in the signed tree of ${anchor.treeSize}`, {
        seq: record.seq,
      });
    }
    if (previous?.seq === record.seq - 1) {
      const next = chainHash(Buffer.from(previous.chainHash, 'hex'), content.leafHash);
      if (next.toString('hex') !== record.chainHash) {
        return at('edited', `the chain hash of record ${record.seq} does not follow`, {
          seq: record.seq,
        });
      }
    }
    previous = { seq: record.seq, chainHash: record.chainHash };
    records += 1;
  }

  line += 1;
  if (!sawHeader) return at('malformed', 'the export is empty');
  if (anchor === undefined) return at('malformed', 'the export has no signed checkpoint');
  if (gap !== undefined) {
    line = gap.line;
    return at('missing', `record ${gap.seq} is missing`, { seq: gap.seq });
  }
  if (mode !== 'proof' && chain.size < anchor.treeSize) {
    return at('truncated', `the export ends after record ${chain.size} of ${anchor.treeSize}`, {
      seq: chain.size + 1,
      treeSize: anchor.treeSize,
    });
  }
  return report();
}

function isHashList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((p) => typeof p === 'string' && HEX_HASH.test(p));
}

/** Lines of a string, or of chunks that may split lines anywhere; a final `\r` is dropped. */
async function* splitLines(
  input: AsyncIterable<string> | Iterable<string> | string,
): AsyncGenerator<string> {
  const chunks = typeof input === 'string' ? [input] : input;
  let rest = '';
  for await (const chunk of chunks) {
    const text = rest + chunk;
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      yield text.slice(start, end).replace(/\r$/, '');
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (rest !== '') yield rest.replace(/\r$/, '');
}
