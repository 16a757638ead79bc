import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditMigrations, createAuditLog, generateAuditKeys } from '../platform/audit/index.ts';
import { systemClock } from '../platform/clock/index.ts';
import { createSqliteRelationalStore } from '../platform/storage/index.ts';
import { runSecops } from '../test/support/secops-cli.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'secops-cli-'));
  dirs.push(dir);
  return dir;
}

const secops = (args: readonly string[], env: Record<string, string> = {}, input?: string) =>
  runSecops(args, { env, ...(input === undefined ? {} : { input }) });

describe('secops CLI', () => {
  it('stops with exit 2 and names the key and its source when a setting is invalid', () => {
    const result = secops(['serve'], { SECOPS_PORT: 'eighty', SECOPS_DATA_DIR: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('server.port');
    expect(result.stderr).toContain('env SECOPS_PORT');
  });

  it('names the line and field of a bad config file', () => {
    const dir = tempDir();
    const file = join(dir, 'secops.yaml');
    writeFileSync(file, 'server:\n  port: 8080\ningest:\n  maxBodyBytes: lots\n');
    const result = secops(['serve', '--config', file], { SECOPS_DATA_DIR: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ingest.maxBodyBytes');
    expect(result.stderr).toContain(file);
  });

  it('ingests a file, reports bad records by file and line, and searches it', () => {
    const dir = tempDir();
    const file = join(dir, 'events.ndjson');
    const now = new Date().toISOString();
    writeFileSync(
      file,
      [
        JSON.stringify({ '@timestamp': now, message: 'cli one', host: { name: 'cli-host' } }),
        '{"message": broken',
        JSON.stringify({ '@timestamp': now, message: 'cli two', host: { name: 'cli-host' } }),
      ].join('\n'),
    );
    const ingest = secops(['ingest', file], { SECOPS_DATA_DIR: dir });
    expect(ingest.code).toBe(1);
    expect(ingest.stderr).toContain('2 stored, 0 already stored, 1 rejected');
    expect(ingest.stderr).toContain(`${file}:2`);

    const again = secops(['ingest', file], { SECOPS_DATA_DIR: dir });
    expect(again.stderr).toContain('0 stored, 2 already stored, 1 rejected');

    const search = secops(['search', 'host.name:cli-host', '--format', 'ndjson'], {
      SECOPS_DATA_DIR: dir,
    });
    expect(search.code).toBe(0);
    const hits = search.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: string });
    expect(hits.map((h) => h.message).sort()).toEqual(['cli one', 'cli two']);

    const table = secops(['search', 'cli'], { SECOPS_DATA_DIR: dir });
    expect(table.stdout).toContain('cli-host');
    expect(table.stderr).toContain('2 of 2 matching events');
  });

  it('ingests evtx_dump output and plain syslog from stdin', () => {
    const dir = tempDir();
    const evtx = [
      'Record 1',
      JSON.stringify(
        {
          Event: {
            '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
            System: {
              Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing' } },
              EventID: 4720,
              TimeCreated: { '#attributes': { SystemTime: new Date().toISOString() } },
              EventRecordID: 11,
              Channel: 'Security',
              Computer: 'dc01.corp.example.com',
            },
            EventData: { TargetUserName: 'eve', SubjectUserName: 'admin' },
          },
        },
        null,
        2,
      ),
    ].join('\n');
    const file = join(dir, 'security.json');
    writeFileSync(file, evtx);
    expect(secops(['ingest', file], { SECOPS_DATA_DIR: dir }).code).toBe(0);
    const today = new Date();
    const month =
      ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
        today.getUTCMonth()
      ] ?? 'Jan';
    const stamp = `${month} ${String(today.getUTCDate()).padStart(2, ' ')} 00:00:01`;
    const syslog = secops(
      ['ingest', '-'],
      { SECOPS_DATA_DIR: dir },
      `<13>${stamp} web02 cron[77]: job done\n`,
    );
    expect(syslog.code).toBe(0);
    const search = secops(
      [
        'search',
        'winlog.event_data.TargetUserName:eve or process.name:cron',
        '--from',
        'now-400d',
        '--format',
        'json',
      ],
      { SECOPS_DATA_DIR: dir },
    );
    const body = JSON.parse(search.stdout) as {
      total: { value: number };
      hits: Record<string, unknown>[];
    };
    expect(body.total.value).toBe(2);
  });

  it('explains a query syntax error with its position and exits 2', () => {
    const result = secops(['search', 'host.name:(a or'], { SECOPS_DATA_DIR: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/line 1, column \d+/);
  });

  it('verifies an audit export offline: exit 0, 1 naming the record, 2 naming the file', async () => {
    const dir = tempDir();
    const store = createSqliteRelationalStore({ path: ':memory:' });
    await store.migrate(auditMigrations);
    const keys = generateAuditKeys();
    const log = createAuditLog({
      store,
      signer: { keyName: 'secops.test/audit', privateKey: keys.signingKey },
      hmacKey: keys.hmacKey,
      clock: systemClock,
      origin: 'secops.test/audit',
    });
    await store.transaction(async (tx) => {
      for (let i = 1; i <= 5; i++) {
        await log.append(tx, {
          actor: { id: 'ada', kind: 'user' },
          tenantId: 'default',
          action: 'rbac.role.update',
          resource: { type: 'role', id: `role-${String(i)}` },
          outcome: 'success',
        });
      }
    });
    let text = '';
    for await (const line of log.export({}, 'ndjson')) text += line;
    await store.close();
    const file = join(dir, 'audit.ndjson');
    writeFileSync(file, text);
    const keyFile = join(dir, 'audit.vkey');
    writeFileSync(keyFile, `${log.verifierKey}\n`);

    const ok = secops(['audit', 'verify', file, '--key', keyFile]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('records:    5 checked');
    expect(ok.stdout).toContain('OK: records 1 to 5');
    expect(secops(['audit', 'verify', '-', '--key', log.verifierKey], {}, text).code).toBe(0);

    writeFileSync(file, text.replace('role-3', 'role-4'));
    const broken = secops(['audit', 'verify', file, '--key', log.verifierKey, '--json']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, broken: { seq: 3, line: 5 } });

    const missing = secops(['audit', 'verify', join(dir, 'gone.ndjson'), '--key', keyFile]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(join(dir, 'gone.ndjson'));
    expect(secops(['audit', 'verify', file]).code).toBe(2);
  });

  it('manages sources and shows a token once', () => {
    const dir = tempDir();
    const add = secops(['sources', 'add', 'fw-edge', '--parser', 'cef'], { SECOPS_DATA_DIR: dir });
    expect(add.code).toBe(0);
    const token = add.stdout.trim();
    expect(token).toMatch(/^sct_[A-Za-z0-9_-]{43}$/);
    const list = secops(['sources', 'list'], { SECOPS_DATA_DIR: dir });
    expect(list.stdout).toContain('fw-edge');
    expect(list.stdout).toContain('cef');
    expect(list.stdout).not.toContain(token);
    expect(secops(['sources', 'add', 'fw-edge'], { SECOPS_DATA_DIR: dir }).code).toBe(1);
    expect(secops(['sources', 'add', 'x', '--parser', 'nope'], { SECOPS_DATA_DIR: dir }).code).toBe(
      2,
    );
  });
});
