import type { KqlField, KqlNode, KqlPatternPart, KqlValue } from './ast.ts';
import { SPECIAL_CHARACTERS } from './lexer.ts';

const KEYWORD_WORD = /(^|[ \u00a0])(and|or|not)(?=[ \u00a0]|$)/gi;
const OPERATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

// Precedence levels: a child printed in a tighter context than its own level gets parentheses.
const OR = 1;
const AND = 2;
const NOT = 3;

/**
 * Prints a syntax tree back as a canonical KQL query: lower-case keywords, single spaces,
 * parentheses only where precedence needs them, value lists expanded (`f:(a or b)` prints as
 * `f:a or f:b`), strings in range values quoted. `parseKql(formatKql(node))` deep-equals `node`
 * for every tree `parseKql` can produce (spans aside).
 */
export function formatKql(node: KqlNode): string {
  return format(node, OR);
}

function format(node: KqlNode, context: number): string {
  switch (node.type) {
    case 'or': {
      if (node.children.length === 0) return 'not *';
      const text = node.children.map((c) => format(c, AND)).join(' or ');
      return node.children.length > 1 && context > OR ? `(${text})` : text;
    }
    case 'and': {
      if (node.children.length === 0) return '*';
      const text = node.children.map((c) => format(c, NOT)).join(' and ');
      return node.children.length > 1 && context > AND ? `(${text})` : text;
    }
    case 'not':
      return `not ${format(node.child, NOT)}`;
    case 'match':
      return node.field === null
        ? formatValue(node.value)
        : `${formatField(node.field)}:${formatValue(node.value)}`;
    case 'exists':
      return `${formatField(node.field)}:*`;
    case 'range': {
      const value = typeof node.value === 'number' ? formatNumber(node.value) : quote(node.value);
      return `${formatField(node.field)} ${OPERATORS[node.op]} ${value}`;
    }
    case 'match_all':
      return '*';
  }
}

function formatValue(value: KqlValue): string {
  switch (value.kind) {
    case 'phrase':
      return quote(value.text);
    case 'term':
      return unquoted([{ kind: 'text', text: value.text }], false);
    case 'wildcard':
      return unquoted(value.parts, false);
  }
}

function formatField(field: KqlField): string {
  if (field.kind === 'wildcard') return unquoted(field.parts, true);
  return /[\s\u00a0]/.test(field.name) || field.name === ''
    ? quote(field.name)
    : unquoted([{ kind: 'text', text: field.name }], true);
}

/** Shortest form that parses back to the same number (large integers need an exponent). */
function formatNumber(n: number): string {
  return Number.isInteger(n) && !Number.isSafeInteger(n) ? n.toExponential() : String(n);
}

function quote(text: string): string {
  let out = '"';
  for (const c of text) {
    if (c === '\\' || c === '"') out += `\\${c}`;
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (c === '\n') out += '\\n';
    else out += c;
  }
  return `${out}"`;
}

/**
 * Unquoted text that the lexer reads back as `parts`. In a single word (field names) every space
 * is escaped; in a value only leading and trailing spaces are, since inner whitespace is kept.
 */
function unquoted(parts: readonly KqlPatternPart[], singleWord: boolean): string {
  // One entry per character, `null` for a wildcard, so edges and look-ahead are simple.
  const units: (string | null)[] = parts.flatMap((p) =>
    p.kind === 'any' ? [null] : Array.from(p.text),
  );
  let out = '';
  units.forEach((c, i) => {
    if (c === null) out += '*';
    else if (SPECIAL_CHARACTERS.has(c)) out += `\\${c}`;
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    // `\n` before "ot" would read as the escaped keyword `\not`.
    else if (c === '\n') out += /^[oO]/.test(units[i + 1] ?? '') ? '\\u000a' : '\\n';
    else if (c === ' ' || c === '\u00a0') {
      const edge = singleWord || i === 0 || i === units.length - 1;
      out += edge ? (c === ' ' ? '\\u0020' : '\\u00a0') : c;
    } else out += c;
  });
  return out.replace(KEYWORD_WORD, '$1\\$2');
}
