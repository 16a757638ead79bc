import type { Command } from 'commander';
import {
  checkRuleSet,
  compileRuleSet,
  DetectionError,
  loadMappings,
  readRuleSources,
  toPlaceholders,
} from '../../detections/index.ts';
import type { HuntRuleSet, ReloadReport } from '../../detections/index.ts';
import { EXIT, action } from '../context.ts';
import { formatRuleCheck } from './hunt-output.ts';

/** Commander collector for a repeatable option. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * `--placeholder name=value` options as the `expand` modifier's placeholder values; a name given
 * several times gets every value (`%name%` and `name` are the same placeholder).
 */
export function parsePlaceholders(values: readonly string[]): Map<string, string[]> {
  try {
    return toPlaceholders(values);
  } catch (err) {
    if (!(err instanceof DetectionError)) throw err;
    throw new DetectionError('DETECTION_INVALID_REQUEST', `--placeholder ${err.message}`, {
      cause: err,
    });
  }
}

/** Reads and compiles the rules under `paths` with the shipped logsource mappings. */
export async function loadRuleSet(
  paths: readonly string[],
  placeholders: ReadonlyMap<string, readonly string[]>,
): Promise<HuntRuleSet> {
  const sources = await readRuleSources(paths);
  return compileRuleSet(sources, { mappings: loadMappings(), placeholders });
}

interface RulesCheckOptions {
  readonly format: string;
  readonly placeholder?: readonly string[];
}

interface RulesReloadOptions {
  readonly url?: string;
  readonly token?: string;
  readonly format: string;
  readonly strict?: boolean;
}

/** `secops rules …`: Sigma rule corpora offline, and reloading a running server's rules. */
export function registerRules(program: Command): void {
  const rules = program
    .command('rules')
    .description('Sigma rules: check a corpus, reload a server');
  rules
    .command('check <dir...>')
    .description(
      'compile every rule (.yml/.yaml, recursively) and report supported, unsupported (by feature) and invalid rules (file:line); exit 0 when none is invalid, 1 otherwise, 2 when a path cannot be read',
    )
    .option('--format <format>', 'text or json', 'text')
    .option(
      '--placeholder <name=value>',
      'value of an expand placeholder %name% (repeatable)',
      collect,
    )
    .action(
      action(async (dirs: string[], options: RulesCheckOptions) => {
        if (options.format !== 'text' && options.format !== 'json')
          throw new DetectionError('DETECTION_INVALID_REQUEST', '--format is text or json');
        const set = await loadRuleSet(dirs, parsePlaceholders(options.placeholder ?? []));
        const report = checkRuleSet(set);
        process.stdout.write(
          options.format === 'json'
            ? `${JSON.stringify(report, null, 2)}\n`
            : formatRuleCheck(report),
        );
        return report.invalid.length > 0 ? EXIT.failed : EXIT.ok;
      }),
    );
  rules
    .command('reload')
    .description(
      'ask a running server to read its rule directories again and swap in the new engine (POST /detections/reload); prints what loaded; exit 0 when no rule is invalid, 1 otherwise (with --strict also when one is unsupported), 2 when the reload failed (the server keeps its rules) or the server cannot be asked',
    )
    .option('--url <url>', 'the server (or SECOPS_URL)')
    .option(
      '--token <token>',
      'API token with detections:write, of the operator tenant (or SECOPS_TOKEN)',
    )
    .option('--format <format>', 'text or json', 'text')
    .option('--strict', 'exit 1 when a rule is unsupported too')
    .action(
      action(async (options: RulesReloadOptions) => {
        if (options.format !== 'text' && options.format !== 'json')
          throw new DetectionError('DETECTION_INVALID_REQUEST', '--format is text or json');
        const url = options.url ?? process.env.SECOPS_URL;
        const token = options.token ?? process.env.SECOPS_TOKEN;
        if (url === undefined || url === '')
          throw new DetectionError(
            'DETECTION_INVALID_REQUEST',
            'give the server: --url or SECOPS_URL',
          );
        if (token === undefined || token === '')
          throw new DetectionError(
            'DETECTION_INVALID_REQUEST',
            'give an API token: --token or SECOPS_TOKEN',
          );
        const answer = await requestReload(url, token);
        if (!answer.ok) {
          process.stderr.write(`secops: ${answer.message}\n`);
          return EXIT.usage;
        }
        const report = answer.report;
        process.stdout.write(
          options.format === 'json'
            ? `${JSON.stringify(report, null, 2)}\n`
            : formatReloadReport(report),
        );
        const problems = report.invalid.length + (options.strict === true ? report.unsupported : 0);
        return problems > 0 ? EXIT.failed : EXIT.ok;
      }),
    );
}

type ReloadAnswer =
  | { readonly ok: true; readonly report: ReloadReport }
  | { readonly ok: false; readonly message: string };

/** `POST /detections/reload`; a failure is said for people (status and the server's detail). */
async function requestReload(url: string, token: string): Promise<ReloadAnswer> {
  let endpoint: URL;
  try {
    endpoint = new URL('/detections/reload', url);
  } catch {
    return { ok: false, message: `--url ${url}: not a URL` };
  }
  let res: Response;
  try {
    res = await fetch(endpoint, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    return { ok: false, message: `cannot reach ${endpoint.origin}: ${cause ?? String(err)}` };
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const detail = (body as { detail?: unknown } | undefined)?.detail;
    return {
      ok: false,
      message: `reload failed: server answered ${String(res.status)}: ${typeof detail === 'string' ? detail : text.slice(0, 200)}`,
    };
  }
  if (typeof body !== 'object' || body === null || !('generation' in body))
    return { ok: false, message: `reload: the server's answer is not a reload report` };
  return { ok: true, report: body as ReloadReport };
}

/** A reload report for people: what is in effect now, then what did not load. */
export function formatReloadReport(report: ReloadReport): string {
  const disabled = report.disabled.rules + report.disabled.correlations;
  return (
    [
      `reloaded:     generation ${String(report.generation)} in effect since ${report.loadedAt} (${String(report.durationMs)} ms)`,
      `rule dirs:    ${report.ruleDirs.join(', ')}`,
      `disabled:     ${String(disabled)}` +
        (disabled > 0
          ? ` (${String(report.disabled.rules)} detection, ${String(report.disabled.correlations)} correlation)`
          : ''),
      '',
    ].join('\n') +
    formatRuleCheck(report).replace(
      '(give values with --placeholder name=value)',
      '(give values with the setting detections.placeholders, SECOPS_DETECTIONS_PLACEHOLDERS)',
    )
  );
}
