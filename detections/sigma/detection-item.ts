import { compileCidr } from './cidr.ts';
import { CompileIssue } from './compile-issue.ts';
import type { DetectionNode, MatchContext, ValueTest } from './detection-tree.ts';
import { and, or } from './detection-tree.ts';
import { MISSING } from './event-fields.ts';
import { compileSigmaRegex } from './regex.ts';
import {
  compileSigmaString,
  literalFragments,
  literalString,
  parseSigmaString,
} from './sigma-string.ts';
import type { SigmaString } from './sigma-string.ts';
import { applyTransform, isTransform } from './value-transforms.ts';
import { MERGE_AT, mergePlainValues } from './value-set.ts';
import type { PlainValue } from './value-set.ts';
import type { ItemOptions, TransformState } from './value-transforms.ts';

/**
 * One detection item — `Field|mod1|mod2: value(s)`, or a keyword list — compiled to a tree node,
 * with every value modifier of the Sigma specification (v2.1 appendix).
 */

export type { ItemOptions } from './value-transforms.ts';

const MATCH_MODIFIERS = new Set([
  're',
  'i',
  'm',
  's',
  'cidr',
  'gt',
  'gte',
  'lt',
  'lte',
  'fieldref',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
]);
const GENERIC_MODIFIERS = new Set(['all', 'cased', 'neq', 'exists']);
const DATE_PARTS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const COMPARISONS = new Set(['gt', 'gte', 'lt', 'lte']);

type Scalar = string | number | boolean | null;

/** Compiles `key: value` of a selection map (`field` is '' for a keyword item `'|all': [...]`). */
export function compileItem(
  key: string,
  raw: unknown,
  options: ItemOptions,
  keyword = false,
): DetectionNode {
  const [field = '', ...written] = key.split('|');
  // A keyword is searched for inside values (full-text), unless its modifiers say otherwise.
  const positional = ['contains', 'startswith', 'endswith', 're', 'cidr', 'exists'];
  const modifiers =
    keyword && !written.some((m) => positional.includes(m)) ? [...written, 'contains'] : written;
  for (const modifier of modifiers) {
    if (
      !MATCH_MODIFIERS.has(modifier) &&
      !GENERIC_MODIFIERS.has(modifier) &&
      !isTransform(modifier)
    )
      throw CompileIssue.invalid(`unknown value modifier '${modifier}' in '${key}'`);
  }
  const values = toScalars(raw, key);
  const has = (m: string): boolean => modifiers.includes(m);
  const mode = has('all') ? 'all' : 'any';

  if (has('exists')) {
    if (modifiers.length > 1 || values.length !== 1 || typeof values[0] !== 'boolean')
      throw CompileIssue.invalid(`'${key}': exists takes one boolean and no other modifier`);
    if (keyword) throw CompileIssue.invalid('exists needs a field name');
    return { kind: 'exists', field, expected: values[0] };
  }

  const negate = has('neq');
  const nonNull: Exclude<Scalar, null>[] = [];
  const nullNodes: DetectionNode[] = [];
  for (const value of values) {
    if (value === null) {
      if (keyword) throw CompileIssue.invalid('a keyword cannot be null');
      nullNodes.push(
        negate ? { kind: 'not', child: { kind: 'null', field } } : { kind: 'null', field },
      );
    } else nonNull.push(value);
  }
  const compiled = nonNull.flatMap((value) => valueTests(value, modifiers, key, options, field));
  const tests = mode === 'any' ? mergeAnyOf(compiled) : compiled;
  const finalTests = negate ? tests.map(negated) : tests;
  const nodes: DetectionNode[] = [...nullNodes];
  if (finalTests.length > 0) {
    nodes.push(
      keyword
        ? { kind: 'keyword', mode, tests: finalTests }
        : { kind: 'field', field, mode, tests: finalTests },
    );
  }
  if (nodes.length === 0) throw CompileIssue.invalid(`'${key}' has no values`);
  return mode === 'all' ? and(nodes) : or(nodes);
}

function toScalars(raw: unknown, key: string): Scalar[] {
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  if (list.length === 0) throw CompileIssue.invalid(`'${key}' has an empty list of values`);
  return list.map((value) => {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
      return value as Scalar;
    throw CompileIssue.invalid(
      `'${key}': values must be strings, numbers, booleans or null, not ${Array.isArray(value) ? 'a list' : typeof value}`,
    );
  });
}

