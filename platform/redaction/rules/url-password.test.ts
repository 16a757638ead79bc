import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../index.ts';

const { redact } = createSecretScanner();

describe('url-password', () => {
  it.each([
    [
      'postgres://app:S3cr3t%21@db.internal:5432/app',
      'postgres://app:[REDACTED:url-password]@db.internal:5432/app',
    ],
    [
      'https://user:hunter2@example.com/path?q=1',
      'https://user:[REDACTED:url-password]@example.com/path?q=1',
    ],
    ['redis://:Zx9!pw@cache:6379/0', 'redis://:[REDACTED:url-password]@cache:6379/0'],
    ['amqp://guest:p@ss@rabbit:5672', 'amqp://guest:[REDACTED:url-password]@rabbit:5672'],
    [
      'git clone https://x-access-token:tok3n99@github.com/a/b.git',
      'git clone https://x-access-token:[REDACTED:url-password]@github.com/a/b.git',
    ],
    [
      '{"dsn":"mysql://root:r00tpw@10.0.0.5/db"}',
      '{"dsn":"mysql://root:[REDACTED:url-password]@10.0.0.5/db"}',
    ],
    [
      'proxy=http://bob:pa:ss@proxy:3128 ok',
      'proxy=http://bob:[REDACTED:url-password]@proxy:3128 ok',
    ],
  ])('masks the password in %s and keeps the user', (input, expected) => {
    expect(redact(input).text).toBe(expected);
  });

  it.each([
    ['a URL without userinfo', 'https://example.com:8443/login?next=/home'],
    ['a user without a password', 'ssh://git@github.com:22/acme/app.git'],
    ['an @ in the path', 'https://example.com/users/@alice'],
    ['an @ in the query', 'https://example.com/?email=a@b.example'],
    ['an already masked password', 'https://user:[REDACTED:url-password]@example.com/'],
    ['a masked placeholder', 'https://user:****@example.com/'],
    ['an IPv6 literal', 'http://[::1]:8080/health'],
    ['an email address', 'mailto:ops@example.com'],
  ])('leaves %s alone', (_, input) => {
    expect(redact(input)).toEqual({ text: input, rules: [] });
  });
});
