import type { SecretRule } from '../secret-rule.ts';
import { eachMatch } from './each-match.ts';

const TOKEN = /(?<=^|[^A-Za-z0-9_]|\\[ntr])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g;

export const npmTokenRule: SecretRule = {
  id: 'npm-token',
  description: 'npm access token (npm_ + 36 characters)',
  specificity: 'format',
  anchors: ['_(?<=npm_)[A-Za-z0-9]{36}'],
  find(text, report) {
    eachMatch(TOKEN, text, (m) => report(m.index, m.index + m[0].length));
  },
};
