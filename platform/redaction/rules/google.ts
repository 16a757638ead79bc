import type { SecretRule } from '../secret-rule.ts';
import { eachMatch } from './each-match.ts';

const API_KEY = /(?<=^|[^A-Za-z0-9_-]|\\[ntr])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g;

export const googleApiKeyRule: SecretRule = {
  id: 'google-api-key',
  description: 'Google API key (AIza + 35 characters)',
  specificity: 'format',
  anchors: ['AIza[A-Za-z0-9_-]{35}'],
  find(text, report) {
    eachMatch(API_KEY, text, (m) => report(m.index, m.index + m[0].length));
  },
};
