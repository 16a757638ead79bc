import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../index.ts';

const { redact } = createSecretScanner();
const A = '[REDACTED:http-authorization]';
const C = '[REDACTED:http-cookie]';

describe('http-authorization', () => {
  it.each([
    ['Authorization: Bearer 0f3c9a77e1b24d6a', `Authorization: Bearer ${A}`],
    ['authorization: basic Ym9iOmh1bnRlcjI=', `authorization: basic ${A}`],
    [
      "curl -H 'Authorization: token 0f3c9a77e1b24d6a' https://api",
      `curl -H 'Authorization: token ${A}' https://api`,
    ],
    ['{"Authorization":"Bearer 0f3c9a77e1b24d6a"}', `{"Authorization":"Bearer ${A}"}`],
    [
      'Proxy-Authorization: Negotiate YIIGhgYGKwYBBQUCoIIGejCC',
      `Proxy-Authorization: Negotiate ${A}`,
    ],
    ['Authorization: 0f3c9a77e1b24d6a', `Authorization: ${A}`],
  ])('masks the credential in %s and keeps the scheme', (input, expected) => {
    expect(redact(input).text).toBe(expected);
  });

  it.each([
    ['a bare scheme', 'Authorization: Bearer'],
    ['a short schemeless value', 'authorization: none'],
    ['a Digest header (derived values only)', 'Authorization: Digest username="bob", realm="x"'],
    ['a k8s authorization annotation', 'authorization.k8s.io/decision: allow'],
    ['a masked header', `Authorization: Bearer ${A}`],
    ['prose', 'authorization failed for user bob'],
  ])('leaves %s alone', (_, input) => {
    expect(redact(input)).toEqual({ text: input, rules: [] });
  });
});

describe('http-cookie', () => {
  it.each([
    ['Cookie: sessionid=0f3c9a77e1b24d6a; theme=dark', `Cookie: ${C}`],
    [
      'Set-Cookie: id=a3fWa; Expires=Thu, 21 Oct 2027 07:28:00 GMT; Secure\r\nX: y',
      `Set-Cookie: ${C}\r\nX: y`,
    ],
    ['{"cookie":"JSESSIONID=0f3c9a77e1b24d6a","ua":"x"}', `{"cookie":"${C}","ua":"x"}`],
  ])('masks the header value in %s', (input, expected) => {
    expect(redact(input).text).toBe(expected);
  });

  it.each([
    ['prose', 'cookie consent banner shown'],
    ['a cookie name field', 'cookie_name=theme'],
  ])('leaves %s alone', (_, input) => {
    expect(redact(input)).toEqual({ text: input, rules: [] });
  });
});
