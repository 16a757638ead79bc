import type { Command } from 'commander';
import {
  checkRuleSet,
  compileRuleSet,
  DetectionError,
  loadMappings,
  readRuleSources,
} from '../../detections/index.ts';
import type { HuntRuleSet } from '../../detections/index.ts';
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
  const placeholders = new Map<string, string[]>();
  for (const value of values) {
    const at = value.indexOf('=');
    const name =
      at > 0
        ? value
            .slice(0, at)
            .trim()
            .replace(/^%(.*)%$/, '$1')
        : '';
    if (name === '' || /[%\s]/.test(name))
      throw new DetectionError(
        'DETECTION_INVALID_REQUEST',
        `--placeholder ${value}: expected name=value (e.g. Workstations=WKS-042)`,
      );
    placeholders.set(name, [...(placeholders.get(name) ?? []), value.slice(at + 1)]);
  }
  return placeholders;
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

/** `secops rules …`: Sigma rule corpora, offline. */
export function registerRules(program: Command): void {
  const rules = program.command('rules').description('Sigma rules, offline');
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
}
