import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { AuditError, parseVerifierKey, verifyExport } from '../../platform/audit/index.ts';
import type { VerifyReport } from '../../platform/audit/index.ts';
import { EXIT, action } from '../context.ts';
import { createProgress } from '../progress.ts';

export interface AuditVerifyOptions {
  /** The verifier key (`<name>+<hash>+<key>`) or a file holding it. */
  readonly key: string;
  readonly json?: boolean;
}

/** Where the command reads and writes: the process's streams, or a test's. */
export interface CommandIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** `secops audit …`: the tamper-evident audit log, offline. */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify <export>')
    .description(
      'verify an NDJSON audit export (or - for stdin) offline with the log’s public verifier key; exit 0 when it verifies, 1 when it does not, 2 on bad usage or input',
    )
    .requiredOption('--key <key>', 'verifier key <name>+<hash>+<key>, or a file holding it')
    .option('--json', 'print the report as JSON')
    .action(
      action((file: string, options: AuditVerifyOptions) =>
        verifyAuditExport(file, options, {
          stdin: process.stdin,
          stdout: process.stdout,
          stderr: process.stderr,
        }),
      ),
    );
}

/** The checkpoint lines an export claims, by tree size (trusted only once verified). */
type Claimed = Map<number, string>;

/**
 * Verifies an NDJSON export with `verifyExport`, streaming it (progress on stderr when it is a
 * terminal), and prints the report. Returns the exit code: 0 verified, 1 broken, 2 when the
 * key or the file cannot be read.
 */
export async function verifyAuditExport(
  file: string,
  options: AuditVerifyOptions,
  io: CommandIo,
): Promise<number> {
  const fail = (message: string): number => {
    io.stderr.write(`secops: ${message}\n`);
    return EXIT.usage;
  };
  const key = readKey(options.key);
  if (key instanceof Error) return fail(key.message);

  const name = file === '-' ? 'stdin' : file;
  let input: Readable;
  let size: number | undefined;
  if (file === '-') {
    input = io.stdin;
  } else {
    try {
      const stat = statSync(file);
      if (!stat.isFile()) return fail(`${file}: not a file`);
      size = stat.size;
    } catch (err) {
      return fail(`${file}: cannot read it: ${ioReason(err)}`);
    }
    input = createReadStream(file, { encoding: 'utf8' });
  }
  input.setEncoding('utf8');

  const claimed: Claimed = new Map();
  const progress = createProgress(`verify ${name}`, size);
  const reading = { bytes: 0, lines: 0 };
  let report: VerifyReport;
  try {
    report = await verifyExport(tap(input, claimed, reading, progress), key);
  } catch (err) {
    if (err instanceof AuditError) return fail(`${name}: ${err.message}`);
    const after = reading.lines > 0 ? ` after line ${String(reading.lines)}` : '';
    return fail(`${name}: cannot read it${after}: ${ioReason(err)}`);
  } finally {
    progress.stop();
    input.destroy();
  }

  const rootHash = report.ok ? rootOf(claimed.get(report.treeSize)) : undefined;
  if (options.json === true) {
    io.stdout.write(
      `${JSON.stringify({ file: name, ...report, ...(rootHash === undefined ? {} : { rootHash }) })}\n`,
    );
  } else {
    io.stdout.write(formatReport(name, parseVerifierKey(key).name, report, rootHash));
  }
  return report.ok ? EXIT.ok : EXIT.failed;
}

/** The key itself, or the first line of the file it names; an Error saying why not. */
function readKey(value: string): string | Error {
  const given = value.trim();
  try {
    parseVerifierKey(given);
    return given;
  } catch (err) {
    if (!existsSync(value)) {
      return new Error(`--key: ${(err as Error).message}, and there is no file ${value}`);
    }
  }
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch (err) {
    return new Error(`--key ${value}: cannot read it: ${ioReason(err)}`);
  }
  const key = text.split('\n').find((line) => line.trim() !== '') ?? '';
  try {
    parseVerifierKey(key.trim());
    return key.trim();
  } catch (err) {
    return new Error(`--key ${value}:1: ${(err as Error).message}`);
  }
}

/**
 * Passes the export through to the verifier unchanged, counting bytes and lines for progress and
 * keeping the checkpoint lines it claims (for the root hash of the report).
 */
async function* tap(
  input: AsyncIterable<string | Buffer>,
  claimed: Claimed,
  reading: { bytes: number; lines: number },
  progress: ReturnType<typeof createProgress>,
): AsyncGenerator<string> {
  let partial = '';
  for await (const raw of input) {
    const chunk = typeof raw === 'string' ? raw : raw.toString('utf8');
    reading.bytes += Buffer.byteLength(chunk);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) noteCheckpoint(line, claimed);
    reading.lines += lines.length;
    progress.update(reading.bytes, reading.lines);
    yield chunk;
  }
  noteCheckpoint(partial, claimed);
}

function noteCheckpoint(line: string, claimed: Claimed): void {
  if (!line.startsWith('{"type":"checkpoint"')) return;
  try {
    const item = JSON.parse(line) as { treeSize?: unknown; rootHash?: unknown };
    if (typeof item.treeSize === 'number' && typeof item.rootHash === 'string')
      claimed.set(item.treeSize, item.rootHash);
  } catch {
    // The verifier reports it.
  }
}

function rootOf(rootHash: string | undefined): string | undefined {
  return rootHash !== undefined && /^[0-9a-f]{64}$/.test(rootHash) ? rootHash : undefined;
}

function formatReport(
  name: string,
  keyName: string,
  report: VerifyReport,
  rootHash: string | undefined,
): string {
  const rows: [string, string][] = [
    ['export', name],
    ['key', keyName],
    ['records', `${String(report.records)} checked`],
    [
      'checkpoint',
      `tree size ${String(report.treeSize)}${rootHash === undefined ? '' : `, root ${rootHash}`} (${String(report.checkpoints)} signed head${report.checkpoints === 1 ? '' : 's'} checked)`,
    ],
  ];
  if (report.ok) {
    rows.push([
      'result',
      report.complete
        ? `OK: records 1 to ${String(report.treeSize)}, all of them, as signed`
        : 'OK: every record is in the signed tree (a selection: other records are left out)',
    ]);
  } else {
    const broken = report.broken;
    const where = [
      broken?.seq === undefined ? '' : `record ${String(broken.seq)}`,
      broken?.line === undefined ? '' : `line ${String(broken.line)}`,
    ]
      .filter((s) => s !== '')
      .join(', ');
    rows.push(['result', `BROKEN${where === '' ? '' : ` at ${where}`}: ${broken?.reason ?? ''}`]);
    rows.push(['reason', broken?.message ?? '']);
  }
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}\n`).join('');
}

function ioReason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message : String(err);
}
