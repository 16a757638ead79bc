import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../index.ts';

const { redact } = createSecretScanner();
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
// A fake token: made-up claims, random signature bytes.
const HEADER = b64({ alg: 'HS256', typ: 'JWT' });
const PAYLOAD = b64({ sub: 'svc-backup', iat: 1_700_000_000 });
const JWT = `${HEADER}.${PAYLOAD}.hT61qtc4xatws8phP9nhFyJfm5di4PzJ59FsH4487q7`;

describe('jwt', () => {
  it.each([
    [`token=${JWT}`, 'token=[REDACTED:jwt]'],
    [`Authorization: Bearer ${JWT}`, 'Authorization: Bearer [REDACTED:jwt]'],
    [`{"id_token":"${JWT}"}`, '{"id_token":"[REDACTED:jwt]"}'],
    [`GET /cb#access_token=${JWT}&state=1`, 'GET /cb#access_token=[REDACTED:jwt]&state=1'],
    [`unsigned ${HEADER}.${PAYLOAD}. end`, 'unsigned [REDACTED:jwt] end'],
  ])('masks %s', (input, expected) => {
    expect(redact(input).text).toBe(expected);
  });

  it('masks a five-part JWE whole', () => {
    const jwe = `${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.${PAYLOAD}.aXY.Y2lwaGVy.dGFn`;
    expect(redact(`jwe ${jwe}`).text).toBe('jwe [REDACTED:jwt]');
  });

  it.each([
    ['a header without alg', `${b64({ typ: 'JWT' })}.${PAYLOAD}.c2ln`],
    ['a header that is not JSON', `eyJub3QganNvbg.${PAYLOAD}.c2ln`],
    ['two segments only', `${HEADER}.${PAYLOAD}`],
    ['base64 JSON that is not a token', `data=${b64({ a: 1 })}`],
    ['dotted identifiers', 'com.example.eyJfoo.bar'],
  ])('leaves %s alone', (_, input) => {
    expect(redact(input).rules).not.toContain('jwt');
  });
});
