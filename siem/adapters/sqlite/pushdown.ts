import type { SQLInputValue } from 'node:sqlite';
import type { KqlNode, KqlPatternPart, KqlValue } from '../../search/kql/index.ts';
import { TEXT_FIELDS } from '../../search/evaluate-kql.ts';
import { ARRAY_MARK, promotedColumn } from './layout.ts';

/** A SQL condition over the promoted columns of `ev_<day>` (alias `e`). */
export interface SqlCondition {
  readonly sql: string;
  readonly params: SQLInputValue[];
}

/**
 * Pushes what it can of a KQL tree down to SQL over the promoted columns.
 * - `exact`: the whole tree, when every part is expressible exactly (then no document needs
 *   to be read to decide a match).
 * - `filter`: otherwise, the exactly expressible children of a top-level `and`, a necessary
 *   condition that narrows the candidates.
 * Values outside ASCII are never pushed down: SQLite's NOCASE folds ASCII only, while the
 * query semantics fold all of Unicode.
 */
export function pushDown(
  node: KqlNode,
  promoted: ReadonlySet<string>,
): { exact: SqlCondition | null; filter: SqlCondition | null } {
  const exact = compile(node, promoted);
  if (exact) return { exact, filter: exact };
  if (node.type !== 'and') return { exact: null, filter: null };
  const parts = node.children
    .map((c) => compile(c, promoted))
    .filter((c): c is SqlCondition => c !== null);
  return { exact: null, filter: parts.length === 0 ? null : combine(parts, 'AND') };
}

function combine(parts: readonly SqlCondition[], op: 'AND' | 'OR'): SqlCondition {
  // An empty conjunction holds for every event (as `formatKql` writes it, `*`); an empty
  // disjunction for none.
  if (parts.length === 0) return { sql: op === 'AND' ? '1' : '0', params: [] };
  return {
    sql: `(${parts.map((p) => p.sql).join(` ${op} `)})`,
    params: parts.flatMap((p) => p.params),
  };
}

// Every condition is NULL-free (IFNULL), so NOT of a missing field is true, as in the query semantics.
function compile(node: KqlNode, promoted: ReadonlySet<string>): SqlCondition | null {
  switch (node.type) {
    case 'match_all':
      return { sql: '1', params: [] };
    case 'and':
    case 'or': {
      const parts = node.children.map((c) => compile(c, promoted));
      if (parts.some((p) => p === null)) return null;
      return combine(parts as SqlCondition[], node.type === 'and' ? 'AND' : 'OR');
    }
    case 'not': {
      const inner = compile(node.child, promoted);
      return inner ? { sql: `(NOT ${inner.sql})`, params: inner.params } : null;
    }
    case 'exists': {
      if (node.field.kind !== 'name' || !promoted.has(node.field.name)) return null;
      return { sql: `(e.${promotedColumn(node.field.name)} IS NOT NULL)`, params: [] };
    }
    case 'match': {
      if (node.field?.kind !== 'name') return null;
      const field = node.field.name;
      if (!promoted.has(field) || TEXT_FIELDS.has(field)) return null;
      return valueCondition(`e.${promotedColumn(field)}`, node.value);
    }
    case 'range':
      return null;
  }
}

function valueCondition(column: string, value: KqlValue): SqlCondition | null {
  if (value.kind === 'wildcard') {
    if (!value.parts.every((p) => p.kind === 'any' || isAscii(p.text))) return null;
    const pattern = likePattern(value.parts);
    return {
      sql: `IFNULL((${column} LIKE ? ESCAPE '\\' OR (${column} GLOB '${ARRAY_MARK}*' AND EXISTS (SELECT 1 FROM json_each(substr(${column}, 2)) WHERE value LIKE ? ESCAPE '\\'))), 0)`,
      params: [pattern, pattern],
    };
  }
  if (!isAscii(value.text)) return null;
  return {
    sql: `IFNULL((${column} = ? COLLATE NOCASE OR (${column} GLOB '${ARRAY_MARK}*' AND EXISTS (SELECT 1 FROM json_each(substr(${column}, 2)) WHERE value = ? COLLATE NOCASE))), 0)`,
    params: [value.text, value.text],
  };
}

function likePattern(parts: readonly KqlPatternPart[]): string {
  return parts.map((p) => (p.kind === 'any' ? '%' : p.text.replaceAll(/[\\%_]/g, '\\$&'))).join('');
}

function isAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}
