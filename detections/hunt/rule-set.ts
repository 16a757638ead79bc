import { createDetectionEngine } from '../engine/detection-engine.ts';
import type { DetectionEngine } from '../engine/detection-engine.ts';
import type { MappingSet } from '../mappings/logsource-mapping.ts';
import { loadRuleSources } from '../sigma/load-rules.ts';
import type {
  LoadedRule,
  RuleLoad,
  RuleOrigin,
  RuleProblem,
  RuleSource,
} from '../sigma/load-rules.ts';
import { loadCorrelations } from './correlation-set.ts';
import type { LoadedCorrelation, RuleWarning } from './correlation-set.ts';

export interface RuleSetOptions {
  readonly mappings: MappingSet;
  /** Values of `%name%` placeholders for the `expand` modifier (name without the `%`). */
  readonly placeholders?: ReadonlyMap<string, readonly string[]>;
  /**
   * References of rules and correlations to leave out of the engine and the correlations: a
   * rule's or correlation's `id`, else its `file:line` (see `ruleRefOf`). They still compile, and
   * are listed in `disabledRules` and `disabledCorrelations`.
   */
  readonly disabled?: ReadonlySet<string>;
}

/** A rule on the generic logsource fallback: no mapping file declares its logsource. */
export interface FallbackRule extends RuleOrigin {
  readonly title: string;
  /** The logsource's key (`zeek/smb_files`). */
  readonly logsource: string;
}

/** Every rule of a corpus, compiled: the engine to run, and what did not load and why. */
export interface HuntRuleSet {
  /** Rule files read. */
  readonly files: number;
  /** The detection rules the engine runs (disabled ones left out). */
  readonly rules: readonly LoadedRule[];
  readonly engine: DetectionEngine;
  readonly correlations: readonly LoadedCorrelation[];
  /** Rules (detection or correlation) that did not load, in file order. */
  readonly problems: readonly RuleProblem[];
  readonly warnings: readonly RuleWarning[];
  readonly fallbacks: readonly FallbackRule[];
  /** Detection rules that compiled but `disabled` left out of the engine. */
  readonly disabledRules: readonly LoadedRule[];
  /** Correlation rules that parsed but `disabled` left out. */
  readonly disabledCorrelations: readonly LoadedCorrelation[];
}

/**
 * How a rule or correlation is referred to (by alerts, by `disabled`, by the rule routes): its
 * `id`, else where it is, `file:line`. The engine's `ActiveRule.ref` is the same.
 */
export function ruleRefOf(id: string | undefined, origin: RuleOrigin): string {
  return id ?? `${origin.file}:${String(origin.line)}`;
}

/**
 * Compiles rule sources into a rule set: detection rules into one engine, correlation rules
 * checked against the engine and the rules they reference. A bad rule never stops the others.
 */
export function compileRuleSet(
  sources: readonly RuleSource[],
  options: RuleSetOptions,
): HuntRuleSet {
  const load = loadRuleSources(sources, { placeholders: options.placeholders ?? new Map() });
  return buildRuleSet(load, sources.length, options);
}

/**
 * The second half of `compileRuleSet`: a rule set from rules already compiled (`loadRuleSources`),
 * so that the same corpus can be assembled again with other rules disabled without parsing it
 * again. `options.placeholders` is not used here (it applies when compiling).
 */
export function buildRuleSet(load: RuleLoad, files: number, options: RuleSetOptions): HuntRuleSet {
  const disabled = options.disabled ?? new Set<string>();
  const isDisabled = (id: string | undefined, origin: RuleOrigin): boolean =>
    disabled.size > 0 && disabled.has(ruleRefOf(id, origin));
  const rules = load.rules.filter((entry) => !isDisabled(entry.rule.meta.id, entry));
  const disabledRules = load.rules.filter((entry) => isDisabled(entry.rule.meta.id, entry));

  const loaded = new Set<string>();
  const warnings: RuleWarning[] = [];
  const firstWithId = new Map<string, LoadedRule>();
  for (const entry of load.rules) {
    const { id } = entry.rule.meta;
    if (id === undefined) continue;
    const first = firstWithId.get(id);
    if (first === undefined) firstWithId.set(id, entry);
    else
      warnings.push({
        file: entry.file,
        line: entry.line,
        message: `id ${id} is also the id of ${first.file}:${String(first.line)}; matches of both are counted together`,
      });
  }
  for (const entry of rules) {
    const { id, name } = entry.rule.meta;
    if (name !== undefined) loaded.add(name);
    if (id !== undefined) loaded.add(id);
  }
  const failed = new Map<string, string>();
  for (const problem of load.problems)
    if (problem.id !== undefined)
      failed.set(
        problem.id,
        problem.kind === 'invalid' ? 'invalid' : `unsupported: ${problem.feature}`,
      );
  for (const entry of disabledRules) {
    const { id, name } = entry.rule.meta;
    if (id !== undefined && !loaded.has(id)) failed.set(id, 'disabled');
    if (name !== undefined && !loaded.has(name)) failed.set(name, 'disabled');
  }
  const correlations = loadCorrelations(load.correlations, { loaded, failed }, (c) =>
    isDisabled(c.rule.id, c),
  );

  const fallbacks: FallbackRule[] = [];
  for (const entry of rules) {
    const resolved = options.mappings.resolve(entry.rule.meta.logsource);
    if (resolved.fallback)
      fallbacks.push({
        file: entry.file,
        line: entry.line,
        title: entry.rule.meta.title,
        logsource: resolved.key,
      });
  }
  const problems = [...load.problems, ...correlations.problems].sort(
    (a, b) => compare(a.file, b.file) || a.line - b.line,
  );
  return {
    files,
    rules,
    engine: createDetectionEngine({ rules, mappings: options.mappings }),
    correlations: correlations.correlations,
    problems,
    warnings: [...warnings, ...correlations.warnings],
    fallbacks,
    disabledRules,
    disabledCorrelations: correlations.disabled,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
