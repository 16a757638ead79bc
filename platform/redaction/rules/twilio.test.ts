import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../index.ts';

// Generated fakes in Twilio's shapes.
const { redact } = createSecretScanner();
const TOKEN = '1ecccc3fc1626e53a13043b026c48bbf';
const ACCOUNT = 'AC33feff9243a8f506b40928b5b7a767c7';

describe('twilio-api-key-sid', () => {
  it('masks SK + 32 hex', () => {
    expect(redact('api key SK33feff9243a8f506b40928b5b7a767c7 created').text).toBe(
      'api key [REDACTED:twilio-api-key-sid] created',
    );
  });

  it.each([
    ['upper-case hex', 'SK33FEFF9243A8F506B40928B5B7A767C7'],
    ['31 hex digits', 'SK33feff9243a8f506b40928b5b7a767c'],
    ['glued to a word', 'DISK33feff9243a8f506b40928b5b7a767c7'],
  ])('leaves %s alone', (_, input) => {
    expect(redact(input).rules).toEqual([]);
  });
});

describe('twilio-auth-token and twilio-account-sid', () => {
  it.each([
    [`TWILIO_AUTH_TOKEN=${TOKEN}`, 'TWILIO_AUTH_TOKEN=[REDACTED:twilio-auth-token]'],
    [`"twilioAuthToken": "${TOKEN}"`, '"twilioAuthToken": "[REDACTED:twilio-auth-token]"'],
    [
      `TWILIO_ACCOUNT_SID=${ACCOUNT} TWILIO_AUTH_TOKEN=${TOKEN}`,
      'TWILIO_ACCOUNT_SID=[REDACTED:twilio-account-sid] TWILIO_AUTH_TOKEN=[REDACTED:twilio-auth-token]',
    ],
    [
      `twilio.Client("${ACCOUNT}", "${TOKEN}")`,
      'twilio.Client("[REDACTED:twilio-account-sid]", "[REDACTED:twilio-auth-token]")',
    ],
  ])('masks %s', (input, expected) => {
    expect(redact(input).text).toBe(expected);
  });

  it.each([
    ['an account SID with no token context', `account ${ACCOUNT} upgraded`],
    ['32 hex without a Twilio name (an MD5)', `md5=${TOKEN}`],
    ['a UUID', 'twilio request 550e8400-e29b-41d4-a716-446655440000'],
  ])('leaves %s alone', (_, input) => {
    expect(redact(input)).toEqual({ text: input, rules: [] });
  });
});
