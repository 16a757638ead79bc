import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../platform/clock/index.ts';
import { auditMigrations, createAuditLog, generateAuditKeys } from '../../platform/audit/index.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import { createSqliteRelationalStore } from '../../platform/storage/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import { verifyAuditExport } from './audit.ts';
import type { AuditVerifyOptions } from './audit.ts';

// `secops audit verify` in process, over exports of a real audit log written to real files.
// (cli.int.test.ts runs the real binary for the exit codes.)

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

async function run(file: string, options: AuditVerifyOptions, stdin = new PassThrough()) {
  const out = collector();
  const err = collector();
  const code = await verifyAuditExport(file, options, {
    stdin,
    stdout: out.stream,
    stderr: err.stream,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('secops audit verify', () => {
  let store: RelationalStore;
  let log: AuditLog;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secops-audit-cli-'));
    dirs.push(dir);
    store = createSqliteRelationalStore({ path: join(dir, 'state.db') });
    await store.migrate(auditMigrations);
    const keys = generateAuditKeys();
    const clock = createManualClock(Date.UTC(2026, 2, 1, 12));
    log = createAuditLog({
      store,
      signer: { keyName: 'secops.test/audit', privateKey: keys.signingKey },
      hmacKey: keys.hmacKey,
      clock,
      origin: 'secops.test/audit',
    });
    await store.transaction(async (tx) => {
      for (let i = 1; i <= 25; i++) {
        clock.advance(1000);
        await log.append(tx, {
          actor: { id: `user-${String(i % 3)}`, kind: 'user', name: 'Ada Lovelace' },
          tenantId: i % 2 === 0 ? 'tenant-a' : 'tenant-b',
          action: i % 5 === 0 ? 'secrets.read' : 'rbac.role.update',
          resource: { type: 'role', id: `role-${String(i)}` },
          outcome: 'success',
          requestId: `req-${String(i)}`,
        });
      }
    });
  });
  afterEach(async () => {
    await store.close();
  });

  /** Writes an export of the log to a file and returns its path. */
  async function exportTo(name: string, filter: Parameters<AuditLog['export']>[0] = {}) {
    let text = '';
    for await (const line of log.export(filter, 'ndjson')) text += line;
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  it('verifies an export and reports the records, tree size and root (exit 0)', async () => {
    const file = await exportTo('audit.ndjson');
    const root = (await log.latestCheckpoint())?.rootHash ?? '';
    const result = await run(file, { key: log.verifierKey });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        `export:     ${file}`,
        'key:        secops.test/audit',
        'records:    25 checked',
        `checkpoint: tree size 25, root ${root} (1 signed head checked)`,
        'result:     OK: records 1 to 25, all of them, as signed',
        '',
      ].join('\n'),
    );

    const json = await run(file, { key: log.verifierKey, json: true });
    expect(JSON.parse(json.stdout)).toEqual({
      file,
      ok: true,
      records: 25,
      checkpoints: 1,
      treeSize: 25,
      complete: true,
      rootHash: root,
    });
  });

  it('reads the key from a file and the export from stdin, filtered exports included', async () => {
    const keyFile = join(dir, 'audit.vkey');
    writeFileSync(keyFile, `\n${log.verifierKey}\n`);
    const file = await exportTo('tenant-a.ndjson', { tenantId: 'tenant-a' });
    const stdin = new PassThrough();
    stdin.end(readFileSync(file));
    const result = await run('-', { key: keyFile }, stdin);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('export:     stdin\n');
    expect(result.stdout).toContain('records:    12 checked\n');
    expect(result.stdout).toContain(
      'OK: every record is in the signed tree (a selection: other records are left out)',
    );
  });

  it('names the first broken record when one byte of it changes (exit 1)', async () => {
    const file = await exportTo('audit.ndjson');
    const lines = readFileSync(file, 'utf8').split('\n');
    // Line 1 is the header, line 2 the checkpoint: record 7 is line 9.
    const at = lines.findIndex((l) => l.includes('"seq":7,'));
    expect(at).toBe(8);
    lines[at] = lines[at]?.replace('req-7', 'req-8') ?? '';
    writeFileSync(file, lines.join('\n'));

    const result = await run(file, { key: log.verifierKey });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('records:    6 checked\n');
    expect(result.stdout).toContain('result:     BROKEN at record 7, line 9: edited\n');
    expect(result.stdout).toMatch(/reason: +line 9: .*7/);
    expect(result.stdout).not.toContain('root ');

    const json = JSON.parse((await run(file, { key: log.verifierKey, json: true })).stdout) as {
      ok: boolean;
      broken: { seq: number; line: number; reason: string };
    };
    expect(json).toMatchObject({ ok: false, broken: { seq: 7, line: 9, reason: 'edited' } });
  });

  it('reports a record removed from the middle or the end', async () => {
    const file = await exportTo('audit.ndjson');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    writeFileSync(file, `${lines.filter((l) => !l.includes('"seq":12,')).join('\n')}\n`);
    const missing = await run(file, { key: log.verifierKey });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('BROKEN at record 12, line 14: missing');

    writeFileSync(file, `${lines.slice(0, -3).join('\n')}\n`);
    const truncated = await run(file, { key: log.verifierKey });
    expect(truncated.code).toBe(1);
    expect(truncated.stdout).toContain('BROKEN at record 23');
    expect(truncated.stdout).toContain('truncated');
  });

  it('fails with exit 2 naming the file or the key it cannot use', async () => {
    const missing = join(dir, 'nope.ndjson');
    const noFile = await run(missing, { key: log.verifierKey });
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toBe(`secops: ${missing}: cannot read it: no such file\n`);
    expect(noFile.stdout).toBe('');

    const notAFile = await run(dir, { key: log.verifierKey });
    expect(notAFile).toMatchObject({ code: 2, stderr: `secops: ${dir}: not a file\n` });

    const file = await exportTo('audit.ndjson');
    const badKey = await run(file, { key: 'secops.test/audit+00000000+AAAA' });
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/^secops: --key: malformed verifier key: .*no file/);

    const keyFile = join(dir, 'bad.vkey');
    writeFileSync(keyFile, 'not a key\n');
    const badKeyFile = await run(file, { key: keyFile });
    expect(badKeyFile.code).toBe(2);
    expect(badKeyFile.stderr).toMatch(new RegExp(`^secops: --key ${keyFile}:1: malformed`));

    // Another log's key: the checkpoint does not verify, which is a broken export, not a usage error.
    const otherKey = createAuditLog({
      store,
      signer: { keyName: 'secops.test/audit', privateKey: generateAuditKeys().signingKey },
      hmacKey: generateAuditKeys().hmacKey,
      clock: createManualClock(0),
      origin: 'secops.test/audit',
    }).verifierKey;
    const wrong = await run(file, { key: otherKey });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('bad-checkpoint-signature');
  });
});
