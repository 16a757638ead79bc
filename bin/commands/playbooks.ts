import type { Command } from 'commander';
import { createSecretScanner } from '../../platform/redaction/index.ts';
import { SoarError, createValidationCatalog, parsePlaybook } from '../../soar/index.ts';
import { EXIT, action } from '../context.ts';
import { readPlaybookFiles } from './playbook-files.ts';
import type { OutputIo, PlaybookFile, UnreadablePath } from './playbook-files.ts';
import { formatOption, pushPlaybooks, runPlaybook, serverFrom } from './playbook-server.ts';
import type { RunOptions } from './playbook-server.ts';
import { collect } from './rules.ts';

const processIo: OutputIo = { stdout: process.stdout, stderr: process.stderr };

/** One problem of a playbook file, where it is. */
export interface PlaybookProblem {
  readonly line: number;
  readonly column: number;
  readonly field: string;
  readonly message: string;
}

export type PlaybookCheck =
  | {
      readonly file: string;
      readonly valid: true;
      readonly id: string;
      readonly name: string;
      readonly steps: number;
    }
  | { readonly file: string; readonly valid: false; readonly problems: PlaybookProblem[] };

export interface PlaybookCheckReport {
  readonly valid: number;
  readonly invalid: number;
  readonly files: PlaybookCheck[];
  readonly unreadable: UnreadablePath[];
}

/**
 * Validates one file exactly as the server does on upload: the schema, the step graph, the
 * built-in actions' inputs, expressions, the cron, and no literal credential (the platform's
 * secret scanner). Messages name rules and fields, never the text of a credential.
 */
export function checkPlaybook(
  file: PlaybookFile,
  catalog = createValidationCatalog(),
  scanner = createSecretScanner(),
): PlaybookCheck {
  try {
    const playbook = parsePlaybook({ name: file.path, text: file.text }, catalog, {
      findCredentials: scanner.scan,
    });
    return {
      file: file.path,
      valid: true,
      id: playbook.id,
      name: playbook.name,
      steps: playbook.steps.length,
    };
  } catch (err) {
    if (!(err instanceof SoarError) || err.code !== 'SOAR_PLAYBOOK_INVALID') throw err;
    return { file: file.path, valid: false, problems: err.issues.map((i) => toProblem(file, i)) };
  }
}

/** `file:line:col field` (as `parsePlaybook` writes an issue's path) back into its parts. */
function toProblem(file: PlaybookFile, issue: { path: string; message: string }): PlaybookProblem {
  const where = issue.path.startsWith(`${file.path}:`)
    ? issue.path.slice(file.path.length + 1)
    : issue.path;
  const match = /^(\d+):(\d+)(?: (.*))?$/.exec(where);
  return {
    line: Number(match?.[1] ?? 0),
    column: Number(match?.[2] ?? 0),
    field: match === null ? where : (match[3] ?? ''),
    message: issue.message,
  };
}

/** A check report for people: one line per valid file, one per problem, then the totals. */
export function formatPlaybookCheck(report: PlaybookCheckReport): string {
  const lines: string[] = [];
  for (const check of report.files) {
    if (check.valid) {
      const steps = `${String(check.steps)} step${check.steps === 1 ? '' : 's'}`;
      lines.push(`ok ${check.file} (${check.id}, ${steps})`);
      continue;
    }
    for (const p of check.problems)
      lines.push(
        `${check.file}:${String(p.line)}:${String(p.column)}${p.field === '' ? '' : ` ${p.field}`}: ${p.message}`,
      );
  }
  const total = report.files.length + report.unreadable.length;
  lines.push(
    `${String(total)} playbook file${total === 1 ? '' : 's'}: ${String(report.valid)} valid, ${String(report.invalid)} invalid` +
      (report.unreadable.length > 0 ? `, ${String(report.unreadable.length)} unreadable` : ''),
  );
  return `${lines.join('\n')}\n`;
}