function negated(t: ValueTest): ValueTest {
  return { test: (value, context) => !t.test(value, context), literals: null };
}

/** The tests one rule value stands for (transforms like `base64offset` make several). */
function valueTests(
  value: string | number | boolean,
  modifiers: readonly string[],
  key: string,
  options: ItemOptions,
  field: string,
): MergeableTest[] {
  const has = (m: string): boolean => modifiers.includes(m);
  const cased = has('cased');
  if (has('re')) return [regexTest(value, modifiers, key)];
  for (const m of ['i', 'm', 's']) {
    if (has(m)) throw CompileIssue.invalid(`'${key}': the ${m} modifier only goes with re`);
  }
  if (has('cidr')) {
    if (typeof value !== 'string') throw CompileIssue.invalid(`'${key}': cidr takes a string`);
    const inside = compileCidr(value);
    return [{ test: (v) => typeof v === 'string' && inside(v), literals: null }];
  }
  const comparison = modifiers.find((m) => COMPARISONS.has(m));
  if (comparison) return [comparisonTest(value, comparison, key)];
  const datePart = modifiers.find((m) => DATE_PARTS.has(m));
  if (datePart) return [datePartTest(value, datePart, key)];
  if (has('fieldref')) return [fieldrefTest(value, modifiers, key, field)];

  // Plain values and string transforms.
  if (typeof value === 'boolean' && !modifiers.some(isTransform)) {
    return [
      {
        test: (v) => v === value || (typeof v === 'string' && v.toLowerCase() === String(value)),
        literals: [String(value)],
      },
    ];
  }
  if (typeof value === 'number' && !modifiers.some(isTransform)) {
    const text = String(value);
    return [
      {
        test: (v) => v === value || (typeof v === 'string' && v === text),
        literals: [text],
      },
    ];
  }
  let states: TransformState[] = [
    {
      value: typeof value === 'string' ? parseSigmaString(value) : literalString(String(value)),
      binary: false,
    },
  ];
  for (const modifier of modifiers) {
    if (isTransform(modifier)) {
      states = states.flatMap((state) => applyTransform(modifier, state, options, key));
    }
  }
  return states.map((state) => stringTest(state.value, cased));
}

/** A value test that may be merged with its siblings (see value-set.ts). */
interface MergeableTest extends ValueTest {
  readonly plain?: PlainValue;
}

function stringTest(value: SigmaString, cased: boolean): MergeableTest {
  const test = compileSigmaString(value, cased);
  const fragments = literalFragments(value);
  const longest = fragments.reduce((best, f) => (f.length > best.length ? f : best), '');
  const plain = cased ? undefined : plainShape(value);
  return {
    ...(plain ? { plain } : {}),
    test: (v, context) => {
      if (typeof v === 'string') return test(v, context.lower);
      if (typeof v === 'number' || typeof v === 'boolean') return test(String(v), context.lower);
      return false;
    },
    literals: longest === '' ? null : [longest],
  };
}

/** `x`, `*x*`, `x*` or `*x` with no other wildcard: the shapes `mergePlainValues` indexes. */
function plainShape(value: SigmaString): PlainValue | undefined {
  const leading = value[0]?.kind === 'any';
  const trailing = value.length > 1 && value.at(-1)?.kind === 'any';
  const inner = value.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (inner.length > 1 || (inner.length === 1 && inner[0]?.kind !== 'text')) return undefined;
  const first = inner[0];
  const text = first?.kind === 'text' ? first.text.toLowerCase() : '';
  if (text === '' && !(leading || trailing)) return { shape: 'equals', text: '' };
  const shape =
    leading && trailing ? 'contains' : leading ? 'endswith' : trailing ? 'startswith' : 'equals';
  return { shape, text };
}

/** In an any-of list, plain values are merged into one indexed test when there are enough. */
function mergeAnyOf(tests: readonly MergeableTest[]): ValueTest[] {
  const plains = tests.filter((t) => t.plain !== undefined);
  if (plains.length < MERGE_AT) return [...tests];
  const literals: string[] = [];
  let known = true;
  for (const t of plains) {
    if (t.literals === null) known = false;
    else literals.push(...t.literals);
  }
  const merged = mergePlainValues(
    plains.flatMap((t) => (t.plain ? [t.plain] : [])),
    known ? literals : null,
  );
  return [merged, ...tests.filter((t) => t.plain === undefined)];
}

