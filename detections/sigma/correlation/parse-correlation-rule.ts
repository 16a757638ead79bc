import { CORRELATION_TYPES } from './correlation-rule.ts';
import type {
  CorrelationAliases,
  CorrelationLevel,
  CorrelationRule,
  CorrelationType,
} from './correlation-rule.ts';
import { parseCondition } from './parse-condition.ts';
import { isRecord, own, RuleIssues } from './rule-issues.ts';
import type { CorrelationIssue } from './rule-issues.ts';
import { parseTimespan } from './timespan.ts';

export type ParseCorrelationResult =
  | { readonly ok: true; readonly rule: CorrelationRule }
  | {
      readonly ok: false;
      readonly issues: readonly CorrelationIssue[];
      /** Set when the document is valid but uses a feature this engine does not implement. */
      readonly unsupported?: string;
    };

const LEVELS: readonly CorrelationLevel[] = ['informational', 'low', 'medium', 'high', 'critical'];
const SECTION_KEYS = new Set([
  'type',
  'rules',
  'group-by',
  'timespan',
  'condition',
  'aliases',
  'generate',
]);
/** Types listed in the correlation JSON schema that this engine does not evaluate. */
const UNSUPPORTED_TYPES = new Set(['value_min', 'value_max']);

/**
 * Validates a parsed YAML document (a plain object from the `yaml` package) that has a
 * `correlation` key. Every issue carries its path inside the document, so the caller can turn it
 * into a line number. A valid document using a feature this engine does not implement is
 * refused with `unsupported` naming that feature.
 */
export function parseCorrelationRule(doc: Record<string, unknown>): ParseCorrelationResult {
  const issues = new RuleIssues();
  const title = own(doc, 'title');
  if (typeof title !== 'string' || title.trim() === '') {
    issues.invalid(title === undefined ? [] : ['title'], 'title is required (a string)');
  } else if (title.length > 256) {
    issues.invalid(['title'], 'title is longer than 256 characters');
  }
  const id = optionalString(doc, 'id', issues);
  const name = optionalString(doc, 'name', issues);
  const description = optionalString(doc, 'description', issues);
  const level = parseLevel(own(doc, 'level'), issues);

  const section = own(doc, 'correlation');
  if (!isRecord(section)) {
    issues.invalid(['correlation'], 'correlation must be a mapping');
    return failure(issues);
  }
  for (const key of Object.keys(section)) {
    if (SECTION_KEYS.has(key)) continue;
    issues.invalid(
      ['correlation', key],
      key === 'field' ? 'field belongs inside condition' : `unknown correlation key '${key}'`,
    );
  }

  const type = parseType(own(section, 'type'), issues);
  const rules = parseRules(own(section, 'rules'), [id, name], issues);
  const groupBy = parseGroupBy(own(section, 'group-by'), issues);
  const timespan = own(section, 'timespan');
  const timespanMs = parseTimespanAt(timespan, issues);
  const aliases = parseAliases(own(section, 'aliases'), rules ?? [], issues);
  const generate = parseGenerate(own(section, 'generate'), own(doc, 'generate'), issues);
  const condition =
    type === undefined
      ? undefined
      : parseCondition(own(section, 'condition'), type, rules?.length ?? 0, issues);

  if (
    !issues.isEmpty ||
    typeof title !== 'string' ||
    type === undefined ||
    rules === undefined ||
    groupBy === undefined ||
    typeof timespan !== 'string' ||
    timespanMs === undefined ||
    aliases === undefined ||
    generate === undefined ||
    condition === undefined
  ) {
    return failure(issues);
  }
  const rule: CorrelationRule = {
    ...(id === undefined ? {} : { id }),
    ...(name === undefined ? {} : { name }),
    title,
    ...(description === undefined ? {} : { description }),
    ...(level === undefined ? {} : { level }),
    type,
    rules,
    groupBy,
    timespan,
    timespanMs,
    condition,
    aliases,
    generate,
  };
  return { ok: true, rule };
}

function failure(issues: RuleIssues): ParseCorrelationResult {
  const unsupported = issues.hasInvalid ? undefined : issues.unsupportedFeature;
  return {
    ok: false,
    issues: issues.issues,
    ...(unsupported === undefined ? {} : { unsupported }),
  };
}

