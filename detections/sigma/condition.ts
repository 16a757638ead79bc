import { CompileIssue } from './compile-issue.ts';

/**
 * The `condition` expression of a Sigma rule: identifiers of detections, `and`, `or`, `not`,
 * parentheses, and `1 of x*` / `all of x*` / `1 of them` / `all of them` (wildcards in names).
 * Precedence from the specification: `not` binds tighter than `and`, `and` than `or`.
 */
export type ConditionNode =
  | { readonly kind: 'ref'; readonly name: string }
  | { readonly kind: 'of'; readonly quantifier: 'one' | 'all'; readonly pattern: string }
  | { readonly kind: 'and' | 'or'; readonly left: ConditionNode; readonly right: ConditionNode }
  | { readonly kind: 'not'; readonly child: ConditionNode };

type Token =
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: '(' | ')'; readonly at: number }
  | { readonly kind: 'end'; readonly at: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  for (const m of source.matchAll(/\(|\)|[^\s()]+/g)) {
    const text = m[0];
    if (text === '(' || text === ')') tokens.push({ kind: text, at: m.index });
    else tokens.push({ kind: 'word', text, at: m.index });
  }
  tokens.push({ kind: 'end', at: source.length });
  return tokens;
}

/** The pattern `1 of them` / `all of them` stands for. */
export const THEM = '\u0000them';

export function parseCondition(source: string): ConditionNode {
  if (source.includes('|')) {
    throw CompileIssue.unsupported(
      'aggregation',
      `Sigma v1 aggregation expressions ('| count() ...') are deprecated; use a correlation rule`,
    );
  }
  const tokens = tokenize(source);
  let pos = 0;
  const peek = (): Token => tokens[pos] ?? { kind: 'end', at: source.length };
  const fail = (message: string): never => {
    throw CompileIssue.invalid(
      `condition '${source}': ${message} at column ${String(peek().at + 1)}`,
    );
  };
  const isWord = (t: Token, word: string): boolean =>
    t.kind === 'word' && t.text.toLowerCase() === word;

  const parseOr = (): ConditionNode => {
    let left = parseAnd();
    while (isWord(peek(), 'or')) {
      pos++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): ConditionNode => {
    let left = parseNot();
    while (isWord(peek(), 'and')) {
      pos++;
      left = { kind: 'and', left, right: parseNot() };
    }
    return left;
  };
  const parseNot = (): ConditionNode => {
    if (isWord(peek(), 'not')) {
      pos++;
      return { kind: 'not', child: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionNode => {
    const token = peek();
    if (token.kind === '(') {
      pos++;
      const inner = parseOr();
      if (peek().kind !== ')') fail("expected ')'");
      pos++;
      return inner;
    }
    if (token.kind !== 'word') return fail('expected a detection name');
    const lower = token.text.toLowerCase();
    if (['and', 'or', ')'].includes(lower)) return fail(`unexpected '${token.text}'`);
    const next = tokens[pos + 1];
    if ((lower === '1' || lower === 'all' || lower === 'any') && next && isWord(next, 'of')) {
      if (lower === 'any') fail("'any of' is not Sigma; write '1 of'");
      pos += 2;
      const target = peek();
      if (target.kind !== 'word') return fail("expected 'them' or a name pattern after 'of'");
      pos++;
      return {
        kind: 'of',
        quantifier: lower === 'all' ? 'all' : 'one',
        pattern: target.text.toLowerCase() === 'them' ? THEM : target.text,
      };
    }
    if (/^\d+$/.test(lower) && next && isWord(next, 'of')) {
      throw CompileIssue.unsupported(
        'condition',
        `'${token.text} of' (a count other than 1) is not in the specification`,
      );
    }
    pos++;
    return { kind: 'ref', name: token.text };
  };

  if (peek().kind === 'end') fail('empty condition');
  const node = parseOr();
  if (peek().kind !== 'end') fail('unexpected input');
  return node;
}

/** Names of `detection` entries a name pattern of `1 of x*` / `all of x*` selects. */
export function namesMatching(pattern: string, names: readonly string[]): string[] {
  // `them` leaves out names starting with an underscore, as the specification says.
  if (pattern === THEM) return names.filter((name) => !name.startsWith('_'));
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return names.filter((name) => re.test(name));
}
