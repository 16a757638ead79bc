import type { KqlNode, KqlPatternPart, KqlValue } from '../../search/kql/index.ts';
import { words } from '../../search/evaluate-kql.ts';

/**
 * Compiles a KQL tree into an FTS5 MATCH expression that selects a SUPERSET of the matching
 * events (words of the wanted values must all be present somewhere in the document). The exact
 * query then runs on those candidates. Returns null when no word can narrow the search, e.g.
 * `not x`, ranges, `exists`, or `*middle*` wildcards; the caller then scans the time range.
 */
export function toFtsQuery(node: KqlNode): string | null {
  switch (node.type) {
    case 'and': {
      const parts = node.children.map(toFtsQuery).filter((p): p is string => p !== null);
      return parts.length === 0
        ? null
        : parts.length === 1
          ? (parts[0] ?? null)
          : `(${parts.join(' AND ')})`;
    }
    case 'or': {
      const parts = node.children.map(toFtsQuery);
      // An empty disjunction has no word to look for (it holds for no event): no narrowing.
      if (parts.length === 0 || parts.some((p) => p === null)) return null;
      return `(${parts.join(' OR ')})`;
    }
    case 'match':
      return valueTokens(node.value);
    case 'not':
    case 'exists':
    case 'range':
    case 'match_all':
      return null;
  }
}

const MIN_PREFIX = 2;

function valueTokens(value: KqlValue): string | null {
  const tokens =
    value.kind === 'wildcard' ? wildcardTokens(value.parts) : words(value.text).map(quote);
  return tokens.length === 0
    ? null
    : tokens.length === 1
      ? (tokens[0] ?? null)
      : `(${tokens.join(' AND ')})`;
}

/**
 * Words of a wildcard pattern that every match must contain. A word touching a `*` on its left
 * may be the end of a longer word, so it cannot be used; one touching a `*` on its right is
 * used as a prefix. The pattern's own start and end are word boundaries (values are indexed
 * whole), so words there are complete.
 */
function wildcardTokens(parts: readonly KqlPatternPart[]): string[] {
  const out: string[] = [];
  parts.forEach((part, i) => {
    if (part.kind !== 'text') return;
    const openLeft = i > 0;
    const openRight = i < parts.length - 1;
    const runs = [...part.text.matchAll(/[\p{L}\p{N}]+/gu)];
    runs.forEach((run) => {
      const start = run.index;
      const end = start + run[0].length;
      if (openLeft && start === 0) return;
      const word = run[0].toLowerCase();
      if (openRight && end === part.text.length) {
        if (word.length >= MIN_PREFIX) out.push(`${quote(word)}*`);
      } else {
        out.push(quote(word));
      }
    });
  });
  return out;
}

function quote(word: string): string {
  return `"${word.replaceAll('"', '""')}"`;
}
