import { createDetectionEngine } from '../engine/detection-engine.ts';
import type { DetectionEngine } from '../engine/detection-engine.ts';
import type { MappingSet } from '../mappings/logsource-mapping.ts';
import { loadRuleSources } from '../sigma/load-rules.ts';
import type { LoadedRule, RuleOrigin, RuleProblem, RuleSource } from '../sigma/load-rules.ts';
import { loadCorrelations } from './correlation-set.ts';
import type { LoadedCorrelation, RuleWarning } from './correlation-set.ts';

export interface RuleSetOptions {
  readonly mappings: MappingSet;
  /** Values of `%name%` placeholders for the `expand` modifier (name without the `%`). */
  readonly placeholders?: ReadonlyMap<string, readonly string[]>;
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
  readonly rules: readonly LoadedRule[];
  readonly engine: DetectionEngine;
  readonly correlations: readonly LoadedCorrelation[];
  /** Rules (detection or correlation) that did not load, in file order. */
  readonly problems: readonly RuleProblem[];
  readonly warnings: readonly RuleWarning[];
  readonly fallbacks: readonly FallbackRule[];
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
  const loaded = new Set<string>();
  const warnings: RuleWarning[] = [];
  const firstWithId = new Map<string, LoadedRule>();
  for (const entry of load.rules) {
    const { id, name } = entry.rule.meta;
    if (name !== undefined) loaded.add(name);
    if (id === undefined) continue;
    loaded.add(id);
    const first = firstWithId.get(id);
    if (first === undefined) firstWithId.set(id, entry);
    else
      warnings.push({
        file: entry.file,
        line: entry.line,
        message: `id ${id} is also the id of ${first.file}:${String(first.line)}; matches of both are counted together`,
      });
  }
  const failed = new Map<string, string>();
  for (const problem of load.problems)
    if (problem.id !== undefined)
      failed.set(
        problem.id,
        problem.kind === 'invalid' ? 'invalid' : `unsupported: ${problem.feature}`,
      );
  const correlations = loadCorrelations(load.correlations, { loaded, failed });

  const fallbacks: FallbackRule[] = [];
  for (const entry of load.rules) {
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
    files: sources.length,
    rules: load.rules,
    engine: createDetectionEngine({ rules: load.rules, mappings: options.mappings }),
    correlations: correlations.correlations,
    problems,
    warnings: [...warnings, ...correlations.warnings],
    fallbacks,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
