import { LineCounter, parseAllDocuments } from 'yaml';
import type { LoadedCorrelation } from '../hunt/correlation-set.ts';
import { ruleRefOf } from '../hunt/rule-set.ts';
import type { HuntRuleSet } from '../hunt/rule-set.ts';
import type { CorrelationType } from '../sigma/correlation/index.ts';
import type { Logsource } from '../sigma/compile-rule.ts';
import type { LoadedRule } from '../sigma/load-rules.ts';

export type RuleKind = 'rule' | 'correlation';

/** A rule or correlation rule as the rule list shows it. */
export interface RuleInfo {
  /** How it is referred to: its Sigma `id`, else `file:line`. */
  readonly id: string;
  readonly kind: RuleKind;
  /** Its Sigma `name` (what correlations reference), when it has one. */
  readonly name?: string;
  readonly title: string;
  readonly level?: string;
  readonly status?: string;
  /** Shown with the rule: the Detection Rule License requires the attribution. */
  readonly author?: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** Empty for correlation rules (their events come from the rules they reference). */
  readonly logsource: Logsource;
  readonly file: string;
  readonly line: number;
  /** Whether the engine in effect runs it. */
  readonly enabled: boolean;
  /** Correlation rules only. */
  readonly correlation?: {
    readonly type: CorrelationType;
    readonly rules: readonly string[];
    readonly groupBy: readonly string[];
    readonly timespan: string;
  };
}

export interface RuleFilter {
  readonly enabled?: boolean;
  readonly kind?: RuleKind;
  /** Any of these levels. */
  readonly levels?: readonly string[];
  /** Log source fields, compared case-insensitively. */
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
  /** Text the title contains, case-insensitively. */
  readonly q?: string;
}

export interface RulePage {
  readonly rules: readonly RuleInfo[];
  /** Rules matching the filter, over all pages. */
  readonly total: number;
}

/** Every rule and correlation of a rule set, enabled or not, in file order. */
export function catalogOf(set: HuntRuleSet): readonly RuleInfo[] {
  const entries = [
    ...set.rules.map((rule) => fromRule(rule, true)),
    ...set.disabledRules.map((rule) => fromRule(rule, false)),
    ...set.correlations.map((correlation) => fromCorrelation(correlation, true)),
    ...set.disabledCorrelations.map((correlation) => fromCorrelation(correlation, false)),
  ];
  return entries.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

function fromRule(loaded: LoadedRule, enabled: boolean): RuleInfo {
  const { meta } = loaded.rule;
  return {
    id: ruleRefOf(meta.id, loaded),
    kind: 'rule',
    ...(meta.name !== undefined ? { name: meta.name } : {}),
    title: meta.title,
    ...(meta.level !== undefined ? { level: meta.level } : {}),
    ...(meta.status !== undefined ? { status: meta.status } : {}),
    ...(meta.author !== undefined ? { author: meta.author } : {}),
    ...(meta.description !== undefined ? { description: meta.description } : {}),
    tags: meta.tags,
    logsource: meta.logsource,
    file: loaded.file,
    line: loaded.line,
    enabled,
  };
}

function fromCorrelation(loaded: LoadedCorrelation, enabled: boolean): RuleInfo {
  const { rule } = loaded;
  return {
    id: ruleRefOf(rule.id, loaded),
    kind: 'correlation',
    ...(rule.name !== undefined ? { name: rule.name } : {}),
    title: rule.title,
    ...(rule.level !== undefined ? { level: rule.level } : {}),
    ...(loaded.status !== undefined ? { status: loaded.status } : {}),
    ...(loaded.author !== undefined ? { author: loaded.author } : {}),
    ...(rule.description !== undefined ? { description: rule.description } : {}),
    tags: loaded.tags,
    logsource: {},
    file: loaded.file,
    line: loaded.line,
    enabled,
    correlation: {
      type: rule.type,
      rules: rule.rules,
      groupBy: rule.groupBy,
      timespan: rule.timespan,
    },
  };
}

/** The entries matching `filter`, `limit` of them from `offset`. */
export function filterCatalog(
  catalog: readonly RuleInfo[],
  filter: RuleFilter,
  page: { readonly limit: number; readonly offset: number },
): RulePage {
  const same = (want: string | undefined, have: string | undefined) =>
    want === undefined || have?.toLowerCase() === want.toLowerCase();
  const q = filter.q?.toLowerCase();
  const matching = catalog.filter(
    (entry) =>
      (filter.enabled === undefined || entry.enabled === filter.enabled) &&
      (filter.kind === undefined || entry.kind === filter.kind) &&
      (filter.levels === undefined ||
        (entry.level !== undefined && filter.levels.includes(entry.level))) &&
      same(filter.product, entry.logsource.product) &&
      same(filter.category, entry.logsource.category) &&
      same(filter.service, entry.logsource.service) &&
      (q === undefined || entry.title.toLowerCase().includes(q)),
  );
  return {
    rules: matching.slice(page.offset, page.offset + page.limit),
    total: matching.length,
  };
}

/**
 * The YAML text of the document that starts on `line` of a rule file (a file may hold several
 * documents: a rule and the correlations built on it). The first document keeps the comments
 * that open the file; later ones start after their `---`. The whole text when no document
 * starts there.
 */
export function documentText(text: string, line: number): string {
  const counter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: counter });
  if (!Array.isArray(documents) || documents.length < 2) return text;
  for (const [index, document] of documents.entries()) {
    const contents = document.contents;
    if (contents === null || counter.linePos(contents.range[0]).line !== line) continue;
    const start = index === 0 ? 0 : document.range[0];
    const body = text.slice(start, document.range[2]);
    return index === 0 ? body : body.replace(/^---[^\n]*\n/, '');
  }
  return text;
}
