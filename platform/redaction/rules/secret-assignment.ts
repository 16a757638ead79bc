import type { SecretRule } from '../secret-rule.ts';
import { isSecretFieldName } from '../secret-field-name.ts';
import { isPlaceholderValue, looksLikeCredential } from '../secret-value.ts';
import { SECRET_KEY_CONTEXT } from './anchors.ts';

// Finds each secret word followed (after the rest of the key and an optional closing quote or
// bracket) by a separator. Requiring the separator keeps prose such as "Failed password for root"
// away from the parser.
const CANDIDATE =
  /(?i:pass|pwd|secret|token|key|auth|cookie|cred|session|privkey)[A-Za-z0-9_.-]{0,48}\\?["'\]]?\s{0,3}[:=>]/g;

const MARK = '[REDACTED:';
const MAX_KEY = 96;
const MAX_VALUE = 4096;
const MAX_GAP = 8;

export const secretAssignmentRule: SecretRule = {
  id: 'secret-assignment',
  description:
    'Value assigned to a secret-named key: password=, pwd=, secret=, token=, api_key=, "client_secret": "...", DB_PASSWORD=, ?access_token=, <password>...</password>',
  specificity: 'generic',
  anchors: [SECRET_KEY_CONTEXT],
  find(text, report) {
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const found = parseAssignment(text, m.index);
      if (found === undefined) continue;
      report(found.start, found.end);
      CANDIDATE.lastIndex = Math.max(CANDIDATE.lastIndex, found.end);
    }
  },
};

interface Span {
  readonly start: number;
  readonly end: number;
}

/** Parses `key <sep> value` around a key word at `at`; returns the value span when it is a secret. */
function parseAssignment(text: string, at: number): Span | undefined {
  let keyStart = at;
  while (keyStart > 0 && at - keyStart < MAX_KEY && isKeyChar(text.charCodeAt(keyStart - 1))) {
    keyStart--;
  }
  let keyEnd = at;
  while (
    keyEnd < text.length &&
    keyEnd - keyStart < MAX_KEY &&
    isKeyChar(text.charCodeAt(keyEnd))
  ) {
    keyEnd++;
  }
  // The rule id inside an earlier `[REDACTED:...]` mark is not a key.
  if (text.startsWith(MARK, keyStart - MARK.length)) return undefined;
  // `\nDB_PASSWORD=`: an escaped newline from a log line, not part of the key.
  const escaped =
    keyStart < at && text.charCodeAt(keyStart - 1) === 92 && /[ntr]/.test(text.charAt(keyStart));
  if (escaped) keyStart++;
  const before = text.charCodeAt(keyStart - 1);
  // `/etc/passwd:` and `C:\secrets\x=` are paths, not keys.
  if (before === 47 || (before === 92 && !escaped)) return undefined;
  if (!isSecretFieldName(text.slice(keyStart, keyEnd))) return undefined;

  let p = skipQuote(text, keyEnd);
  if (text.charCodeAt(p) === 93) p++; // form[password]=
  const beforeSeparator = p;
  p = skipSpaces(text, p);
  let weak = false;
  const c = text.charCodeAt(p);
  if (c === 61) {
    const arrow = text.charCodeAt(p + 1) === 62;
    p += arrow ? 2 : 1; // = or =>
    // logfmt `password= user=bob` is an empty value; `password = x` is spaced on both sides.
    if (!arrow && p - 1 === beforeSeparator && isSpaceAt(text, p)) return undefined;
  } else if (c === 58) {
    // `Token::Kind` is a scope; `arn:aws:...:secret:name` is a colon-separated path.
    if (text.charCodeAt(p + 1) === 58 || before === 58) return undefined;
    if (text.charCodeAt(p + 1) === 61) p++; // :=
    p++;
    weak = true;
  } else if (c === 62 && before === 60) {
    return xmlValue(text, p + 1); // <password>value</password>
  } else {
    return undefined;
  }
  p = skipSpaces(text, p);
  const quoted = quotedValue(text, p);
  if (quoted !== undefined) return accept(text, quoted, false);
  const template = templateEnd(text, p);
  if (template !== undefined) return accept(text, { start: p, end: template }, weak);
  let end = p;
  while (end < text.length && end - p < MAX_VALUE && !endsUnquoted(text, end)) end++;
  return accept(text, { start: p, end }, weak);
}

