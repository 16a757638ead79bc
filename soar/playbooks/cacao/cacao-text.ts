import { isRecord } from './cacao-ids.ts';

/** A CACAO variable name: `__name__` (playbook.json, step_variables). */
export const VARIABLE_NAME = /^__([A-Za-z_][A-Za-z0-9_-]{0,199})__$/;

/** Our name for a CACAO variable: the name without its `__` wrapping, `-` read as `_`. */
export function ourVariableName(cacaoName: string): string | undefined {
  return VARIABLE_NAME.exec(cacaoName)?.[1]?.replaceAll('-', '_');
}

/** What the variable references in a CACAO text stand for. */
export interface VariableScope {
  /** Playbook variables: CACAO name (`__ip__`) → our var name (read as `${{ vars.ip }}`). */
  readonly playbook: ReadonlyMap<string, string>;
  /** Constant step variables: CACAO name → value, written into the text as it is. */
  readonly step: ReadonlyMap<string, string>;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ANY_REFERENCE = /__([A-Za-z_][A-Za-z0-9_-]*?)__(?::value)?/g;

/**
 * Replaces CACAO variable references (`__name__:value`, or `__name__` as SOARCA writes them) by
 * our templates (`${{ vars.name }}`) or, for constant step variables, their value. References to
 * variables declared nowhere are left as written and returned.
 */
export function fromCacaoText(
  text: string,
  scope: VariableScope,
): { readonly text: string; readonly undeclared: string[] } {
  const names = [...new Set([...scope.step.keys(), ...scope.playbook.keys()])].sort(
    (a, b) => b.length - a.length,
  );
  const undeclared = new Set<string>();
  for (const [whole, inner] of text.matchAll(ANY_REFERENCE)) {
    const name = `__${inner ?? ''}__`;
    if (!names.some((known) => whole.startsWith(known))) undeclared.add(name);
  }
  if (names.length === 0) return { text, undeclared: [...undeclared] };
  const pattern = new RegExp(`(${names.map(escape).join('|')})(?::value)?`, 'g');
  const replaced = text.replace(pattern, (_whole, name: string) => {
    const constant = scope.step.get(name);
    if (constant !== undefined) return constant;
    return `\${{ vars.${scope.playbook.get(name) ?? name} }}`;
  });
  return { text: replaced, undeclared: [...undeclared] };
}

const VARS_TEMPLATE = /\$\{\{\s*vars\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Writes our `${{ vars.name }}` templates of declared vars as CACAO references `__name__:value`. */
export function toCacaoText(text: string, vars: ReadonlySet<string>): string {
  return text.replace(VARS_TEMPLATE, (whole, name: string) =>
    vars.has(name) ? `__${name}__:value` : whole,
  );
}

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const START_LINE = /^\s*([A-Za-z]+)\s+(\S.*?)(?:\s+HTTP\/?\d(?:\.\d)?)?\s*$/i;

/** `GET /path HTTP/1.1` (the version optional, `HTTP1.1` accepted as SOARCA writes it). */
export function parseStartLine(
  line: string,
): { readonly method: string; readonly target: string } | { readonly error: string } {
  const match = START_LINE.exec(line);
  const method = match?.[1]?.toUpperCase();
  const target = match?.[2];
  if (method === undefined || target === undefined)
    return {
      error: `not an HTTP start line such as "GET /path HTTP/1.1": ${JSON.stringify(line)}`,
    };
  if (!(HTTP_METHODS as readonly string[]).includes(method))
    return { error: `HTTP method ${method} is not supported (${HTTP_METHODS.join(', ')})` };
  return { method, target };
}

/** A request target that is a whole URL (or starts with a variable holding one). */
export function isAbsoluteTarget(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target) || /^(__|\$\{\{)/.test(target);
}

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
] as const;

/**
 * Milliseconds as our duration string in the largest unit that divides them (`90000` → `90s`,
 * `900000` → `15m`), except that one minute is `60s`, the default step timeout.
 */
export function msToDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms === 60_000) return '60s';
  for (const [unit, size] of UNITS) if (ms % size === 0) return `${String(ms / size)}${unit}`;
  return `${String(ms)}ms`;
}

/** A CACAO variable (data-types/variable.json) for one of our vars. */
export function toCacaoVariable(value: unknown): Record<string, unknown> {
  const of = (type: string, text: string | null): Record<string, unknown> => ({
    type,
    value: text,
    constant: true,
  });
  if (value === null || value === undefined) return of('string', null);
  if (typeof value === 'string') return of('string', value);
  if (typeof value === 'boolean') return of('bool', String(value));
  if (typeof value === 'number')
    return of(Number.isSafeInteger(value) ? 'integer' : 'float', String(value));
  if (isRecord(value)) return of('dictionary', JSON.stringify(value));
  return of('string', JSON.stringify(value));
}

/** Our value for a CACAO variable, read by its type; a warning when the text does not fit it. */
export function fromCacaoVariable(variable: Record<string, unknown>): {
  readonly value: unknown;
  readonly warning?: string;
} {
  const { type, value } = variable;
  if (value === null || value === undefined) return { value: null };
  if (typeof value !== 'string') return { value };
  const misfit = { value, warning: `its value is not a ${String(type)}; kept as text` };
  switch (type) {
    case 'integer':
    case 'long': {
      const number = Number(value);
      return /^-?\d+$/.test(value) && Number.isSafeInteger(number) ? { value: number } : misfit;
    }
    case 'float': {
      const number = Number(value);
      return value.trim() !== '' && Number.isFinite(number) ? { value: number } : misfit;
    }
    case 'bool':
      return value === 'true' || value === 'false' ? { value: value === 'true' } : misfit;
    case 'dictionary': {
      try {
        const parsed: unknown = JSON.parse(value);
        return isRecord(parsed) ? { value: parsed } : misfit;
      } catch {
        return misfit;
      }
    }
    default:
      return { value };
  }
}