function regexTest(value: unknown, modifiers: readonly string[], key: string): ValueTest {
  if (typeof value !== 'string') throw CompileIssue.invalid(`'${key}': re takes a string`);
  const others = modifiers.filter((m) => !['re', 'i', 'm', 's', 'all', 'neq'].includes(m));
  if (others.length > 0)
    throw CompileIssue.unsupported(
      're',
      `'${key}': re combined with ${others.join(', ')} is not defined by the specification`,
    );
  const flags = ['i', 'm', 's'].filter((f) => modifiers.includes(f)).join('');
  const regex = compileSigmaRegex(value, flags);
  return {
    test: (v) =>
      typeof v === 'string'
        ? regex.test(v)
        : (typeof v === 'number' || typeof v === 'boolean') && regex.test(String(v)),
    literals: null,
  };
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function comparisonTest(value: unknown, op: string, key: string): ValueTest {
  const bound = toNumber(value);
  if (bound === undefined) throw CompileIssue.invalid(`'${key}': ${op} takes a number`);
  const compare: (n: number) => boolean =
    op === 'gt'
      ? (n) => n > bound
      : op === 'gte'
        ? (n) => n >= bound
        : op === 'lt'
          ? (n) => n < bound
          : (n) => n <= bound;
  return {
    test: (v) => {
      const n = toNumber(v);
      return n !== undefined && compare(n);
    },
    literals: null,
  };
}

/** `minute`…`year`: a part of a date value (ISO 8601 text or epoch milliseconds), in UTC. */
function datePartTest(value: unknown, part: string, key: string): ValueTest {
  const expected = toNumber(value);
  if (expected === undefined || !Number.isInteger(expected))
    throw CompileIssue.invalid(`'${key}': ${part} takes an integer`);
  return {
    test: (v) => {
      const time = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : Number.NaN;
      if (!Number.isFinite(time)) return false;
      return datePart(new Date(time), part) === expected;
    },
    literals: null,
  };
}

function datePart(date: Date, part: string): number {
  switch (part) {
    case 'minute':
      return date.getUTCMinutes();
    case 'hour':
      return date.getUTCHours();
    case 'day':
      return date.getUTCDate();
    case 'month':
      return date.getUTCMonth() + 1;
    case 'year':
      return date.getUTCFullYear();
    default: {
      // ISO 8601 week number.
      const thursday = new Date(
        Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()),
      );
      thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7));
      const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
      return Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
    }
  }
}

/** `fieldref`: the value names another field; with contains/startswith/endswith (spec v2.1). */
function fieldrefTest(
  value: unknown,
  modifiers: readonly string[],
  key: string,
  field: string,
): ValueTest {
  if (typeof value !== 'string' || value === '')
    throw CompileIssue.invalid(`'${key}': fieldref takes a field name`);
  if (field === '') throw CompileIssue.invalid('fieldref needs a field name');
  const allowed = new Set([
    'fieldref',
    'contains',
    'startswith',
    'endswith',
    'cased',
    'all',
    'neq',
  ]);
  const other = modifiers.find((m) => !allowed.has(m));
  if (other)
    throw CompileIssue.unsupported('fieldref', `'${key}': fieldref with ${other} is not supported`);
  const cased = modifiers.includes('cased');
  const relation = modifiers.includes('contains')
    ? 'includes'
    : modifiers.includes('startswith')
      ? 'startsWith'
      : modifiers.includes('endswith')
        ? 'endsWith'
        : 'equals';
  const fold = (s: string): string => (cased ? s : s.toLowerCase());
  return {
    test: (v, context: MatchContext) => {
      const ref = context.read(value);
      const ownText = scalarText(v);
      if (ref === MISSING || ownText === undefined) return false;
      const own = fold(ownText);
      const refs = Array.isArray(ref) ? (ref as unknown[]) : [ref];
      return refs.some((r) => {
        const refText = scalarText(r);
        if (refText === undefined) return false;
        const other = fold(refText);
        return relation === 'equals' ? own === other : own[relation](other);
      });
    },
    literals: null,
  };
}

/** A string, number or boolean as text; anything else has none. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
