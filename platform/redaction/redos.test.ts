import { describe, expect, it } from 'vitest';
import { createRandom } from './fake-secrets.ts';
import { createSecretScanner, defaultSecretRules } from './index.ts';

// Inputs built to make backtracking regexes or quadratic loops blow up: long runs of the
// characters each rule pivots on, repeated near-matches, unclosed quotes. Every pattern is
// meant to be linear, so each input takes milliseconds. The generous timeout is a guard that
// turns a catastrophic pattern (minutes or worse) into a failure; it is not a speed assertion.
const N = 200_000;
const fill = (unit: string): string => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);

const ADVERSARIAL: readonly (readonly [string, string])[] = [
  ['letters', fill('a')],
  ['upper case', fill('A')],
  ['digits', fill('0')],
  ['spaces', fill(' ')],
  ['dashes', fill('-')],
  ['underscores', fill('_')],
  ['dots', fill('.')],
  ['colons', fill(':')],
  ['equals', fill('=')],
  ['at signs after colons', fill(':a@')],
  ['backslashes', fill('\\')],
  ['escaped newlines', fill('\\n')],
  ['double quotes', fill('"')],
  ['single quotes', fill("'")],
  ['unclosed quote then words', `"${fill('a ')}`],
  ['alternating quotes', fill(`"'`)],
  ['secret words', fill('password')],
  ['secret words with separators', fill('password=')],
  ['secret keys with spaces', fill('token ')],
  ['secret key then a long gap', `aws_secret_access_key${fill(' ')}`],
  ['long key names', fill('secret_')],
  ['scheme separators', fill('://')],
  ['userinfo without host', fill('a://b:c')],
  ['JWT header without end', `eyJ${fill('a')}`],
  ['JWT-ish segments', fill('eyJabcde.')],
  ['AWS prefix then letters', `AKIA${fill('A')}`],
  ['many AWS key ids', fill('AKIAUJZDEGXDNCF32EPF ')],
  ['GitHub prefix then letters', `ghp_${fill('a')}`],
  ['Slack prefix then dashes', `xoxb-${fill('1-')}`],
  ['Stripe prefix then letters', `sk_live_${fill('a')}`],
  ['SendGrid-like dots', fill('SG.')],
  ['Twilio-ish hex', `twilio ${fill('AC0123456789abcdef')}`],
  ['PEM headers without END', fill('-----BEGIN RSA PRIVATE KEY-----')],
  ['Authorization headers', fill('Authorization: ')],
  ['Cookie headers', fill('Cookie: ')],
  ['short flags', fill(' -p')],
  ['tool names', fill('mysql ')],
  ['net user', fill('net user ')],
  ['secret options', fill('--password ')],
  ['nested quotes', fill('"a \'b "c ')],
  ['Windows switches', fill('/pass:')],
  ['a tool then one huge word', `mysql ${fill('a')}!x`],
  ['a tool then trailing punctuation', `mysql ${fill(';')}a`],
  ['a tool then escaped newlines', `mysql ${fill('\\n')}`],
  ['a tool then a huge quoted word', `mysql "${fill('a')}" -p`],
];

describe('ReDoS guard', () => {
  const scanner = createSecretScanner();

  it.each(ADVERSARIAL)(
    'scans %s (200k characters) without blowing up',
    (_, input) => {
      const result = scanner.redact(input);
      expect(typeof result.text).toBe('string');
    },
    30_000,
  );

  it('runs every rule on every adversarial input directly', () => {
    for (const rule of defaultSecretRules) {
      for (const [, input] of ADVERSARIAL) rule.find(input, () => undefined);
    }
  }, 120_000);

  it('scans 200k characters of random printable text', () => {
    const pick = createRandom(42);
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
    expect(typeof scanner.redact(pick(printable, N)).text).toBe('string');
  }, 30_000);
});
