import type { SecretRule } from '../secret-rule.ts';
import { eachMatch } from './each-match.ts';

// Header and payload are base64url JSON, so both start `eyJ` (`{"`). Segments cannot contain
// '.', so each quantifier has one way to match and the scan stays linear. Up to two extra
// segments take in the rest of a five-part JWE.
const JWT =
  /(?<=^|[^A-Za-z0-9_-]|\\[ntr])(eyJ[A-Za-z0-9_-]{5,4000})\.eyJ[A-Za-z0-9_-]{2,16000}\.[A-Za-z0-9_-]{0,4000}(?:\.[A-Za-z0-9_-]{0,16000}){0,2}/g;

export const jwtRule: SecretRule = {
  id: 'jwt',
  description: 'JSON Web Token (three base64url segments whose header is JSON with "alg")',
  specificity: 'format',
  anchors: ['\\.eyJ'],
  find(text, report) {
    eachMatch(JWT, text, (m) => {
      if (hasAlgHeader(m[1] ?? '')) report(m.index, m.index + m[0].length);
    });
  },
};

function hasAlgHeader(segment: string): boolean {
  try {
    const header: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return (
      typeof header === 'object' &&
      header !== null &&
      typeof (header as Record<string, unknown>).alg === 'string'
    );
  } catch {
    return false;
  }
}
