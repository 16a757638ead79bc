import { describe, expect, it } from 'vitest';
import { isSecretFieldName } from './index.ts';
import { splitWords } from './secret-field-name.ts';

describe('isSecretFieldName', () => {
  it.each([
    'password',
    'Password',
    'PASSWORD',
    'passwd',
    'pwd',
    'db_password',
    'DB_PASSWORD',
    'userPassword',
    'new_password',
    'password_confirmation',
    'password2',
    'password_hash',
    'passphrase',
    'secret',
    'client_secret',
    'clientSecret',
    'SecretString',
    'token',
    'access_token',
    'refreshToken',
    'id_token',
    'X-Auth-Token',
    'X-Amz-Security-Token',
    'csrf_token',
    'api_key',
    'apikey',
    'api-key',
    'apiKey',
    'X-API-Key',
    'access_key',
    'SecretAccessKey',
    'private_key',
    'privateKey',
    'signing_key',
    'AccountKey',
    'Ocp-Apim-Subscription-Key',
    'authorization',
    'Proxy-Authorization',
    'auth',
    'basic_auth',
    'cookie',
    'Set-Cookie',
    'cookies',
    'session',
    'credentials',
    'aws_credentials',
    'spring.datasource.password',
    '--db-password',
  ])('flags %s', (name) => {
    expect(isSecretFieldName(name)).toBe(true);
  });

  it.each([
    'token_count',
    'max_tokens',
    'completion_tokens',
    'tokenizer',
    'password_last_set',
    'PasswordLastSet',
    'password_expired',
    'passwordless',
    'password_policy',
    'TokenElevationType',
    'KeyLength',
    'key',
    'registry.key',
    'public_key',
    'access_key_id',
    'AccessKeyId',
    'api_key_id',
    'secret_name',
    'secretId',
    'secret_arn',
    'token_type',
    'nextToken',
    'next_page_token',
    'hashed_token',
    'token_hash',
    'session_id',
    'sessionid',
    'credential_id',
    'cookie_name',
    'authentication',
    'AuthenticationPackageName',
    'authorization.k8s.io/decision',
    'has_password',
    'password-stdin',
    'ask-pass',
    'bypass',
    'event.kind',
    'kind',
    'message',
    'PWD',
    'OLDPWD',
    'user_agent',
    '',
  ])('leaves %s alone', (name) => {
    expect(isSecretFieldName(name)).toBe(false);
  });
});

describe('splitWords', () => {
  it('splits separators, camelCase, acronyms and digits, dropping numbers', () => {
    expect(splitWords('SecretAccessKey')).toEqual(['secret', 'access', 'key']);
    expect(splitWords('X-API-Key')).toEqual(['x', 'api', 'key']);
    expect(splitWords('db_password2')).toEqual(['db', 'password']);
    expect(splitWords('authorization.k8s.io/decision')).toEqual([
      'authorization',
      'k',
      's',
      'io',
      'decision',
    ]);
  });
});
