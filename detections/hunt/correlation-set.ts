import { isSecOpsError } from '../../platform/errors/index.ts';
import { createCorrelationEngine, parseCorrelationRule } from '../sigma/correlation/index.ts';
import type { BaseMatch, CorrelationMatch, CorrelationRule } from '../sigma/correlation/index.ts';
import type { CorrelationDocument, RuleOrigin, RuleProblem } from '../sigma/load-rules.ts';

/** A correlation rule that parsed, with where it came from. */
export interface LoadedCorrelation extends RuleOrigin {
  readonly rule: CorrelationRule;
  /** The document's `author`, shown with its matches for attribution. */
  readonly author?: string;
  /** The document's `status` (`experimental`, `stable`, ...), when it has one. */
  readonly status?: string;
  /** The document's `tags` (ATT&CK and others); the parsed rule does not carry them. */
  readonly tags: readonly string[];
}

/** Something worth knowing about a rule that still loaded (a dangling reference, a reused id). */
export interface RuleWarning extends RuleOrigin {
  readonly message: string;
}

/** What a correlation may reference: the ids and names of the rules read, loaded or not. */
export interface KnownRules {
  readonly loaded: ReadonlySet<string>;
  /** Ids of rules that did not load, with why (`unsupported: placeholder`). */
  readonly failed: ReadonlyMap<string, string>;
}

export interface CorrelationLoad {
  readonly correlations: readonly LoadedCorrelation[];
  /** Correlations that parsed but were left out because `isDisabled` said so. */
  readonly disabled: readonly LoadedCorrelation[];
  readonly problems: readonly RuleProblem[];
  readonly warnings: readonly RuleWarning[];
}

/**
 * Parses the correlation documents of a rule set. A document that does not parse, or that the
 * correlation engine refuses (a reference cycle, a chained field the inner rule does not provide),
 * becomes a located problem; the others load. A reference to a rule that is not there, or did not
 * load, is a warning: the correlation loads but that part of it never sees a match.
 * Correlations `isDisabled` picks are parsed but left out (`disabled`); references to them warn.
 */
export function loadCorrelations(
  documents: readonly CorrelationDocument[],
  known: KnownRules,
  isDisabled: (correlation: LoadedCorrelation) => boolean = () => false,
): CorrelationLoad {
  const parsed: LoadedCorrelation[] = [];
  const problems: RuleProblem[] = [];
  for (const { file, line, document } of documents) {
    const value = document.value as Record<string, unknown>;
    const result = parseCorrelationRule(value);
    if (result.ok) {
      parsed.push({
        file,
        line,
        rule: result.rule,
        ...(typeof value.author === 'string' ? { author: value.author } : {}),
        ...(typeof value.status === 'string' ? { status: value.status } : {}),
        tags: Array.isArray(value.tags)
          ? value.tags.filter((tag): tag is string => typeof tag === 'string')
          : [],
      });
      continue;
    }
    const first = result.issues[0];
    problems.push({
      file,
      line: first ? document.lineOf(first.path) : line,
      kind: result.unsupported === undefined ? 'invalid' : 'unsupported',
      feature: result.unsupported ?? 'invalid',
      message: result.issues.map((issue) => issue.message).join('; ') || 'invalid correlation',
      ...(typeof value.title === 'string' ? { title: value.title } : {}),
      ...(typeof value.id === 'string' ? { id: value.id } : {}),
    });
  }
  const disabled = parsed.filter(isDisabled);
  const failed = new Map(known.failed);
  for (const { rule } of disabled) {
    if (rule.id !== undefined) failed.set(rule.id, 'disabled');
    if (rule.name !== undefined) failed.set(rule.name, 'disabled');
  }
  const correlations = acceptedByEngine(
    parsed.filter((c) => !disabled.includes(c)),
    problems,
  );
  const provided = new Set(known.loaded);
  for (const { rule } of correlations) {
    if (rule.id !== undefined) provided.add(rule.id);
    if (rule.name !== undefined) provided.add(rule.name);
  }
  const warnings: RuleWarning[] = [];
  for (const { file, line, rule } of correlations) {
    for (const ref of rule.rules) {
      if (provided.has(ref)) continue;
      const why = failed.get(ref);
      warnings.push({
        file,
        line,
        message:
          why === undefined
            ? `correlation '${rule.title}' references '${ref}', which no rule that loaded provides (by id or name)`
            : `correlation '${rule.title}' references '${ref}', which did not load (${why})`,
      });
    }
  }
  return { correlations, disabled, problems, warnings };
}

/**
 * The correlations the engine accepts together. When it refuses the set, each is added in turn
 * and those it refuses are reported with the engine's reason.
 */
function acceptedByEngine(
  parsed: readonly LoadedCorrelation[],
  problems: RuleProblem[],
): LoadedCorrelation[] {
  const refusal = (rules: readonly CorrelationRule[]): string | undefined => {
    try {
      createCorrelationEngine({ rules, readField: () => undefined });
      return undefined;
    } catch (err) {
      if (!isSecOpsError(err)) throw err;
      return err.message;
    }
  };
  if (refusal(parsed.map((c) => c.rule)) === undefined) return [...parsed];
  const accepted: LoadedCorrelation[] = [];
  for (const candidate of parsed) {
    const reason = refusal([...accepted, candidate].map((c) => c.rule));
    if (reason === undefined) {
      accepted.push(candidate);
      continue;
    }
    problems.push({
      file: candidate.file,
      line: candidate.line,
      kind: 'invalid',
      feature: 'invalid',
      message: reason,
      title: candidate.rule.title,
      ...(candidate.rule.id !== undefined ? { id: candidate.rule.id } : {}),
    });
  }
  return accepted;
}

/** A correlation match with the loaded correlation it belongs to. */
export interface ReplayedCorrelation {
  readonly match: CorrelationMatch;
  readonly correlation: LoadedCorrelation;
}

/**
 * Feeds base-rule matches collected from a whole input to the correlation rules in event-time
 * order (matches at the same time keep the order they were found in), then closes every window.
 */
export function replayCorrelations(
  correlations: readonly LoadedCorrelation[],
  pending: BaseMatch[],
  readField: (doc: unknown, field: string, base: BaseMatch['rule']) => unknown,
): ReplayedCorrelation[] {
  if (correlations.length === 0) return [];
  const byRule = new Map(correlations.map((c) => [c.rule, c]));
  const engine = createCorrelationEngine({ rules: correlations.map((c) => c.rule), readField });
  pending.sort((a, b) => a.timestamp - b.timestamp);
  const found = pending.flatMap((match) => engine.observe(match));
  found.push(...engine.flush(Number.MAX_SAFE_INTEGER));
  return found.flatMap((match) => {
    const correlation = byRule.get(match.rule);
    return correlation ? [{ match, correlation }] : [];
  });
}
