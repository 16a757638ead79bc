import type { JsonObject } from '../parsers/parser.ts';
import { fieldValues, forEachLeaf, leafPaths } from '../events/document-fields.ts';
import type { FieldScalar } from '../events/document-fields.ts';
import type { KqlField, KqlNode, KqlPatternPart, KqlRangeOp, KqlValue } from './kql/index.ts';
import { parseDateValue } from './date-values.ts';

/**
 * Fields analysed as text (ECS `text` / `match_only_text`): `field:value` matches when the value's
 * words appear in order, as in Elasticsearch. Every other field is a keyword: the whole value must
 * match. Both are case-insensitive in the embedded store.
 */
export const TEXT_FIELDS: ReadonlySet<string> = new Set([
  'message',
  'error.message',
  'error.stack_trace',
  'event.original',
]);

export type DocPredicate = (doc: JsonObject) => boolean;

export interface EvaluateOptions {
  /** Epoch ms that `now` means in date math (`@timestamp > now-15m`). */
  readonly now: number;
}

/**
 * Compiles a KQL tree into a predicate over documents. This is the exact meaning of a query in
 * the embedded store; indexes only narrow down which documents it runs on.
 */
export function compileKql(node: KqlNode, options: EvaluateOptions): DocPredicate {
  switch (node.type) {
    case 'match_all':
      return () => true;
    case 'and': {
      const children = node.children.map((c) => compileKql(c, options));
      return (doc) => children.every((p) => p(doc));
    }
    case 'or': {
      const children = node.children.map((c) => compileKql(c, options));
      return (doc) => children.some((p) => p(doc));
    }
    case 'not': {
      const child = compileKql(node.child, options);
      return (doc) => !child(doc);
    }
    case 'exists':
      return (doc) => fieldsOf(doc, node.field).some((f) => fieldValues(doc, f).length > 0);
    case 'range':
      return compileRange(node.field, node.op, node.value, options);
    case 'match':
      return node.field === null
        ? compileFreeText(node.value)
        : compileFieldMatch(node.field, node.value);
  }
}

function fieldsOf(doc: JsonObject, field: KqlField): string[] {
  if (field.kind === 'name') return [field.name];
  const pattern = wildcardRegExp(field.parts, '');
  return leafPaths(doc).filter((p) => pattern.test(p));
}

function compileFieldMatch(field: KqlField, value: KqlValue): DocPredicate {
  const asText = field.kind === 'name' && TEXT_FIELDS.has(field.name);
  const test = asText ? textValueTest(value) : keywordValueTest(value);
  if (field.kind === 'name') {
    const name = field.name;
    return (doc) => fieldValues(doc, name).some(test);
  }
  return (doc) => fieldsOf(doc, field).some((f) => fieldValues(doc, f).some(test));
}

/** Free text: any field. Words in order inside any value, or a whole value for wildcards. */
function compileFreeText(value: KqlValue): DocPredicate {
  const wordTest = textValueTest(value);
  const wholeTest = value.kind === 'wildcard' ? keywordValueTest(value) : () => false;
  return (doc) => {
    let found = false;
    forEachLeaf(doc, (_path, leaf) => {
      if (!found && (wordTest(leaf) || wholeTest(leaf))) found = true;
    });
    return found;
  };
}

/** Keyword semantics: the whole value equals (or, for wildcards, matches) case-insensitively. */
function keywordValueTest(value: KqlValue): (leaf: FieldScalar) => boolean {
  if (value.kind === 'wildcard') {
    const pattern = wildcardRegExp(value.parts, 'i');
    return (leaf) => pattern.test(String(leaf));
  }
  const wanted = value.text.toLowerCase();
  return (leaf) => String(leaf).toLowerCase() === wanted;
}

/** Text semantics: the value's words appear consecutively; a wildcard matches one word. */
function textValueTest(value: KqlValue): (leaf: FieldScalar) => boolean {
  if (value.kind === 'wildcard') {
    const pattern = wildcardRegExp(value.parts, 'iu');
    return (leaf) => words(String(leaf)).some((w) => pattern.test(w));
  }
  const wanted = words(value.text);
  if (wanted.length === 0) {
    const exact = value.text.toLowerCase();
    return (leaf) => String(leaf).toLowerCase() === exact;
  }
  const sequence = new RegExp(
    `(?<![\\p{L}\\p{N}])${wanted.map(escapeRegExp).join('[^\\p{L}\\p{N}]+')}(?![\\p{L}\\p{N}])`,
    'iu',
  );
  return (leaf) => sequence.test(String(leaf));
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Words as the full-text index sees them: runs of letters and digits, lower-cased. */
export function words(text: string): string[] {
  return (text.match(WORD) ?? []).map((w) => w.toLowerCase());
}

function escapeRegExp(text: string): string {
  return text.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function wildcardRegExp(parts: readonly KqlPatternPart[], flags: string): RegExp {
  const body = parts.map((p) => (p.kind === 'any' ? '[\\s\\S]*' : escapeRegExp(p.text))).join('');
  return new RegExp(`^${body}$`, flags);
}

function compileRange(
  field: KqlField,
  op: KqlRangeOp,
  bound: string | number,
  options: EvaluateOptions,
): DocPredicate {
  const compare = (a: number | string, b: number | string): boolean => {
    switch (op) {
      case 'gt':
        return a > b;
      case 'gte':
        return a >= b;
      case 'lt':
        return a < b;
      case 'lte':
        return a <= b;
    }
  };
  const numeric =
    typeof bound === 'number'
      ? bound
      : Number.isFinite(Number(bound)) && bound.trim() !== ''
        ? Number(bound)
        : undefined;
  const date =
    numeric === undefined && typeof bound === 'string'
      ? parseDateValue(bound, options.now, op)
      : undefined;
  const test = (leaf: FieldScalar): boolean => {
    if (numeric !== undefined) {
      const n =
        typeof leaf === 'number'
          ? leaf
          : typeof leaf === 'string' && leaf.trim() !== ''
            ? Number(leaf)
            : NaN;
      return Number.isFinite(n) && compare(n, numeric);
    }
    if (date !== undefined) {
      const t =
        typeof leaf === 'number'
          ? leaf
          : typeof leaf === 'string'
            ? parseDateValue(leaf, options.now, op)
            : undefined;
      return t !== undefined && compare(t, date);
    }
    return compare(String(leaf), String(bound));
  };
  if (field.kind === 'name') {
    const name = field.name;
    return (doc) => fieldValues(doc, name).some(test);
  }
  return (doc) => fieldsOf(doc, field).some((f) => fieldValues(doc, f).some(test));
}
