import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../index.ts';

// All values below are generated fakes in the right shape; none is a real credential.
const { redact } = createSecretScanner();
const KEY_ID = 'AKIAUJZDEGXDNCF32EPF';
const SECRET = 'Vc8ORS/6ilI8ihN5KXSc7Tvo/hBKqFYY/kv5ZJr3';

describe('aws-access-key-id', () => {
  it.each([
    [KEY_ID, '[REDACTED:aws-access-key-id]'],
    ['aws_access_key_id=ASIA3DHODZDOCIS2JHTL', 'aws_access_key_id=[REDACTED:aws-access-key-id]'],
    ['"AccessKeyId": "ABIAGMXGEDN73U55XTPL"', '"AccessKeyId": "[REDACTED:aws-access-key-id]"'],
    ['key ACCAPFT7V4SEH2KVJ72C used', 'key [REDACTED:aws-access-key-id] used'],
  ])('masks %s', (input, expected) => {
    expect(redact(input).text).toBe(expected);
  });

  it.each([
    ['too short', 'AKIAUJZDEGXDNCF32EP'],
    ['too long', 'AKIAUJZDEGXDNCF32EPFQ'],
    ['glued to a word', 'XAKIAUJZDEGXDNCF32EPF'],
    ['not base32 (0, 1, 8, 9)', 'AKIA1234567890ABCDEF'],
    ['upper-case SHA-256 containing ACCA', `SHA256=ACCA${'7F3B09E1'.repeat(7)}DEADBE`],
    ['an IAM user id (AIDA), not a key', 'AIDAUJZDEGXDNCF32EPF'],
  ])('leaves %s alone', (_, input) => {
    expect(redact(input)).toEqual({ text: input, rules: [] });
  });
});

describe('aws-secret-access-key', () => {
  it.each([
    [
      `aws_secret_access_key = ${SECRET}`,
      'aws_secret_access_key = [REDACTED:aws-secret-access-key]',
    ],
    [`AWS_SECRET_ACCESS_KEY=${SECRET}`, 'AWS_SECRET_ACCESS_KEY=[REDACTED:aws-secret-access-key]'],
    [`{"SecretAccessKey":"${SECRET}"}`, '{"SecretAccessKey":"[REDACTED:aws-secret-access-key]"}'],
    [
      `<SecretAccessKey>${SECRET}</SecretAccessKey>`,
      '<SecretAccessKey>[REDACTED:aws-secret-access-key]</SecretAccessKey>',
    ],
    [
      `aws configure set aws_secret_access_key ${SECRET}`,
      'aws configure set aws_secret_access_key [REDACTED:aws-secret-access-key]',
    ],
    [
      `--aws-secret-access-key ${SECRET}`,
      '--aws-secret-access-key [REDACTED:aws-secret-access-key]',
    ],
    [`${KEY_ID},${SECRET}`, '[REDACTED:aws-access-key-id],[REDACTED:aws-secret-access-key]'],
  ])('masks %s', (input, expected) => {
    expect(redact(input).text).toBe(expected);
  });

  it.each([
    ['40 base64 characters without an AWS name', `blob ${SECRET} end`],
    ['a git SHA-1 under a key', 'sha1=9fceb02d0ae598e95dc970b74767f19372d61af8'],
    ['a git commit line', 'commit 9fceb02d0ae598e95dc970b74767f19372d61af8 Merge branch'],
    ['41 characters after the name', `aws_secret_access_key_x ${SECRET}Q`],
    ['a hex digest after an access key id', `${KEY_ID} 9fceb02d0ae598e95dc970b74767f19372d61af8`],
  ])('does not report a secret key for %s', (_, input) => {
    expect(redact(input).rules).not.toContain('aws-secret-access-key');
    if (!input.includes(KEY_ID)) expect(redact(input).text).toBe(input);
  });
});
