import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../index.ts';
import { githubTokenChecksum } from './github-checksum.ts';

const { redact } = createSecretScanner();
// Fake 30-character bodies; the checksum makes them structurally valid.
const BODY = 'mAg88Rlsa9ceIZPJeEYvRLCakxSMoh';
const token = (prefix: string, body = BODY): string =>
  `${prefix}${body}${githubTokenChecksum(body)}`;

describe('githubTokenChecksum', () => {
  it('matches an independently published CRC32/base62 vector', () => {
    // The vector comes from a third-party implementation's test suite, not from a GitHub token.
    expect(githubTokenChecksum('fIkRGaBu5PeKsznMzXQOg3kETH1Sgx')).toBe('2oIfSC');
  });

  it('pads short checksums with zeros to six characters', () => {
    for (const body of ['a'.repeat(30), 'Z'.repeat(30), '0'.repeat(30)]) {
      expect(githubTokenChecksum(body)).toMatch(/^[0-9A-Za-z]{6}$/);
    }
  });
});

describe('github-token', () => {
  it.each(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'])(
    'masks a %s token with a valid checksum',
    (prefix) => {
      const value = token(prefix);
      expect(redact(`GITHUB_TOKEN=${value}`).text).toBe('GITHUB_TOKEN=[REDACTED:github-token]');
      expect(redact(`remote: https://${value}@github.com/acme/app.git`).text).not.toContain(value);
    },
  );

  it('does not report a token-shaped string whose checksum is wrong', () => {
    const value = token('ghp_');
    const broken = `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
    expect(redact(`see ${broken}`)).toEqual({ text: `see ${broken}`, rules: [] });
  });

  it.each([
    ['a placeholder', 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    ['the wrong length', token('ghp_').slice(0, -2)],
    ['an unknown prefix', token('ghx_')],
    ['glued to a word', `my${token('ghp_')}`],
  ])('leaves %s alone', (_, input) => {
    expect(redact(input).rules).not.toContain('github-token');
  });
});

describe('github-fine-grained-pat', () => {
  const pat =
    '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';

  it('masks the whole token', () => {
    expect(redact(`token: ${pat}`).text).toBe('token: [REDACTED:github-fine-grained-pat]');
  });

  it('leaves the bare prefix and short tails alone', () => {
    expect(redact('tokens start with github_pat_ and more').rules).toEqual([]);
    expect(redact('github_pat_short').rules).toEqual([]);
  });
});
