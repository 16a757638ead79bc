/**
 * The typed syntax tree of a KQL query. Every event store compiles this tree, not the query text:
 * the Elasticsearch adapter through `toElasticsearchQuery`, the embedded SQLite store through its
 * own SQL compiler. The tree is plain JSON (no classes, no symbols), so it can be logged, cached
 * and compared with deep equality.
 *
 * Invariants `parseKql` guarantees (and compilers may rely on):
 * - `and` / `or` have at least two children and never a child of their own type (flattened).
 * - A {@link KqlWildcard} has at least one `any` part and at least one `text` part, no empty text
 *   part, and never two adjacent parts of the same kind (`a**b` is stored as `a*b`).
 * - A field name is never empty. A lone `*` field never appears: `*:value` is free text
 *   (`field: null`), `*:*` and a lone `*` are `match_all`.
 * - A term's text is never empty; a phrase's text may be (`field:""`).
 * - A range's numeric value is finite and never `-0`.
 */

/** Half-open range `[start, end)` of UTF-16 code unit offsets into the query text. */
export interface KqlSpan {
  readonly start: number;
  readonly end: number;
}

/** One piece of a wildcard pattern: literal text, or `*` (any sequence of characters, even none). */
export type KqlPatternPart =
  { readonly kind: 'text'; readonly text: string } | { readonly kind: 'any' };

/**
 * A field reference. `name` is an exact field name (dotted ECS path such as `process.name`);
 * `wildcard` is a field-name pattern such as `winlog.event_data.*`, which a compiler expands
 * against the fields it knows or hands to a store that understands field patterns.
 */
export type KqlField =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'wildcard'; readonly parts: readonly KqlPatternPart[] };

/**
 * A value to match.
 * - `term`: unquoted text (`web-01`, `hello world`); analysed/tokenised by full-text stores.
 * - `phrase`: quoted text (`"lsass.exe"`); matched as a whole phrase, `*` inside is literal.
 * - `wildcard`: unquoted text with at least one `*` (`web-*`, `*.exe`).
 */
export type KqlValue =
  | { readonly kind: 'term'; readonly text: string }
  | { readonly kind: 'phrase'; readonly text: string }
  | { readonly kind: 'wildcard'; readonly parts: readonly KqlPatternPart[] };

/** Comparison of a range expression: `>` gt, `>=` gte, `<` lt, `<=` lte. */
export type KqlRangeOp = 'gt' | 'gte' | 'lt' | 'lte';

/** Every child must match. */
export interface KqlAnd {
  readonly type: 'and';
  readonly children: readonly KqlNode[];
  readonly span?: KqlSpan;
}

/** At least one child must match. */
export interface KqlOr {
  readonly type: 'or';
  readonly children: readonly KqlNode[];
  readonly span?: KqlSpan;
}

/** The child must not match. */
export interface KqlNot {
  readonly type: 'not';
  readonly child: KqlNode;
  readonly span?: KqlSpan;
}

/**
 * A field has the value (`field:value`), or, with `field: null`, any field has it (free text:
 * `mimikatz`, `"lsass.exe"`). For a multi-valued field, any of its values may match.
 */
export interface KqlMatch {
  readonly type: 'match';
  readonly field: KqlField | null;
  readonly value: KqlValue;
  readonly span?: KqlSpan;
}

/** The field is present with a non-null value (`field:*`). */
export interface KqlExists {
  readonly type: 'exists';
  readonly field: KqlField;
  readonly span?: KqlSpan;
}

/**
 * A comparison (`field >= 5`, `@timestamp < "2024-01-01"`). An unquoted numeric literal is a
 * `number`; anything else (quoted, dates, `now-1d`) stays a `string` for the store to interpret
 * by the field's type.
 */
export interface KqlRange {
  readonly type: 'range';
  readonly field: KqlField;
  readonly op: KqlRangeOp;
  readonly value: string | number;
  readonly span?: KqlSpan;
}

/** Matches every event: the empty query, `*` and `*:*`. */
export interface KqlMatchAll {
  readonly type: 'match_all';
  readonly span?: KqlSpan;
}

/** A node of the KQL syntax tree. Switch on `type`. */
export type KqlNode = KqlAnd | KqlOr | KqlNot | KqlMatch | KqlExists | KqlRange | KqlMatchAll;
