import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../index.ts';

const { redact } = createSecretScanner();
const M = '[REDACTED:secret-assignment]';

describe('secret-assignment', () => {
  it.each([
    ['password=hunter2', `password=${M}`],
    ['user=bob pwd=Tr0ub4dor&3 host=db1', `user=bob pwd=${M}&3 host=db1`],
    ['DB_PASSWORD="c0rrect horse"', `DB_PASSWORD="${M}"`],
    ["secret: 'Zx9-long-value'", `secret: '${M}'`],
    ['token = abc123', `token = ${M}`],
    ['api_key=0f3c9a77e1', `api_key=${M}`],
    ['apikey=0f3c9a77e1', `apikey=${M}`],
    ['X-Api-Key: 0f3c9a77e1b24', `X-Api-Key: ${M}`],
    ['{"user":"bob","password":"hunter2"}', `{"user":"bob","password":"${M}"}`],
    ['{\\"password\\":\\"hunter2\\",\\"x\\":1}', `{\\"password\\":\\"${M}\\",\\"x\\":1}`],
    ['{"client_secret": "a\\"b"}', `{"client_secret": "${M}"}`],
    [
      'GET /login?user=bob&password=hunter2&next=/ HTTP/1.1',
      `GET /login?user=bob&password=${M}&next=/ HTTP/1.1`,
    ],
    ['spring.datasource.password=Sup3r', `spring.datasource.password=${M}`],
    ["'password' => 'hunter2',", `'password' => '${M}',`],
    ['PASSWORD := s3cret', `PASSWORD := ${M}`],
    ['<password>hunter2</password>', `<password>${M}</password>`],
    ['form[password]=hunter2', `form[password]=${M}`],
    ['mount -o username=bob,password=Pa55 //srv/x', `mount -o username=bob,password=${M} //srv/x`],
    ['AccountKey=bXlzdG9yYWdla2V5;EndpointSuffix=core', `AccountKey=${M};EndpointSuffix=core`],
  ])('masks the value in %s', (input, expected) => {
    expect(redact(input).text).toBe(expected);
  });

  it.each([
    ['a count', 'token_count=512'],
    ['a date', 'password_last_set=2025-11-24T13:19:02Z'],
    ['a Windows flag', 'TokenElevationType=%%1936'],
    ['a key length', 'KeyLength: 0'],
    ['the working directory in sudo logs', 'sudo: bob : TTY=pts/0 ; PWD=/home/bob ; USER=root'],
    ['prose with a word value', 'Invalid token: expired'],
    ['a parser error', 'SyntaxError: Unexpected token: }'],
    ['passwd output', 'passwd: password updated successfully'],
    ['a failed login', 'Failed password for invalid user admin from 192.0.2.44 port 50022 ssh2'],
    ['a path', 'cat /etc/passwd:1'],
    ['a C++ scope', 'Token::Kind::Ident'],
    ['an empty value', 'password= user=bob'],
    ['a masked value', 'password=******** user=bob'],
    ['an earlier redaction', `password=${M}`],
    ['an environment reference', 'password=${DB_PASSWORD}'],
    ['a template', 'password={{ vault_password }}'],
    ['a usage string', 'usage: tool --user NAME password=<password>'],
    ['a secret name', 'secret_name=prod-db-creds'],
    ['a pagination token', 'nextToken=eyJ2IjoxfQ'],
  ])('leaves %s alone', (_, input) => {
    expect(redact(input)).toEqual({ text: input, rules: [] });
  });
});
