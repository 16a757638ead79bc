import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../index.ts';

const { redact } = createSecretScanner();
// Random base64 lines, not a key.
const LINES = [
  'MIIEowIBAAKCAQEAs4Y3bq8Qn1c0hT61qtc4xatws8phP9nhFyJfm5di4PzJ59Fs',
  'H4487q7J58m1CiAhzCueQpBenQtYh5Xj8TPQxjq4i9DoV8gz4FkQ1okTBGzvAmwu',
];

describe('private-key', () => {
  it.each(['RSA ', 'EC ', 'DSA ', 'OPENSSH ', 'ENCRYPTED ', ''])(
    'masks a %sPRIVATE KEY block with real newlines',
    (kind) => {
      const pem = `-----BEGIN ${kind}PRIVATE KEY-----\n${LINES.join('\n')}\n-----END ${kind}PRIVATE KEY-----`;
      expect(redact(`key:\n${pem}\nnext line`).text).toBe(
        'key:\n[REDACTED:private-key]\nnext line',
      );
    },
  );

  it('masks a block whose newlines were escaped inside a JSON log line', () => {
    const line = `{"msg":"loaded","key":"-----BEGIN RSA PRIVATE KEY-----\\n${LINES.join('\\n')}\\n-----END RSA PRIVATE KEY-----\\n","ok":true}`;
    expect(redact(line).text).toBe('{"msg":"loaded","key":"[REDACTED:private-key]\\n","ok":true}');
  });

  it('masks a PGP private key block', () => {
    const block = `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${LINES[0] ?? ''}\n-----END PGP PRIVATE KEY BLOCK-----`;
    expect(redact(block).text).toBe('[REDACTED:private-key]');
  });

  it('masks to the end of a truncated block that has no END marker', () => {
    expect(redact(`pem=-----BEGIN PRIVATE KEY-----\\n${LINES[0] ?? ''}`).text).toBe(
      'pem=[REDACTED:private-key]',
    );
  });

  it('masks two blocks separately and keeps what lies between', () => {
    const pem = `-----BEGIN EC PRIVATE KEY-----\n${LINES[0] ?? ''}\n-----END EC PRIVATE KEY-----`;
    expect(redact(`${pem} and ${pem}`).text).toBe(
      '[REDACTED:private-key] and [REDACTED:private-key]',
    );
  });

  it.each([
    ['a public key', `-----BEGIN PUBLIC KEY-----\n${LINES[0] ?? ''}\n-----END PUBLIC KEY-----`],
    ['a certificate', `-----BEGIN CERTIFICATE-----\n${LINES[0] ?? ''}\n-----END CERTIFICATE-----`],
  ])('leaves %s alone', (_, input) => {
    expect(redact(input)).toEqual({ text: input, rules: [] });
  });
});