/** End of a `${VAR}` or `{{ var }}` reference starting at `p`, which may hold spaces and braces. */
function templateEnd(text: string, p: number): number | undefined {
  const close = text.startsWith('${', p) ? '}' : text.startsWith('{{', p) ? '}}' : undefined;
  if (close === undefined) return undefined;
  const at = text.indexOf(close, p + 2);
  return at < 0 || at - p > 120 ? undefined : at + close.length;
}

function isSpaceAt(text: string, p: number): boolean {
  const c = text.charCodeAt(p);
  return c === 32 || c === 9;
}

// `"auth": "Bearer x"`: the scheme stays readable, as in the header rule.
const AUTH_SCHEME = /^(?:bearer|basic|token|bot|ntlm|negotiate) +/i;

function accept(text: string, found: Span, weak: boolean): Span | undefined {
  const scheme = AUTH_SCHEME.exec(text.slice(found.start, found.start + 16));
  const span = scheme === null ? found : { start: found.start + scheme[0].length, end: found.end };
  const value = text.slice(span.start, span.end);
  if (isPlaceholderValue(value)) return undefined;
  if (weak && !looksLikeCredential(value)) return undefined;
  return span;
}

function xmlValue(text: string, from: number): Span | undefined {
  let end = from;
  while (end < text.length && end - from < MAX_VALUE && text.charCodeAt(end) !== 60) end++;
  return accept(text, { start: from, end }, false);
}

/** `"value"`, `'value'`, or JSON-escaped `\"value\"`; undefined when `p` opens no quote. */
function quotedValue(text: string, p: number): Span | undefined {
  let q = p;
  while (text.charCodeAt(q) === 92 && q - p < 4) q++;
  const quote = text.charCodeAt(q);
  if (quote !== 34 && quote !== 39) return undefined;
  const escaped = q > p;
  const start = q + 1;
  for (let i = start; i < text.length && i - start < MAX_VALUE; i++) {
    if (text.charCodeAt(i) !== quote) continue;
    let slashes = 0;
    while (text.charCodeAt(i - 1 - slashes) === 92 && i - 1 - slashes >= start) slashes++;
    if (escaped) return slashes > 0 ? { start, end: i - slashes } : undefined;
    if (slashes % 2 === 0) return { start, end: i };
  }
  return undefined;
}

function skipQuote(text: string, p: number): number {
  let q = p;
  while (text.charCodeAt(q) === 92 && q - p < 4) q++;
  const c = text.charCodeAt(q);
  return c === 34 || c === 39 ? q + 1 : p;
}

function skipSpaces(text: string, p: number): number {
  let q = p;
  while (q - p < MAX_GAP && (text.charCodeAt(q) === 32 || text.charCodeAt(q) === 9)) q++;
  return q;
}

function isKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 45 ||
    c === 46
  );
}

function endsUnquoted(text: string, i: number): boolean {
  switch (text.charCodeAt(i)) {
    case 32: // space
    case 9: // tab
    case 10: // \n
    case 13: // \r
    case 38: // &
    case 44: // ,
    case 59: // ;
    case 34: // "
    case 39: // '
    case 60: // <
    case 41: // )
    case 93: // ]
    case 125: // }
    case 124: // |
      return true;
    case 92: // backslash ending a JSON-escaped string: \" or \n
      return text.charCodeAt(i + 1) === 34 || text.charCodeAt(i + 1) === 110;
    default:
      return false;
  }
}
