import jsonata from 'jsonata';

/** Limits of one evaluation: JSONata's own guardrails (no `eval`; no I/O exists in the language). */
const GUARDRAILS = { timeout: 500, stack: 300, sequence: 100_000 } as const;

const TEMPLATE = /\$\{\{([\s\S]*?)\}\}/g;
const WHOLE = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/;

/** An expression that does not compile or fails to evaluate, with its position in the source. */
export class ExpressionError extends Error {
  readonly position: number | undefined;
  constructor(message: string, position: number | undefined, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExpressionError';
    this.position = position;
  }
}

/** A compiled expression. Evaluation reads only the context it is given. */
export interface Expression {
  readonly source: string;
  evaluate(context: Readonly<Record<string, unknown>>): Promise<unknown>;
}

function describe(err: unknown): { message: string; position: number | undefined } {
  if (typeof err === 'object' && err !== null) {
    const { message, position, code } = err as {
      message?: unknown;
      position?: unknown;
      code?: unknown;
    };
    const text =
      typeof message === 'string' && message !== ''
        ? message
        : code === 'D1012'
          ? 'the expression ran for too long'
          : code === 'D1011'
            ? 'the expression nested too deeply'
            : `expression error ${String(code)}`;
    return { message: text, position: typeof position === 'number' ? position : undefined };
  }
  return { message: String(err), position: undefined };
}

/** Strips an optional `${{ }}` wrapper. */
export function unwrap(source: string): string {
  const whole = WHOLE.exec(source);
  return whole === null ? source : (whole[1] ?? '');
}

const compiled = new Map<string, Expression>();
const COMPILED_LIMIT = 2_000;

/**
 * Compiles a JSONata expression (a `${{ }}` wrapper is allowed); throws `ExpressionError`. Every
 * step of every run evaluates the same few sources, so compiled expressions are kept (bounded).
 */
export function compileExpression(source: string): Expression {
  const known = compiled.get(source);
  if (known !== undefined) return known;
  const expression = compileUncached(source);
  if (compiled.size >= COMPILED_LIMIT) compiled.clear();
  compiled.set(source, expression);
  return expression;
}

function compileUncached(source: string): Expression {
  const text = unwrap(source).trim();
  if (text === '') throw new ExpressionError('empty expression', 0);
  let parsed: jsonata.Expression;
  try {
    parsed = jsonata(text, GUARDRAILS);
  } catch (err) {
    const { message, position } = describe(err);
    throw new ExpressionError(message, position, { cause: err });
  }
  return {
    source,
    async evaluate(context) {
      try {
        const value: unknown = await parsed.evaluate(context, context);
        return normalise(value);
      } catch (err) {
        const { message, position } = describe(err);
        throw new ExpressionError(message, position, { cause: err });
      }
    },
  };
}

/** JSONata returns arrays tagged as sequences; copies them into plain JSON values. */
function normalise(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** JSONata's truthiness is the one conditions use: empty, zero, false, null and missing are false. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '')
    return false;
  if (Array.isArray(value)) return value.some(isTruthy);
  return true;
}

/** Every template expression inside a value (strings, arrays and objects at any depth). */
export function templatesIn(
  value: unknown,
  path: readonly PropertyKey[] = [],
): { path: PropertyKey[]; source: string }[] {
  if (typeof value === 'string') {
    return [...value.matchAll(TEMPLATE)].map((match) => ({
      path: [...path],
      source: match[1] ?? '',
    }));
  }
  if (Array.isArray(value))
    return value.flatMap((item, index) => templatesIn(item, [...path, index]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, item]) => templatesIn(item, [...path, key]));
  return [];
}

/**
 * Fills the `${{ }}` templates of a value. A string that is one template keeps the expression's
 * value and type; a template inside text becomes text (objects as JSON). Other values are kept.
 */
export async function renderTemplates(
  value: unknown,
  context: Readonly<Record<string, unknown>>,
): Promise<unknown> {
  if (typeof value === 'string') {
    if (!value.includes('${{')) return value;
    const whole = WHOLE.exec(value);
    if (whole !== null && !(whole[1] ?? '').includes('}}')) {
      const result = await compileExpression(whole[1] ?? '').evaluate(context);
      return result === undefined ? null : result;
    }
    let out = '';
    let last = 0;
    for (const match of value.matchAll(TEMPLATE)) {
      out += value.slice(last, match.index);
      const result = await compileExpression(match[1] ?? '').evaluate(context);
      out +=
        result === undefined || result === null
          ? ''
          : typeof result === 'string'
            ? result
            : JSON.stringify(result);
      last = match.index + match[0].length;
    }
    return out + value.slice(last);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await renderTemplates(item, context));
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[key] = await renderTemplates(item, context);
    return out;
  }
  return value;
}
