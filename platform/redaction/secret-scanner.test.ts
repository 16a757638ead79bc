import { describe, expect, it } from 'vitest';
import { RedactionError, createSecretScanner, defaultSecretRules } from './index.ts';
import type { SecretRule } from './index.ts';
import { makeFakeSecret } from './fake-secrets.ts';

const scanner = createSecretScanner();

describe('createSecretScanner', () => {
  it('returns the input untouched, with no rules, when nothing is secret', () => {
    for (const text of ['', 'plain text', 'GET /index.html 200']) {
      expect(scanner.redact(text)).toEqual({ text, rules: [] });
      expect(scanner.scan(text)).toEqual([]);
    }
  });

  it('reports offsets and rule ids only, never the secret', () => {
    const fake = makeFakeSecret('github-token', 7);
    const text = `token ${fake.secret} in use`;
    const findings = scanner.scan(text);
    expect(findings).toEqual([{ rule: 'github-token', start: 6, end: 6 + fake.secret.length }]);
    expect(JSON.stringify(findings)).not.toContain(fake.secret);
  });

  it('masks each secret as [REDACTED:<rule-id>] and lists each rule once, in order', () => {
    const key = makeFakeSecret('aws-access-key-id', 1).secret;
    const npm = makeFakeSecret('npm-token', 2).secret;
    const result = scanner.redact(`${npm} ${key} ${npm} password=hunter2`);
    expect(result.text).toBe(
      '[REDACTED:npm-token] [REDACTED:aws-access-key-id] [REDACTED:npm-token] password=[REDACTED:secret-assignment]',
    );
    expect(result.rules).toEqual(['npm-token', 'aws-access-key-id', 'secret-assignment']);
  });

  it('names a span after its most specific rule when rules overlap', () => {
    const fake = makeFakeSecret('github-token', 3);
    expect(scanner.redact(`password=${fake.secret}`).text).toBe('password=[REDACTED:github-token]');
    expect(scanner.redact(`--token ${fake.secret}`).text).toBe('--token [REDACTED:github-token]');
  });

  it('unions partly overlapping spans so no character escapes', () => {
    const overlapping: SecretRule[] = [
      {
        id: 'left',
        description: 'l',
        specificity: 'format',
        anchors: ['abc'],
        find: (_t, r) => r(0, 4),
      },
      {
        id: 'right',
        description: 'r',
        specificity: 'format',
        anchors: ['abc'],
        find: (_t, r) => r(2, 7),
      },
    ];
    const result = createSecretScanner({ rules: overlapping }).redact('abcdefgh');
    expect(result).toEqual({ text: '[REDACTED:left]h', rules: ['left'] });
  });

  it('is idempotent: redacting redacted text changes nothing', () => {
    const once = scanner.redact(
      'postgres://u:pw1@h/db Authorization: Bearer abcdef0123456789 password="x y" -----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
    ).text;
    expect(scanner.redact(once)).toEqual({ text: once, rules: [] });
  });

  it('runs only the rules it is given', () => {
    const onlyUrls = createSecretScanner({
      rules: defaultSecretRules.filter((rule) => rule.id === 'url-password'),
    });
    expect(onlyUrls.redact('password=hunter2 https://u:pw@h/').text).toBe(
      'password=hunter2 https://u:[REDACTED:url-password]@h/',
    );
    expect(onlyUrls.rules.map((rule) => rule.id)).toEqual(['url-password']);
  });

  it('accepts custom rules beside the defaults', () => {
    const employeeId: SecretRule = {
      id: 'badge-pin',
      description: 'badge PINs',
      specificity: 'format',
      anchors: ['PIN-\\d{6}'],
      find(text, report) {
        for (const m of text.matchAll(/PIN-(\d{6})/g)) report(m.index + 4, m.index + 10);
      },
    };
    const custom = createSecretScanner({ rules: [...defaultSecretRules, employeeId] });
    expect(custom.redact('badge PIN-123456 ok').text).toBe('badge PIN-[REDACTED:badge-pin] ok');
  });

  it('runs rules whose anchors match at the same place as another rule, or use alternation', () => {
    const a: SecretRule = {
      id: 'alpha',
      description: 'first anchor at the shared spot',
      specificity: 'format',
      anchors: ['_x'],
      find: (_t, r) => r(0, 1),
    };
    const b: SecretRule = {
      id: 'beta',
      description: 'anchor with a top-level alternation',
      specificity: 'format',
      anchors: ['q_|_x'],
      find: (_t, r) => r(3, 4),
    };
    expect(createSecretScanner({ rules: [a, b] }).redact('_x y z').rules).toEqual([
      'alpha',
      'beta',
    ]);
  });

  it('ignores spans a faulty rule reports outside the text', () => {
    const faulty: SecretRule = {
      id: 'faulty',
      description: 'reports nonsense',
      specificity: 'generic',
      anchors: ['x'],
      find(_text, report) {
        report(-1, 2);
        report(3, 2);
        report(0, 999);
      },
    };
    expect(createSecretScanner({ rules: [faulty] }).redact('xyz')).toEqual({
      text: 'xyz',
      rules: [],
    });
  });

  it.each([
    ['a duplicate id', [defaultSecretRules[0], defaultSecretRules[0]]],
    ['an id that is not kebab-case', [{ ...defaultSecretRules[0], id: 'Bad_Id' }]],
    ['no anchors', [{ ...defaultSecretRules[0], anchors: [] }]],
    ['an invalid anchor', [{ ...defaultSecretRules[0], anchors: ['(unclosed'] }]],
  ])('rejects a rule set with %s', (_, rules) => {
    let caught: unknown;
    try {
      createSecretScanner({ rules: rules as SecretRule[] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RedactionError);
    expect((caught as RedactionError).code).toBe('REDACTION_RULE_INVALID');
  });

  it('gives every default rule a unique kebab-case id and a description', () => {
    const ids = defaultSecretRules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of defaultSecretRules) {
      expect(rule.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(rule.description.length).toBeGreaterThan(10);
    }
  });
});
