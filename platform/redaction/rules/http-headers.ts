import type { SecretRule } from '../secret-rule.ts';
import { eachMatch, trailingGroup } from './each-match.ts';
import { isPlaceholderValue } from '../secret-value.ts';
import { SECRET_KEY_CONTEXT } from './anchors.ts';

// `Authorization: Bearer x`, `"authorization": "Basic x"`, `-H 'Authorization: token x'`,
// `Proxy-Authorization: Negotiate x`. The scheme stays readable; the credential is masked.
// Digest and AWS SigV4 carry derived signatures rather than the credential and are left alone
// (a SigV4 access key id is still caught by its own rule).
const AUTHORIZATION =
  /authorization\\?["']?\s{0,4}[:=]\s{0,4}\\?["']?(?:(bearer|basic|token|bot|ntlm|negotiate|apikey|sso-key)\s{1,4})?([^\s"',;\\]{1,8192})/gi;
const MIN_SCHEMELESS = 8;

export const httpAuthorizationRule: SecretRule = {
  id: 'http-authorization',
  description:
    'HTTP Authorization / Proxy-Authorization credential (Bearer, Basic, token, NTLM, Negotiate, or a bare token)',
  specificity: 'context',
  anchors: [SECRET_KEY_CONTEXT],
  find(text, report) {
    eachMatch(AUTHORIZATION, text, (m) => {
      if (!startsName(text, m.index, PROXY)) return;
      const span = trailingGroup(m, 2);
      const credential = m[2] ?? '';
      if (span === undefined || isPlaceholderValue(credential)) return;
      if (m[1] === undefined && (credential.length < MIN_SCHEMELESS || isSchemeWord(credential))) {
        return;
      }
      report(span[0], span[1]);
    });
  },
};

function isSchemeWord(word: string): boolean {
  return /^(?:digest|aws4-hmac-sha256|hoba|mutual|vapid|scram-sha-\d+|bearer|basic)$/i.test(word);
}

// `Cookie: a=b; c=d` and `Set-Cookie: id=x; Path=/`: the whole header value is session state.
const COOKIE = /cookie\\?["']?\s{0,4}:\s{0,4}\\?["']?([^\r\n"'\\]{1,8192})/gi;

export const httpCookieRule: SecretRule = {
  id: 'http-cookie',
  description: 'HTTP Cookie / Set-Cookie header value written as text',
  specificity: 'context',
  anchors: [SECRET_KEY_CONTEXT],
  find(text, report) {
    eachMatch(COOKIE, text, (m) => {
      if (!startsName(text, m.index, SET)) return;
      const span = trailingGroup(m, 1);
      if (span === undefined) return;
      let end = span[1];
      while (end > span[0] && /\s/.test(text.charAt(end - 1))) end--;
      if (end > span[0] && !isPlaceholderValue(text.slice(span[0], end))) report(span[0], end);
    });
  },
};

const PROXY = 'proxy-';
const SET = 'set-';

/** True when the header name at `at` (optionally after `proxy-` / `set-`) starts a word. */
function startsName(text: string, at: number, prefix: string): boolean {
  const lead = text.slice(Math.max(0, at - prefix.length), at).toLowerCase();
  const start = lead === prefix ? at - prefix.length : at;
  if (start === 0 || !/[A-Za-z0-9_-]/.test(text.charAt(start - 1))) return true;
  // An escaped newline or tab from a log line (`\nAuthorization:`) also starts a name.
  return text.charAt(start - 2) === '\\' && /[ntr]/.test(text.charAt(start - 1));
}
