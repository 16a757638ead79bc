import { CompileIssue, isCompileIssue } from './compile-issue.ts';
import { compileRule } from './compile-rule.ts';
import type { CompiledRule } from './compile-rule.ts';
import type { ItemOptions } from './detection-item.ts';
import { readRuleDocuments } from './rule-document.ts';
import type { RuleDocument } from './rule-document.ts';

/** A rule file's text and the name it is reported under. */
export interface RuleSource {
  readonly file: string;
  readonly text: string;
}

/** Where a rule came from, for reports and alerts. */
export interface RuleOrigin {
  readonly file: string;
  /** 1-based line where the rule's document starts. */
  readonly line: number;
}

export interface LoadedRule extends RuleOrigin {
  readonly rule: CompiledRule;
}

/** A correlation document, handed to the correlation parser with its location. */
export interface CorrelationDocument extends RuleOrigin {
  readonly document: RuleDocument;
}

/** A rule that did not load: invalid (breaks the spec) or unsupported (a declared gap). */
export interface RuleProblem extends RuleOrigin {
  readonly kind: 'invalid' | 'unsupported';
  /** `invalid`, or the unsupported feature (`re`, `placeholder`, ...), for counting. */
  readonly feature: string;
  readonly message: string;
  readonly title?: string;
  readonly id?: string;
}

export interface RuleLoad {
  readonly rules: readonly LoadedRule[];
  readonly correlations: readonly CorrelationDocument[];
  readonly problems: readonly RuleProblem[];
}

/**
 * Compiles every rule of every source. A bad rule becomes a problem naming its file, line and
 * what is wrong; it never stops the others from loading.
 */
export function loadRuleSources(sources: readonly RuleSource[], options: ItemOptions): RuleLoad {
  const rules: LoadedRule[] = [];
  const correlations: CorrelationDocument[] = [];
  const problems: RuleProblem[] = [];
  for (const source of sources) {
    const read = readRuleDocuments(source.text);
    if (!read.ok) {
      problems.push({
        file: source.file,
        line: read.line,
        kind: 'invalid',
        feature: 'invalid',
        message: `YAML: ${read.message} (column ${String(read.column)})`,
      });
      continue;
    }
    for (const document of read.documents) {
      const value = document.value;
      const record =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? (value as Record<string, unknown>)
          : undefined;
      const label = {
        ...(typeof record?.title === 'string' ? { title: record.title } : {}),
        ...(typeof record?.id === 'string' ? { id: record.id } : {}),
      };
      if (record && 'correlation' in record) {
        correlations.push({ file: source.file, line: document.line, document });
        continue;
      }
      try {
        if (record && 'filter' in record && !('detection' in record))
          throw CompileIssue.unsupported('filter', 'Sigma filter (meta) rules are not supported', [
            'filter',
          ]);
        rules.push({ file: source.file, line: document.line, rule: compileRule(value, options) });
      } catch (err) {
        if (!isCompileIssue(err)) throw err;
        problems.push({
          file: source.file,
          line: document.lineOf(err.path),
          kind: err.kind,
          feature: err.feature,
          message: err.message,
          ...label,
        });
      }
    }
  }
  return { rules, correlations, problems };
}
