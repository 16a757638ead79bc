import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteRelationalStore } from '../storage/index.ts';
import { appendMany, auditFixtures } from './audit-log.contract.ts';
import { canonicalJson } from './canonical-json.ts';
import { chainHash } from './hash-chain.ts';
import { hashLeaf } from './merkle-tree.ts';
import { verifierKey } from './signed-note.ts';
import { verifyExport } from './verify-export.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const fixture = auditFixtures(() => {
  const dir = mkdtempSync(join(tmpdir(), 'secops-audit-export-'));
  dirs.push(dir);
  return Promise.resolve(createSqliteRelationalStore({ path: join(dir, 'state.db') }));
});

interface Line {
  type: string;
  seq?: number;
  leafHash?: string;
  chainHash?: string;
  record?: Record<string, unknown>;
  note?: string;
}

/** An export of eight records (checkpoint at 5, the export signs 8) as text lines. */
async function exported(filter = {}): Promise<{ lines: string[]; key: string }> {
  const f = await fixture();
  await appendMany(f, 5);
  await f.log.checkpoint();
  await appendMany(f, 3, 6);
  const lines: string[] = [];
  for await (const line of f.log.export(filter, 'ndjson')) lines.push(line.slice(0, -1));
  return { lines, key: f.log.verifierKey };
}

const parse = (line: string): Line => JSON.parse(line) as Line;
const text = (lines: readonly string[]): string => `${lines.join('\n')}\n`;
const edit = (lines: readonly string[], at: number, change: (line: Line) => void): string[] =>
  lines.map((line, i) => {
    if (i !== at) return line;
    const parsed = parse(line);
    change(parsed);
    return JSON.stringify(parsed);
  });

describe('verifyExport on a full NDJSON export', () => {
  it('passes with the public key alone, from a string or from chunks split anywhere', async () => {
    const { lines, key } = await exported();
    expect(lines.map((l) => parse(l).type)).toEqual([
      'header',
      'checkpoint',
      ...Array<string>(8).fill('record'),
    ]);
    const want = { ok: true, records: 8, checkpoints: 1, treeSize: 8, complete: true };
    expect(await verifyExport(text(lines), key)).toEqual(want);
    const whole = text(lines).replaceAll('\n', '\r\n');
    async function* chunks() {
      for (let i = 0; i < whole.length; i += 7) yield await Promise.resolve(whole.slice(i, i + 7));
    }
    expect(await verifyExport(chunks(), key)).toEqual(want);
  });

  it('names the first line altered', async () => {
    const { lines, key } = await exported();
    const altered = edit(lines, 4, (l) => {
      if (l.record !== undefined) l.record.outcome = 'denied';
    });
    expect((await verifyExport(text(altered), key)).broken).toMatchObject({
      reason: 'edited',
      line: 5,
      seq: 3,
    });
  });

  it('names the line where a removed record was due', async () => {
    const { lines, key } = await exported();
    const removed = lines.filter((_, i) => i !== 5);
    expect((await verifyExport(text(removed), key)).broken).toMatchObject({
      reason: 'missing',
      line: 6,
      seq: 4,
    });
  });

  it('names the first of two swapped lines', async () => {
    const { lines, key } = await exported();
    const swapped = [...lines];
    [swapped[3], swapped[6]] = [lines[6]!, lines[3]!];
    expect((await verifyExport(text(swapped), key)).broken).toMatchObject({
      reason: 'reordered',
      line: 4,
      seq: 2,
    });
  });

  it('reports records cut from the end as truncated', async () => {
    const { lines, key } = await exported();
    const report = await verifyExport(text(lines.slice(0, -2)), key);
    expect(report).toMatchObject({ ok: false, records: 6, complete: false });
    expect(report.broken).toMatchObject({ reason: 'truncated', seq: 7, treeSize: 8 });
  });

  it('reports a record rewritten with its hashes recomputed against the signed head', async () => {
    const { lines, key } = await exported();
    let previous: Buffer = Buffer.from(parse(lines[2]!).chainHash ?? '', 'hex');
    const forged = lines.map((line, i) => {
      if (i < 3) return line;
      const l = parse(line);
      if (i === 3 && l.record !== undefined) l.record.outcome = 'denied';
      const leaf = hashLeaf(Buffer.from(canonicalJson(l.record)));
      previous = chainHash(previous, leaf);
      return JSON.stringify({
        ...l,
        leafHash: leaf.toString('hex'),
        chainHash: previous.toString('hex'),
      });
    });
    expect((await verifyExport(text(forged), key)).broken).toMatchObject({
      reason: 'checkpoint-mismatch',
      line: 10,
      treeSize: 8,
    });
  });

  it('refuses a tampered checkpoint, another key and a record beyond the signed head', async () => {
    const { lines, key } = await exported();
    const tampered = edit(lines, 1, (l) => {
      l.note = (l.note ?? '').replace('\n8\n', '\n9\n');
    });
    expect((await verifyExport(text(tampered), key)).broken).toMatchObject({
      reason: 'bad-checkpoint-signature',
      line: 2,
    });
    const other = verifierKey('secops.test/audit', generateKeyPairSync('ed25519').publicKey);
    expect((await verifyExport(text(lines), other)).broken).toMatchObject({
      reason: 'bad-checkpoint-signature',
      line: 2,
    });
    const extra = edit([...lines, lines.at(-1)!], 10, (l) => {
      l.seq = 9;
    });
    expect((await verifyExport(text(extra), key)).broken).toMatchObject({
      reason: 'malformed',
      line: 11,
    });
    expect((await verifyExport('', key)).broken).toMatchObject({ reason: 'malformed' });
    expect((await verifyExport(text(lines.slice(1)), key)).broken).toMatchObject({
      reason: 'malformed',
      line: 1,
    });
    await expect(verifyExport(text(lines), 'not a key')).rejects.toMatchObject({
      code: 'AUDIT_KEY_INVALID',
    });
  });
});

describe('verifyExport on a filtered NDJSON export (inclusion proofs)', () => {
  it('passes, and says the selection is not the complete log', async () => {
    const { lines, key } = await exported({ tenantId: 'tenant-b' });
    expect(lines.slice(2).map((l) => parse(l).seq)).toEqual([1, 3, 5, 7]);
    expect(await verifyExport(text(lines), key)).toEqual({
      ok: true,
      records: 4,
      checkpoints: 1,
      treeSize: 8,
      complete: false,
    });
    expect((await verifyExport(text(lines.filter((_, i) => i !== 3)), key)).ok).toBe(true);
  });

  it('names an altered or reordered line', async () => {
    const { lines, key } = await exported({ tenantId: 'tenant-b' });
    const altered = edit(lines, 3, (l) => {
      if (l.record !== undefined) l.record.tenantId = 'tenant-a';
    });
    expect((await verifyExport(text(altered), key)).broken).toMatchObject({
      reason: 'edited',
      line: 4,
      seq: 3,
    });
    const swapped = [...lines];
    [swapped[2], swapped[4]] = [lines[4]!, lines[2]!];
    expect((await verifyExport(text(swapped), key)).broken).toMatchObject({
      reason: 'reordered',
      line: 4,
      seq: 3,
    });
    const moved = edit(lines, 3, (l) => {
      l.seq = 4;
      if (l.record !== undefined) l.record.seq = 4;
    });
    expect((await verifyExport(text(moved), key)).broken).toMatchObject({
      reason: 'edited',
      line: 4,
      seq: 4,
    });
  });
});
