import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../../platform/redaction/index.ts';
import { FAKE_SECRET_KINDS, makeFakeSecret } from '../../platform/redaction/fake-secrets.ts';
import type { EcsDocument, JsonValue } from '../parsers/parser.ts';
import { SECRET_FIELD_RULE, redactEvent } from './index.ts';

const scanner = createSecretScanner();
const fake = (kind: string, seed = 1): string => makeFakeSecret(kind, seed).secret;

describe('redactEvent', () => {
  it('masks secrets inside nested strings and records dotted paths', () => {
    const key = fake('aws-access-key-id');
    const doc: EcsDocument = {
      '@timestamp': '2025-11-24T13:19:02.000Z',
      process: { command_line: `aws s3 ls --profile x # ${key}`, pid: 4242 },
      url: { full: 'https://svc:hunter2@api.internal/v1' },
    };
    const found = redactEvent(doc, scanner);
    expect(doc).toEqual({
      '@timestamp': '2025-11-24T13:19:02.000Z',
      process: { command_line: 'aws s3 ls --profile x # [REDACTED:aws-access-key-id]', pid: 4242 },
      url: { full: 'https://svc:[REDACTED:url-password]@api.internal/v1' },
      secops: {
        redactions: [
          { field: 'process.command_line', rule: 'aws-access-key-id' },
          { field: 'url.full', rule: 'url-password' },
        ],
      },
    });
    expect(found).toEqual([
      { field: 'process.command_line', rule: 'aws-access-key-id' },
      { field: 'url.full', rule: 'url-password' },
    ]);
  });

  it('walks arrays, omitting indices from paths and listing each field and rule once', () => {
    const token = fake('github-token');
    const doc: EcsDocument = {
      process: { args: ['gh', 'auth', 'login', '--with-token', token, 'password=hunter2', token] },
      related: { hosts: [{ name: 'a' }, { url: 'redis://:pw123@cache:6379' }] },
    };
    const found = redactEvent(doc, scanner);
    expect(doc.process).toEqual({
      args: [
        'gh',
        'auth',
        'login',
        '--with-token',
        '[REDACTED:github-token]',
        'password=[REDACTED:secret-assignment]',
        '[REDACTED:github-token]',
      ],
    });
    expect(found).toEqual([
      { field: 'process.args', rule: 'github-token' },
      { field: 'process.args', rule: 'secret-assignment' },
      { field: 'related.hosts.url', rule: 'url-password' },
    ]);
  });

  it('masks whole values of secret-named fields, and everything nested below them', () => {
    const doc: EcsDocument = {
      user: { name: 'bob', password: 'plain words no digits' },
      http: {
        request: { headers: { Authorization: 'Basic Ym9iOmh1bnRlcjI=', Accept: 'text/html' } },
      },
      credentials: { user: 'svc', extra: ['a', { note: 'rotate monthly' }] },
      winlog: { event_data: { TokenElevationType: '%%1936', PasswordLastSet: '2025-01-01' } },
    };
    const found = redactEvent(doc, scanner);
    expect(doc.user).toEqual({ name: 'bob', password: '[REDACTED:secret-field]' });
    expect(doc.http).toEqual({
      request: { headers: { Authorization: '[REDACTED:secret-field]', Accept: 'text/html' } },
    });
    expect(doc.credentials).toEqual({
      user: '[REDACTED:secret-field]',
      extra: ['[REDACTED:secret-field]', { note: '[REDACTED:secret-field]' }],
    });
    expect(doc.winlog).toEqual({
      event_data: { TokenElevationType: '%%1936', PasswordLastSet: '2025-01-01' },
    });
    expect(found).toEqual([
      { field: 'user.password', rule: SECRET_FIELD_RULE },
      { field: 'credentials.user', rule: SECRET_FIELD_RULE },
      { field: 'credentials.extra', rule: SECRET_FIELD_RULE },
      { field: 'http.request.headers.Authorization', rule: SECRET_FIELD_RULE },
      { field: 'credentials.extra.note', rule: SECRET_FIELD_RULE },
    ]);
  });

  it('leaves numbers, booleans, null, empty strings, placeholders and keys alone', () => {
    const token = fake('npm-token');
    const doc: EcsDocument = {
      pin: 1234,
      user: { password: '', passphrase: '[REDACTED:secret-field]', token: null, secret: true },
      [token]: 'a key that looks like a token is not scanned',
      count: 3,
    };
    const before = structuredClone(doc);
    expect(redactEvent(doc, scanner)).toEqual([]);
    expect(doc).toEqual(before);
    expect(doc).not.toHaveProperty('secops');
  });

  it('does not scan @timestamp or event.id, but does scan hashes and event.original', () => {
    const key = fake('aws-access-key-id', 5);
    const doc: EcsDocument = {
      '@timestamp': '2025-11-24T13:19:02.000Z',
      event: { id: `id-${key}`, original: `login ok key=${key}` },
      file: {
        hash: { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
      },
    };
    redactEvent(doc, scanner);
    expect(doc.event).toEqual({
      id: `id-${key}`,
      original: 'login ok key=[REDACTED:aws-access-key-id]',
    });
    expect(doc.file).toEqual({
      hash: { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
    });
  });

  it('treats flattened dotted keys like nested ones', () => {
    const doc: EcsDocument = { 'user.password': 'Zx9!pw', 'url.full': 'ftp://a:b1@h/' };
    expect(redactEvent(doc, scanner)).toEqual([
      { field: 'user.password', rule: SECRET_FIELD_RULE },
      { field: 'url.full', rule: 'url-password' },
    ]);
  });

  it('merges with redactions already on the event and is idempotent', () => {
    const doc: EcsDocument = {
      message: 'password=hunter2',
      secops: { source: { id: 's1' }, redactions: [{ field: 'x.y', rule: 'jwt' }, 'junk'] },
    };
    expect(redactEvent(doc, scanner)).toEqual([{ field: 'message', rule: 'secret-assignment' }]);
    expect(doc.secops).toEqual({
      source: { id: 's1' },
      redactions: [
        { field: 'x.y', rule: 'jwt' },
        { field: 'message', rule: 'secret-assignment' },
      ],
    });
    const once = structuredClone(doc);
    expect(redactEvent(doc, scanner)).toEqual([]);
    expect(doc).toEqual(once);
  });

  it('replaces a secops value that is not an object, since the namespace is the platform’s', () => {
    const doc: EcsDocument = { secops: 'shipper value', message: 'token=abc123' };
    redactEvent(doc, scanner);
    expect(doc.secops).toEqual({ redactions: [{ field: 'message', rule: 'secret-assignment' }] });
  });

  it('walks very deep documents without overflowing the stack', () => {
    let inner: JsonValue = 'password=hunter2';
    for (let i = 0; i < 5_000; i++) inner = [inner];
    const doc: EcsDocument = { deep: inner };
    expect(redactEvent(doc, scanner)).toEqual([{ field: 'deep', rule: 'secret-assignment' }]);
  });

  it('rejects a cyclic document with SIEM_INVALID_EVENT instead of looping', () => {
    const doc: EcsDocument = { a: {} };
    (doc.a as Record<string, unknown>).self = doc;
    let caught: unknown;
    try {
      redactEvent(doc, scanner);
    } catch (error) {
      caught = error;
    }
    expect((caught as { code?: string } | undefined)?.code).toBe('SIEM_INVALID_EVENT');
  });

  it('never stores a generated secret, wherever in the event it is placed', () => {
    const path = fc.array(fc.constantFrom('process', 'args', 'message', 'labels', 'x', 'url'), {
      minLength: 1,
      maxLength: 5,
    });
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom(...FAKE_SECRET_KINDS), fc.integer(), path, fc.boolean()),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        (placements) => {
          const doc: EcsDocument = { '@timestamp': '2025-11-24T13:19:02.000Z' };
          const secrets: string[] = [];
          for (const [kind, seed, segments, inArray] of placements) {
            const secret = makeFakeSecret(kind, seed);
            secrets.push(secret.secret);
            place(doc, segments, `seen: ${secret.text}`, inArray);
          }
          redactEvent(doc, scanner);
          const stored = JSON.stringify(doc);
          for (const secret of secrets) expect(stored).not.toContain(secret);
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** Puts `value` at `segments` (creating objects), as a string or inside an array. */
function place(
  doc: EcsDocument,
  segments: readonly string[],
  value: string,
  inArray: boolean,
): void {
  let node: EcsDocument = doc;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) {
      node[segment] = {};
    }
    node = node[segment] as EcsDocument;
  }
  const last = segments.at(-1) ?? 'message';
  const existing = node[last];
  if (Array.isArray(existing)) existing.push(value);
  else node[last] = inArray ? [value] : value;
}
