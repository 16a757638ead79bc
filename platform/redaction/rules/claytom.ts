import type { SecretRule } from '../secret-rule.ts';
import { eachMatch } from './each-match.ts';

/**
 * The platform's own credentials: API tokens (`sat_`), agent client secrets (`sac_`), refresh
 * tokens (`srt_`) and ingest source tokens (`sct_`), each the prefix and 32 random bytes in
 * base64url (43 characters).
 */
const TOKEN = /(?<=^|[^A-Za-z0-9_-]|\\[ntr])s(?:at|ac|rt|ct)_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;

export const claytomTokenRule: SecretRule = {
  id: 'claytom-token',
  description: 'ClayTom SecOps API token, client secret, refresh token or ingest token',
  specificity: 'format',
  anchors: ['_(?<=s(?:at|ac|rt|ct)_)[A-Za-z0-9_-]{43}'],
  find(text, report) {
    eachMatch(TOKEN, text, (m) => report(m.index, m.index + m[0].length));
  },
};
