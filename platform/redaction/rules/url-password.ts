import type { SecretRule } from '../secret-rule.ts';
import { isPlaceholderValue } from '../secret-value.ts';
import { USERINFO_AT } from './anchors.ts';

/** Authorities longer than this are not URLs anyone typed; the bound keeps the scan linear. */
const MAX_AUTHORITY = 512;

export const urlPasswordRule: SecretRule = {
  id: 'url-password',
  description: 'Password in URL userinfo (scheme://user:password@host), user name kept',
  specificity: 'context',
  anchors: [USERINFO_AT],
  find(text, report) {
    for (let sep = text.indexOf('://'); sep >= 0;) {
      const authorityStart = sep + 3;
      const authorityEnd = findAuthorityEnd(text, authorityStart);
      // Userinfo ends at the last '@': unencoded '@' in passwords is common in the wild.
      const at = lastIndexIn(text, 64, authorityStart, authorityEnd);
      const colon = at < 0 ? -1 : firstIndexIn(text, 58, authorityStart, at);
      if (colon >= 0 && !isPlaceholderValue(text.slice(colon + 1, at))) report(colon + 1, at);
      sep = text.indexOf('://', Math.max(authorityEnd, authorityStart));
    }
  },
};

function findAuthorityEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_AUTHORITY);
  for (let i = from; i < limit; i++) {
    switch (text.charCodeAt(i)) {
      // '?' and '#' do not end it: unencoded in passwords they are common in the wild.
      case 47: // /
      case 32: // space
      case 9: // tab
      case 10: // \n
      case 13: // \r
      case 34: // "
      case 39: // '
      case 60: // <
      case 62: // >
      case 92: // backslash (escaped quotes in JSON text)
        return i;
    }
  }
  return limit;
}

/** Last index of char `code` in [from, to), or -1; never looks outside the range. */
function lastIndexIn(text: string, code: number, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (text.charCodeAt(i) === code) return i;
  return -1;
}

function firstIndexIn(text: string, code: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === code) return i;
  return -1;
}
