import { createReadStream, statSync } from 'node:fs';
import type { Command } from 'commander';
import {
  DetectionError,
  isRuleLevel,
  RULE_LEVELS,
  runHunt,
  toMatchRecord,
} from '../../detections/index.ts';
import type { HuntInput, HuntMatch, HuntSummary } from '../../detections/index.ts';
import { parsers } from '../../siem/index.ts';
import type { ParserId } from '../../siem/index.ts';
import { EXIT, action } from '../context.ts';
import { createProgress } from '../progress.ts';
import {
  formatHuntSummary,
  formatMatchTable,
  formatProblems,
  formatRuleCounts,
} from './hunt-output.ts';
import { collect, loadRuleSet, parsePlaceholders } from './rules.ts';

interface HuntCliOptions {
  readonly rules?: readonly string[];
  readonly format: string;
  readonly minLevel?: string;
  readonly placeholder?: readonly string[];
  readonly parser?: string;
  readonly layout?: string;
}

const MAX_RECORD_ERRORS_SHOWN = 20;

/** `secops hunt`: Sigma rules over log files, offline (the Chainsaw / Zircolite use case). */
export function registerHunt(program: Command): void {
  program
    .command('hunt <file...>')
    .description(
      'run Sigma rules (and correlation rules) over log files (- for stdin): NDJSON/ECS, evtx_dump JSON, or text lines, parsed as ingest parses them; exit 0 no match, 1 matches, 2 error',
    )
    .option('-r, --rules <path>', 'rule directory or file (repeatable; required)', collect)
    .option('--format <format>', 'table, json or ndjson', 'table')
    .option(
      '--min-level <level>',
      `report matches at this level or above: ${RULE_LEVELS.join(', ')}`,
    )
    .option(
      '--placeholder <name=value>',
      'value of an expand placeholder %name% (repeatable)',
      collect,
    )
    .option('--parser <id>', `parser: auto, ${Object.keys(parsers).join(', ')}`, 'auto')
    .option('--layout <layout>', 'json or text (default: guessed from each file’s first line)')
    .action(action((files: string[], options: HuntCliOptions) => hunt(files, options)));
}

async function hunt(files: readonly string[], options: HuntCliOptions): Promise<number> {
  const invalid = (message: string) => new DetectionError('DETECTION_INVALID_REQUEST', message);
  if (!['table', 'json', 'ndjson'].includes(options.format))
    throw invalid('--format is table, json or ndjson');
  const rulePaths = options.rules ?? [];
  if (rulePaths.length === 0) throw invalid('--rules <dir> is required');
  const minLevel = options.minLevel?.toLowerCase();
  if (minLevel !== undefined && !isRuleLevel(minLevel))
    throw invalid(`--min-level is one of ${RULE_LEVELS.join(', ')}`);
  const parser = options.parser ?? 'auto';
  if (parser !== 'auto' && !(parser in parsers)) throw invalid(`unknown parser ${parser}`);
  if (options.layout !== undefined && options.layout !== 'json' && options.layout !== 'text')
    throw invalid('--layout is json or text');
  const placeholders = parsePlaceholders(options.placeholder ?? []);
  if (files.filter((f) => f === '-').length > 1) throw invalid('stdin (-) can be read once');
  const { inputs, totalBytes } = openInputs(files);

  const ruleSet = await loadRuleSet(rulePaths, placeholders);
  process.stderr.write(formatProblems(ruleSet.problems, ruleSet.warnings));
  if (ruleSet.rules.length + ruleSet.correlations.length === 0)
    throw invalid(`no rules loaded from ${rulePaths.join(', ')} (${formatRuleCounts(ruleSet)})`);

  const matches: HuntMatch[] = [];
  const recordErrors: string[] = [];
  let shown = 0;
  // A reader that stops early (`| head`) is not an error: exit as grep does, by what was found.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(shown > 0 ? EXIT.failed : EXIT.ok);
  });
  const progress = createProgress('hunt', totalBytes);
  let summary: HuntSummary;
  try {
    summary = await runHunt(inputs, {
      ruleSet,
      receivedAt: Date.now(),
      parser: parser as ParserId,
      ...(options.layout === undefined ? {} : { layout: options.layout }),
      ...(minLevel === undefined ? {} : { minLevel }),
      onMatch: (match) => {
        shown++;
        if (options.format === 'ndjson')
          process.stdout.write(`${JSON.stringify(toMatchRecord(match))}\n`);
        else matches.push(match);
      },
      onRecordError: (message) => recordErrors.push(message),
      onProgress: (p) =>
        progress.update(Math.min(p.bytesRead, totalBytes ?? p.bytesRead), p.records),
    });
  } finally {
    progress.stop();
  }

  if (options.format === 'json')
    process.stdout.write(
      `${JSON.stringify({ matches: matches.map(toMatchRecord), summary }, null, 2)}\n`,
    );
  else if (options.format === 'table' && matches.length > 0)
    process.stdout.write(
      formatMatchTable(matches, process.stdout.isTTY ? process.stdout.columns : 0),
    );
  for (const message of recordErrors.slice(0, MAX_RECORD_ERRORS_SHOWN))
    process.stderr.write(`${message}\n`);
  if (recordErrors.length > MAX_RECORD_ERRORS_SHOWN)
    process.stderr.write(
      `… and ${String(recordErrors.length - MAX_RECORD_ERRORS_SHOWN)} more records not parsed\n`,
    );
  process.stderr.write(formatHuntSummary(summary, ruleSet));
  return summary.matches > 0 ? EXIT.failed : EXIT.ok;
}

/** The inputs, each checked to be a readable file up front, and their total size when known. */
function openInputs(files: readonly string[]): {
  inputs: HuntInput[];
  totalBytes: number | undefined;
} {
  let totalBytes: number | undefined = 0;
  const inputs = files.map((file): HuntInput => {
    if (file === '-') {
      totalBytes = undefined;
      return { name: 'stdin', open: () => process.stdin };
    }
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile())
        throw new DetectionError('DETECTION_INVALID_REQUEST', `${file}: not a file`);
      size = stat.size;
    } catch (err) {
      if (err instanceof DetectionError) throw err;
      const code = (err as { code?: unknown }).code;
      throw new DetectionError(
        'DETECTION_INVALID_REQUEST',
        `${file}: cannot read it: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`,
        { cause: err },
      );
    }
    if (totalBytes !== undefined) totalBytes += size;
    return { name: file, open: () => createReadStream(file) };
  });
  return { inputs, totalBytes };
}
