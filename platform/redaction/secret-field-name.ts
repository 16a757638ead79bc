// Field names are judged by their head noun, the way English compounds work: `password_last_set`
// is a date (head `set`), `token_count` a number, `api_key` a key made secret by `api`.

/** Any secret-bearing name contains one of these; everything else is rejected in one test. */
const MAY_BE_SECRET = /pass|pwd|secret|token|key|auth|cookie|cred|session|privkey/i;

const PASSWORD_NOUNS = new Set([
  'password',
  'passwords',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'passcode',
]);

/** Head nouns that carry a secret on their own. */
const SECRET_NOUNS = new Set([
  ...PASSWORD_NOUNS,
  'secret',
  'secrets',
  'token',
  'tokens',
  'apikey',
  'apikeys',
  'privkey',
  'privatekey',
  'secretkey',
  'accesskey',
  'authkey',
  'sessionkey',
  'cookie',
  'cookies',
  'setcookie',
  'authorization',
  'auth',
  'credential',
  'credentials',
  'creds',
  'session',
]);

/** Single lower-case words that end in a secret noun: `dbpassword`, `accesstoken`, `userpassword`. */
const SECRET_SUFFIXES = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'secretkey',
  'credentials',
];

/** `key` alone is a registry key or an S3 object key; these words make it a secret. */
const KEY_MODIFIERS = new Set([
  'api',
  'access',
  'private',
  'secret',
  'signing',
  'encryption',
  'decryption',
  'master',
  'auth',
  'session',
  'account',
  'shared',
  'hmac',
  'subscription',
  'storage',
  'app',
  'client',
]);

/**
 * Tokens that are handles or counts, not credentials: pagination, idempotency, hashes kept for
 * lookups, and language-model token counts (`max_tokens`, `completion_tokens`).
 */
const SAFE_TOKEN_MODIFIERS = new Set([
  'max',
  'min',
  'num',
  'total',
  'input',
  'output',
  'completion',
  'prompt',
  'cached',
  'reasoning',
  'remaining',
  'next',
  'page',
  'continuation',
  'pagination',
  'cursor',
  'sync',
  'idempotency',
  'cancellation',
  'hashed',
]);

/** Words after a secret noun that still name the secret: `password_confirmation`, `secret_string`. */
const SAME_SECRET_QUALIFIERS = new Set([
  'confirmation',
  'confirm',
  'again',
  'repeat',
  'retype',
  'verify',
  'new',
  'old',
  'current',
  'plain',
  'plaintext',
  'clear',
  'cleartext',
  'value',
  'val',
  'string',
  'str',
  'raw',
  'data',
  'text',
  'enc',
  'encrypted',
  'encoded',
  'b64',
  'base64',
  'bytes',
  'input',
]);

/** A password hash can be cracked; a token hash is a lookup handle (`github.hashed_token`). */
const HASH_QUALIFIERS = new Set(['hash', 'hashed', 'digest']);

/** Leading words that make the field a flag about a secret, not the secret: `has_password`. */
const FLAG_PREFIXES = new Set([
  'has',
  'is',
  'use',
  'uses',
  'require',
  'requires',
  'allow',
  'ask',
  'no',
  'skip',
  'enable',
  'enabled',
  'disable',
  'with',
  'without',
  'prompt',
]);

/**
 * True when a field or option name says its value is a secret: `password`, `db_password`,
 * `apiKey`, `X-Api-Key`, `client_secret`, `access_token`, `authorization`, `cookie`,
 * `SecretAccessKey`. False for names about a secret rather than of one: `password_last_set`,
 * `token_count`, `TokenElevationType`, `secret_name`, `access_key_id`, `next_token`,
 * `hashed_token`, `session_id`, and the shell's `PWD` (working directory).
 */
export function isSecretFieldName(name: string): boolean {
  if (!MAY_BE_SECRET.test(name) || name === 'PWD') return false;
  // The same few field names come back on every event: remember the slow-path answers (for
  // short names only, so hostile keys cannot pin much memory).
  if (name.length > MAX_CACHED_NAME) return judge(name);
  const known = verdicts.get(name);
  if (known !== undefined) return known;
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  const verdict = judge(name);
  verdicts.set(name, verdict);
  return verdict;
}

const MAX_VERDICTS = 4096;
const MAX_CACHED_NAME = 128;
const verdicts = new Map<string, boolean>();

function judge(name: string): boolean {
  const words = splitWords(name);
  const first = words[0];
  if (first === undefined || (words.length > 1 && FLAG_PREFIXES.has(first))) return false;
  let h = words.length - 1;
  while (h > 0) {
    const word = words[h] ?? '';
    const before = words[h - 1] ?? '';
    const qualifies =
      SAME_SECRET_QUALIFIERS.has(word) || (HASH_QUALIFIERS.has(word) && PASSWORD_NOUNS.has(before));
    if (!qualifies) break;
    h--;
  }
  const head = words[h] ?? '';
  const modifier = h > 0 ? (words[h - 1] ?? '') : '';
  if (head === 'key' || head === 'keys') return KEY_MODIFIERS.has(modifier);
  if (head === 'token' || head === 'tokens') return !SAFE_TOKEN_MODIFIERS.has(modifier);
  if (SECRET_NOUNS.has(head)) return true;
  return SECRET_SUFFIXES.some((suffix) => head.length > suffix.length && head.endsWith(suffix));
}

/**
 * Splits `db_password`, `SecretAccessKey`, `X-API-Key`, `password2` into lower-case words,
 * dropping pure numbers.
 */
export function splitWords(name: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= name.length; i++) {
    const kind = i < name.length ? charKind(name.charCodeAt(i)) : 'other';
    if (start >= 0 && isBoundary(name, i, kind)) {
      const word = name.slice(start, i);
      if (!/^\d+$/.test(word)) words.push(word.toLowerCase());
      start = -1;
    }
    if (start < 0 && kind !== 'other') start = i;
  }
  return words;
}

type CharKind = 'upper' | 'lower' | 'digit' | 'other';

function charKind(code: number): CharKind {
  if (code >= 65 && code <= 90) return 'upper';
  if (code >= 97 && code <= 122) return 'lower';
  if (code >= 48 && code <= 57) return 'digit';
  return 'other';
}

function isBoundary(name: string, i: number, kind: CharKind): boolean {
  if (kind === 'other') return true;
  const prev = charKind(name.charCodeAt(i - 1));
  if (prev === 'other') return false;
  if ((prev === 'digit') !== (kind === 'digit')) return true;
  if (prev === 'lower' && kind === 'upper') return true;
  // `APIKey`: the `K` starts a word when a lower-case letter follows an upper-case run.
  return (
    prev === 'upper' &&
    kind === 'upper' &&
    i + 1 < name.length &&
    charKind(name.charCodeAt(i + 1)) === 'lower'
  );
}
