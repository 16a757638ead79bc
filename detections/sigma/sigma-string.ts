/**
 * Sigma string values: text with the wildcards `*` (any run of characters) and `?` (one
 * character), `\` escaping a wildcard or itself, and every other backslash literal (so
 * `C:\Windows\` needs no escaping). Modifiers turn values into other values (`contains` adds
 * wildcards, `windash` turns a dash into a set of characters); the result compiles to a test.
 */

export type Token =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'one' }
  /** One character out of a set (`windash` dashes). */
  | { readonly kind: 'set'; readonly chars: readonly string[] };

export type SigmaString = readonly Token[];

const ANY: Token = { kind: 'any' };
const ONE: Token = { kind: 'one' };

/** Parses a rule value into tokens, applying the specification's escaping rules. */
export function parseSigmaString(value: string): SigmaString {
  const tokens: Token[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') tokens.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (c === '\\') {
      const next = value.charAt(i + 1);
      if (next === '*' || next === '?' || next === '\\') {
        text += next;
        i++;
      } else text += c;
    } else if (c === '*') {
      flush();
      tokens.push(ANY);
    } else if (c === '?') {
      flush();
      tokens.push(ONE);
    } else text += c;
  }
  flush();
  return tokens;
}

/** A value taken literally (no wildcard interpretation), as `base64` output or `fieldref` values. */
export function literalString(text: string): SigmaString {
  return text === '' ? [] : [{ kind: 'text', text }];
}

export function hasWildcards(value: SigmaString): boolean {
  return value.some((token) => token.kind !== 'text');
}

/** The text of a wildcard-free value. */
export function plainText(value: SigmaString): string {
  return value.map((token) => (token.kind === 'text' ? token.text : '')).join('');
}

export function withLeadingAny(value: SigmaString): SigmaString {
  return value[0]?.kind === 'any' ? value : [ANY, ...value];
}

export function withTrailingAny(value: SigmaString): SigmaString {
  return value.at(-1)?.kind === 'any' ? value : [...value, ANY];
}

/** Every text token rewritten by `map` (which may split text into several tokens). */
export function mapText(value: SigmaString, map: (text: string) => readonly Token[]): SigmaString {
  const out: Token[] = [];
  for (const token of value) {
    if (token.kind === 'text') out.push(...map(token.text));
    else out.push(token);
  }
  return mergeText(out);
}

function mergeText(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const token of tokens) {
    const last = out.at(-1);
    if (token.kind === 'text' && last?.kind === 'text') {
      out[out.length - 1] = { kind: 'text', text: last.text + token.text };
    } else if (token.kind !== 'text' || token.text !== '') out.push(token);
  }
  return out;
}

/**
 * A compiled string test. `lower` lowercases a value (callers may memoise it: many rules test the
 * same few values of an event); it is not used by case-sensitive tests.
 */
export type StringTest = (value: string, lower: (text: string) => string) => boolean;

/**
 * Compiles a value to a test over strings. Case-insensitive unless `cased`. Plain shapes (`x`,
 * `x*`, `*x`, `*x*`, `*a*b*`) avoid regular expressions.
 */
export function compileSigmaString(value: SigmaString, cased: boolean): StringTest {
  const fold = (text: string): string => (cased ? text : text.toLowerCase());
  const test = compileFolded(value, fold);
  return cased ? (v) => test(v) : (v, lower) => test(lower(v));
}

/** The test over a value already folded the way `fold` folds the pattern. */
function compileFolded(value: SigmaString, fold: (text: string) => string): (v: string) => boolean {
  const tokens = value.map((token): Token => {
    if (token.kind === 'text') return { kind: 'text', text: fold(token.text) };
    if (token.kind === 'set') return { kind: 'set', chars: token.chars.map(fold) };
    return token;
  });
  const onlyTextAndAny = tokens.every((t) => t.kind === 'text' || t.kind === 'any');
  if (onlyTextAndAny) {
    const texts = tokens.filter((t) => t.kind === 'text').map((t) => t.text);
    const leading = tokens[0]?.kind === 'any';
    const trailing = tokens.at(-1)?.kind === 'any';
    if (texts.length === 0) return tokens.length === 0 ? (v) => v === '' : () => true;
    const [first = ''] = texts;
    if (texts.length === 1) {
      if (leading && trailing) return (v) => v.includes(first);
      if (leading) return (v) => v.endsWith(first);
      if (trailing) return (v) => v.startsWith(first);
      return (v) => v === first;
    }
    return (v) => matchesGlob(v, texts, leading, trailing);
  }
  const regex = new RegExp(`^${tokens.map(tokenSource).join('')}$`, 's');
  return (v) => regex.test(v);
}

/** `a*b*c` with optional leading/trailing `*`: greedy left-to-right search is exact for `*`-only globs. */
function matchesGlob(
  value: string,
  texts: readonly string[],
  leading: boolean,
  trailing: boolean,
): boolean {
  const first = texts[0] ?? '';
  const last = texts.at(-1) ?? '';
  if (!leading && !value.startsWith(first)) return false;
  if (!trailing && !value.endsWith(last)) return false;
  let from = leading ? 0 : first.length;
  const end = trailing ? value.length : value.length - last.length;
  for (let i = leading ? 0 : 1; i < texts.length - (trailing ? 0 : 1); i++) {
    const text = texts[i] ?? '';
    const at = value.indexOf(text, from);
    if (at < 0 || at + text.length > end) return false;
    from = at + text.length;
  }
  return from <= end;
}

function tokenSource(token: Token): string {
  switch (token.kind) {
    case 'text':
      return escapeRegExp(token.text);
    case 'any':
      return '.*';
    case 'one':
      return '.';
    case 'set':
      return `(?:${token.chars.map(escapeRegExp).join('|')})`;
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * Literal fragments every matching string must contain, lowercased: the text between wildcards
 * (a `set` splits fragments). Used by the prefilter, so a fragment may be any part of the value.
 */
export function literalFragments(value: SigmaString): string[] {
  const fragments: string[] = [];
  for (const token of value) {
    if (token.kind === 'text') fragments.push(token.text.toLowerCase());
  }
  return fragments;
}
