import type { CorrelationAliases } from './correlation-rule.ts';

/** A referenced rule as seen in a match: its id and/or name. */
export interface RuleRef {
  readonly id?: string | undefined;
  readonly name?: string | undefined;
}

/**
 * The field to read in events of `base` for `field`: an alias resolves to the field it names for
 * that rule (looked up by the rule's name, then its id); anything else is read as written.
 */
export function resolveField(field: string, aliases: CorrelationAliases, base: RuleRef): string {
  if (!Object.hasOwn(aliases, field)) return field;
  const mapping = aliases[field] ?? {};
  for (const ref of [base.name, base.id]) {
    if (ref !== undefined && Object.hasOwn(mapping, ref)) return mapping[ref] ?? field;
  }
  return field;
}

/**
 * A field value as a group or distinct-value key. Missing, `null` and empty lists give null;
 * scalars their string form; a one-item list its item; other lists and objects their JSON.
 */
export function toKeyValue(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      if (value === null) return null;
      if (Array.isArray(value)) {
        if (value.length === 0) return null;
        if (value.length === 1) return toKeyValue(value[0]);
        return JSON.stringify(value.map(toKeyValue));
      }
      return safeJson(value);
    case 'undefined':
    case 'symbol': // such as a field reader's "missing" marker
    case 'function':
      return null;
  }
}

function safeJson(value: object): string | null {
  try {
    return JSON.stringify(value);
  } catch {
    return null;
  }
}

/** A numeric field value: a finite number, or a string or one-item list holding one. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    return Number.isFinite(number) ? number : undefined;
  }
  if (Array.isArray(value) && value.length === 1) return toNumber(value[0]);
  return undefined;
}