/**
 * `secops playbooks check`: offline (no configuration, database or server). Returns the exit
 * code: 0 every file valid, 1 any invalid, 2 when a path cannot be read (the readable files are
 * still checked and reported).
 */
export async function checkPlaybookFiles(
  paths: readonly string[],
  options: { readonly format: string },
  io: OutputIo = processIo,
): Promise<number> {
  const format = formatOption(options.format);
  const { files, unreadable } = await readPlaybookFiles(paths);
  const catalog = createValidationCatalog();
  const scanner = createSecretScanner();
  const checks = files.map((file) => checkPlaybook(file, catalog, scanner));
  const report: PlaybookCheckReport = {
    valid: checks.filter((c) => c.valid).length,
    invalid: checks.filter((c) => !c.valid).length,
    files: checks,
    unreadable,
  };
  for (const { path, reason } of unreadable)
    io.stderr.write(`secops: ${path}: cannot read it: ${reason}\n`);
  io.stdout.write(
    format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatPlaybookCheck(report),
  );
  if (unreadable.length > 0) return EXIT.usage;
  return report.invalid > 0 ? EXIT.failed : EXIT.ok;
}

interface ServerOptions {
  readonly url?: string;
  readonly token?: string;
}

/** `secops playbooks …`: check playbook files offline, upload them, start and follow runs. */
export function registerPlaybooks(program: Command): void {
  const playbooks = program
    .command('playbooks')
    .description('SOAR playbooks: check files offline, push them to a server, run one');
  playbooks
    .command('check <file...>')
    .description(
      'validate playbook files (a directory: every .yml/.yaml/.json under it) offline, exactly as the server does on upload, literal credentials included; prints file:line:col field: message for each problem; exit 0 when all are valid, 1 when any is invalid, 2 when a path cannot be read',
    )
    .option('--format <format>', 'text or json', 'text')
    .action(
      action((paths: string[], options: { format: string }) => checkPlaybookFiles(paths, options)),
    );
  playbooks
    .command('push <file...>')
    .description(
      'upload playbook files (a directory: every .yml/.yaml/.json under it) to a server (POST /playbooks), each a new version; exit 0 when all are stored, 1 when the server refuses any (each problem is printed, the others are still sent), 2 when a file cannot be read (nothing is sent) or the server cannot be asked',
    )
    .option('--url <url>', 'the server (or SECOPS_URL)')
    .option('--token <token>', 'API token with playbooks:write (or SECOPS_TOKEN)')
    .action(
      action((paths: string[], options: ServerOptions) =>
        pushPlaybooks(paths, serverFrom(options), processIo),
      ),
    );
  playbooks
    .command('run <id>')
    .description(
      'start a playbook (POST /playbooks/:id/runs) and print the run; with --wait follow it until it ends (progress on stderr; a step waiting for approval is named) and print each step; exit 0 when the run completed (or, without --wait, started), 1 when it failed or was cancelled, 2 on bad usage, when the server refuses to start it (unknown playbook, no manual trigger, permissions) or cannot be asked, or when --timeout passes first',
    )
    .option('--var <key=value>', 'a variable, its value a string (repeatable)', collect)
    .option('--var-json <key=json>', 'a variable, its value JSON (repeatable)', collect)
    .option('--alert <alertId>', 'the alert the run works on')
    .option('--dry-run', 'evaluate conditions and templates without calling any action')
    .option('--idempotency-key <key>', 'one run per key, however often the command is retried')
    .option('--wait', 'follow the run until it ends')
    .option('--timeout <seconds>', 'with --wait, give up after this long', '300')
    .option('--format <format>', 'text or json', 'text')
    .option('--url <url>', 'the server (or SECOPS_URL)')
    .option('--token <token>', 'API token with playbooks:run (or SECOPS_TOKEN)')
    .action(
      action((id: string, options: RunOptions & ServerOptions) =>
        runPlaybook(id, options, serverFrom(options), processIo),
      ),
    );
}
