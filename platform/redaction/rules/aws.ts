import type { SecretRule } from '../secret-rule.ts';
import { eachMatch, trailingGroup } from './each-match.ts';
import { hasMixedCaseAndDigit } from '../secret-value.ts';
import { COMMAND_OPTION, SECRET_KEY_CONTEXT } from './anchors.ts';

// Access key ids are `AKIA` (long-term), `ASIA` (STS), `ABIA` (STS bearer), `ACCA` (context)
// followed by 16 base32 characters (A-Z, 2-7). Base32 keeps uppercase hex hashes out.
const KEY_ID = /(?<=^|[^A-Za-z0-9]|\\[ntr])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/g;
const KEY_ID_ANCHOR = 'A(?:KIA|SIA|BIA|CCA)[A-Z2-7]{16}';

export const awsAccessKeyIdRule: SecretRule = {
  id: 'aws-access-key-id',
  description: 'AWS access key id (AKIA/ASIA/ABIA/ACCA + 16 base32 characters)',
  specificity: 'format',
  anchors: [KEY_ID_ANCHOR],
  find(text, report) {
    eachMatch(KEY_ID, text, (m) => report(m.index, m.index + m[0].length));
  },
};

// `aws_secret_access_key = X`, `"SecretAccessKey": "X"`, `<SecretAccessKey>X<`,
// `--aws-secret-access-key X`, `AWS_SECRET_KEY=X`.
const SECRET_NAME_SOURCE =
  '(?i:aws[_.-]?secret(?:[_.-]?access)?[_.-]?key|secret[_.-]?access[_.-]?key)';
const NAMED_SECRET = new RegExp(
  `${SECRET_NAME_SOURCE}["'\\]]?(?:\\s{0,8}(?:=>|[:=>])\\s{0,8}|\\s{1,8})\\\\?["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
  'g',
);
// A 40-character base64 word standing alone, e.g. in `credentials.csv` after the key id.
const LONE_SECRET = /(?<=^|[^A-Za-z0-9/+=]|\\[ntr])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
/** How far after an access key id a bare secret still counts as its pair. */
const PAIR_WINDOW = 120;

export const awsSecretAccessKeyRule: SecretRule = {
  id: 'aws-secret-access-key',
  description:
    'AWS secret access key (40 base64 characters) after an AWS secret key name, or right after an access key id',
  specificity: 'context',
  anchors: [SECRET_KEY_CONTEXT, COMMAND_OPTION, KEY_ID_ANCHOR],
  find(text, report) {
    eachMatch(NAMED_SECRET, text, (m) => {
      const span = trailingGroup(m, 1);
      if (span !== undefined) report(span[0], span[1]);
    });
    eachMatch(KEY_ID, text, (id) => {
      // A bounded window keeps this linear; a match touching the window's cut end is ignored
      // because the lookahead could not see what follows it.
      const from = id.index + id[0].length;
      const to = Math.min(text.length, from + PAIR_WINDOW + 41);
      const window = text.slice(from, to);
      eachMatch(LONE_SECRET, window, (m) => {
        const end = m.index + m[0].length;
        if (m.index >= PAIR_WINDOW || (end === window.length && to < text.length)) return;
        if (hasMixedCaseAndDigit(m[0])) report(from + m.index, from + end);
      });
    });
  },
};