function optionalString(doc: Record<string, unknown>, key: string, issues: RuleIssues) {
  const value = own(doc, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  issues.invalid([key], `${key} must be a non-empty string`);
  return undefined;
}

function parseLevel(value: unknown, issues: RuleIssues): CorrelationLevel | undefined {
  if (value === undefined || value === null) return undefined;
  const level = LEVELS.find((candidate) => candidate === value);
  if (level === undefined) issues.invalid(['level'], `level must be one of ${LEVELS.join(', ')}`);
  return level;
}

function parseType(value: unknown, issues: RuleIssues): CorrelationType | undefined {
  const path = ['correlation', 'type'];
  if (value === undefined || value === null) {
    issues.invalid(['correlation'], 'correlation.type is required');
    return undefined;
  }
  const type = CORRELATION_TYPES.find((candidate) => candidate === value);
  if (type !== undefined) return type;
  if (typeof value === 'string' && UNSUPPORTED_TYPES.has(value)) {
    issues.unsupported(value, path, `correlation type ${value} is not implemented`);
  } else {
    issues.invalid(path, `unknown correlation type (expected ${CORRELATION_TYPES.join(', ')})`);
  }
  return undefined;
}

function parseRules(
  value: unknown,
  selfRefs: readonly (string | undefined)[],
  issues: RuleIssues,
): readonly string[] | undefined {
  const path = ['correlation', 'rules'];
  if (value === undefined || value === null) {
    issues.invalid(['correlation'], 'correlation.rules is required (rule ids or names)');
    return undefined;
  }
  const list = toList(value) ?? [];
  if (list.length === 0) {
    issues.invalid(path, 'rules must list at least one rule id or name');
    return undefined;
  }
  const rules: string[] = [];
  for (const [index, item] of list.entries()) {
    const at = typeof value === 'string' ? path : [...path, index];
    if (typeof item !== 'string' || item === '') {
      issues.invalid(at, 'a rule reference must be a rule id or name');
    } else if (rules.includes(item)) {
      issues.invalid(at, `rule '${item}' is listed twice`);
    } else if (selfRefs.includes(item)) {
      issues.invalid(at, 'a correlation cannot reference itself');
    } else {
      rules.push(item);
    }
  }
  return rules.length === list.length ? rules : undefined;
}

function parseGroupBy(value: unknown, issues: RuleIssues): readonly string[] | undefined {
  const path = ['correlation', 'group-by'];
  if (value === undefined || value === null) return [];
  const list = toList(value);
  if (list === undefined) {
    issues.invalid(path, 'group-by must be a field name or a list of field names');
    return undefined;
  }
  const fields: string[] = [];
  for (const [index, item] of list.entries()) {
    if (typeof item !== 'string' || item === '') {
      issues.invalid([...path, index], 'a group-by entry must be a field name');
    } else if (fields.includes(item)) {
      issues.invalid([...path, index], `group-by field '${item}' is listed twice`);
    } else {
      fields.push(item);
    }
  }
  return fields.length === list.length ? fields : undefined;
}

function parseTimespanAt(value: unknown, issues: RuleIssues): number | undefined {
  if (value === undefined || value === null) {
    issues.invalid(['correlation'], 'correlation.timespan is required (such as 5m)');
    return undefined;
  }
  const result = parseTimespan(value);
  if (result.ok) return result.ms;
  const path = ['correlation', 'timespan'];
  if (result.unsupported) issues.unsupported('timespan-calendar-unit', path, result.message);
  else issues.invalid(path, result.message);
  return undefined;
}

function parseAliases(
  value: unknown,
  rules: readonly string[],
  issues: RuleIssues,
): CorrelationAliases | undefined {
  const path = ['correlation', 'aliases'];
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    issues.invalid(path, 'aliases must map each alias to {rule name: field}');
    return undefined;
  }
  // Built with fromEntries: an alias or rule called __proto__ stays an ordinary key.
  const aliases: [string, Readonly<Record<string, string>>][] = [];
  let valid = true;
  for (const [alias, mapping] of Object.entries(value)) {
    if (!isRecord(mapping) || Object.keys(mapping).length === 0) {
      issues.invalid([...path, alias], `alias '${alias}' must map rule names to field names`);
      valid = false;
      continue;
    }
    const fields: [string, string][] = [];
    for (const [ref, field] of Object.entries(mapping)) {
      if (!rules.includes(ref)) {
        issues.invalid([...path, alias, ref], `alias '${alias}' names rule '${ref}', not in rules`);
        valid = false;
      } else if (typeof field !== 'string' || field === '') {
        issues.invalid([...path, alias, ref], 'an alias maps a rule to a field name');
        valid = false;
      } else {
        fields.push([ref, field]);
      }
    }
    aliases.push([alias, Object.fromEntries(fields)]);
  }
  return valid ? Object.fromEntries(aliases) : undefined;
}

/** A single string as a one-item list, a list as itself, anything else undefined. */
function toList(value: unknown): readonly unknown[] | undefined {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? (value as unknown[]) : undefined;
}

function parseGenerate(inSection: unknown, topLevel: unknown, issues: RuleIssues) {
  // The specification lists generate beside level; pySigma reads it inside correlation.
  for (const [value, path] of [
    [inSection, ['correlation', 'generate']],
    [topLevel, ['generate']],
  ] as const) {
    if (value !== undefined && value !== null && typeof value !== 'boolean') {
      issues.invalid(path, 'generate must be true or false');
      return undefined;
    }
  }
  if (typeof inSection === 'boolean' && typeof topLevel === 'boolean' && inSection !== topLevel) {
    issues.invalid(['generate'], 'generate is set twice with different values');
    return undefined;
  }
  return typeof inSection === 'boolean' ? inSection : topLevel === true;
}
