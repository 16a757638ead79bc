import { CompileIssue } from './compile-issue.ts';
import {
  hasWildcards,
  literalString,
  mapText,
  parseSigmaString,
  plainText,
  withLeadingAny,
  withTrailingAny,
} from './sigma-string.ts';
import type { SigmaString, Token } from './sigma-string.ts';

/**
 * Modifiers that rewrite a value before it is matched, applied left to right as written
 * (`wide|base64offset|contains`: UTF-16LE, then base64 at three offsets, then substring match).
 */
export interface ItemOptions {
  /** Values of `%placeholder%`s for the `expand` modifier. */
  readonly placeholders: ReadonlyMap<string, readonly string[]>;
}

export interface TransformState {
  readonly value: SigmaString;
  /** The text holds bytes (one per character) after a UTF-16 transform, not characters. */
  readonly binary: boolean;
}

const TRANSFORMS = new Set([
  'contains',
  'startswith',
  'endswith',
  'windash',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'expand',
]);

export function isTransform(modifier: string): boolean {
  return TRANSFORMS.has(modifier);
}

/** The dashes `windash` accepts wherever a `-` or `/` starts a command-line switch. */
export const WINDASH_CHARS: readonly string[] = ['-', '/', '\u2013', '\u2014', '\u2015'];

export function applyTransform(
  modifier: string,
  state: TransformState,
  options: ItemOptions,
  key: string,
): TransformState[] {
  const { value, binary } = state;
  switch (modifier) {
    case 'contains':
      return [{ value: withTrailingAny(withLeadingAny(value)), binary }];
    case 'startswith':
      return [{ value: withTrailingAny(value), binary }];
    case 'endswith':
      return [{ value: withLeadingAny(value), binary }];
    case 'windash':
      return [{ value: windash(value), binary }];
    case 'base64':
    case 'base64offset': {
      if (hasWildcards(value))
        throw CompileIssue.unsupported(
          modifier,
          `'${key}': ${modifier} of a value with wildcards cannot be matched exactly`,
        );
      const bytes = Buffer.from(plainText(value), binary ? 'latin1' : 'utf8');
      const encoded = modifier === 'base64' ? [bytes.toString('base64')] : base64Offsets(bytes);
      return encoded.map((text) => ({ value: literalString(text), binary: false }));
    }
    case 'utf16le':
    case 'wide':
      return [{ value: mapText(value, (t) => [textToken(utf16(t, 'le'))]), binary: true }];
    case 'utf16be':
      return [{ value: mapText(value, (t) => [textToken(utf16(t, 'be'))]), binary: true }];
    case 'utf16': {
      // A byte order mark, then little-endian (what Windows writes).
      const bom: Token = { kind: 'text', text: '\xff\xfe' };
      const encoded = mapText(value, (t) => [textToken(utf16(t, 'le'))]);
      return [{ value: [bom, ...encoded], binary: true }];
    }
    case 'expand':
      return expand(value, options, key).map((v) => ({ value: v, binary }));
    default:
      throw CompileIssue.invalid(`'${key}': ${modifier} is not a value transform`);
  }
}

function textToken(text: string): Token {
  return { kind: 'text', text };
}

function utf16(text: string, order: 'le' | 'be'): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const low = String.fromCharCode(code & 0xff);
    const high = String.fromCharCode(code >> 8);
    out += order === 'le' ? low + high : high + low;
  }
  return out;
}

/**
 * The three base64 forms of `bytes` wherever it sits in a larger encoded string: encoded at
 * offsets 0, 1 and 2 of a 3-byte group, with the characters that depend on neighbours cut.
 */
function base64Offsets(bytes: Buffer): string[] {
  const starts = [0, 2, 3];
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const encoded = padded.toString('base64');
    const rest = (bytes.length + offset) % 3;
    const end = rest === 0 ? encoded.length : encoded.length - (rest === 1 ? 3 : 2);
    out.push(encoded.slice(starts[offset], end));
  }
  return out;
}

const WORD = /[\p{L}\p{N}_]/u;

/** Each `-` or `/` that starts a word (not preceded by a word character) becomes any dash. */
function windash(value: SigmaString): SigmaString {
  const out: Token[] = [];
  let previous = '';
  for (const token of value) {
    if (token.kind !== 'text') {
      out.push(token);
      previous = '';
      continue;
    }
    let text = '';
    const chars = token.text;
    for (let i = 0; i < chars.length; i++) {
      const c = chars.charAt(i);
      const next = chars.charAt(i + 1);
      const before = i === 0 ? previous : chars.charAt(i - 1);
      if ((c === '-' || c === '/') && !WORD.test(before) && (next === '' || WORD.test(next))) {
        if (text !== '') out.push(textToken(text));
        text = '';
        out.push({ kind: 'set', chars: WINDASH_CHARS });
      } else text += c;
    }
    if (text !== '') out.push(textToken(text));
    previous = chars.charAt(chars.length - 1);
  }
  return out;
}

/** `%name%` placeholders replaced by each configured value (several values make several strings). */
function expand(value: SigmaString, options: ItemOptions, key: string): SigmaString[] {
  let results: Token[][] = [[]];
  for (const token of value) {
    if (token.kind !== 'text') {
      results = results.map((r) => [...r, token]);
      continue;
    }
    const parts = token.text.split(/(%[^%\s]+%)/);
    for (const part of parts) {
      if (part === '') continue;
      const name = /^%([^%\s]+)%$/.exec(part)?.[1];
      if (name === undefined) {
        results = results.map((r) => [...r, textToken(part)]);
        continue;
      }
      const replacements = options.placeholders.get(name);
      if (replacements === undefined || replacements.length === 0)
        throw CompileIssue.unsupported(
          'placeholder',
          `'${key}': placeholder %${name}% has no value configured`,
        );
      results = results.flatMap((r) =>
        replacements.map((text) => [...r, ...parseSigmaString(text)]),
      );
    }
  }
  return results.map((tokens) => mapText(tokens, (t) => [textToken(t)]));
}
