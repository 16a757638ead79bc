import type { SecretRule } from '../secret-rule.ts';
import { eachMatch, trailingGroup } from './each-match.ts';
import { SECRET_KEY_CONTEXT } from './anchors.ts';

// Twilio SIDs are two letters and 32 lower-case hex digits. An account SID identifies an
// account and is only worth hiding next to its auth token; an API key SID is reported alone.
const API_KEY_SID = /(?<=^|[^A-Za-z0-9]|\\[ntr])SK[0-9a-f]{32}(?![A-Za-z0-9])/g;
const ACCOUNT_SID = /(?<=^|[^A-Za-z0-9]|\\[ntr])AC[0-9a-f]{32}(?![A-Za-z0-9])/g;
const AUTH_TOKEN_CONTEXT = /twilio|auth[_.-]?token/i;
// `TWILIO_AUTH_TOKEN=...`, `"twilioAuthToken": "..."`, `twilio.token: ...`
const NAMED_TOKEN =
  /(?i:twilio)[A-Za-z_.-]{0,24}(?i:token|secret)["'\]]?\s{0,8}(?:=>|[:=])\s{0,8}\\?["']?([0-9a-f]{32})(?![A-Za-z0-9])/g;
// `ACxxxx:token` (basic auth), `Client("ACxxxx", "token")`
const SID_TOKEN_PAIR =
  /(?<=^|[^A-Za-z0-9]|\\[ntr])AC[0-9a-f]{32}\\?["']?[\s:,;]{1,8}\\?["']?([0-9a-f]{32})(?![A-Za-z0-9])/g;

const SID_TOKEN_PAIR_TEST = new RegExp(SID_TOKEN_PAIR.source);

export const twilioApiKeySidRule: SecretRule = {
  id: 'twilio-api-key-sid',
  description: 'Twilio API key SID (SK + 32 hex)',
  specificity: 'format',
  anchors: ['SK[0-9a-f]{32}'],
  find(text, report) {
    eachMatch(API_KEY_SID, text, (m) => report(m.index, m.index + m[0].length));
  },
};

export const twilioAccountSidRule: SecretRule = {
  id: 'twilio-account-sid',
  description:
    'Twilio account SID (AC + 32 hex), only in a string that mentions Twilio or an auth token',
  specificity: 'context',
  anchors: ['AC[0-9a-f]{32}'],
  find(text, report) {
    if (!AUTH_TOKEN_CONTEXT.test(text) && !hasSidTokenPair(text)) return;
    eachMatch(ACCOUNT_SID, text, (m) => report(m.index, m.index + m[0].length));
  },
};

export const twilioAuthTokenRule: SecretRule = {
  id: 'twilio-auth-token',
  description: 'Twilio auth token (32 hex) under a Twilio token name or paired with an account SID',
  specificity: 'context',
  anchors: [SECRET_KEY_CONTEXT, 'AC[0-9a-f]{32}'],
  find(text, report) {
    for (const re of [NAMED_TOKEN, SID_TOKEN_PAIR]) {
      eachMatch(re, text, (m) => {
        const span = trailingGroup(m, 1);
        if (span !== undefined) report(span[0], span[1]);
      });
    }
  },
};

function hasSidTokenPair(text: string): boolean {
  return SID_TOKEN_PAIR_TEST.test(text);
}
