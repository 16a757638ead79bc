import type { SecretRule } from '../secret-rule.ts';
import { eachMatch } from './each-match.ts';

const API_KEY =
  /(?<=^|[^A-Za-z0-9]|\\[ntr])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;

export const sendgridApiKeyRule: SecretRule = {
  id: 'sendgrid-api-key',
  description: 'SendGrid API key (SG. + 22 + . + 43 base64url characters)',
  specificity: 'format',
  anchors: ['\\.(?<=SG\\.)[A-Za-z0-9_-]{22}\\.'],
  find(text, report) {
    eachMatch(API_KEY, text, (m) => report(m.index, m.index + m[0].length));
  },
};
