import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretsError } from '../../secrets-errors.ts';
import {
  createMasterKeyring,
  generateMasterKeyEntry,
  loadMasterKeyring,
  parseMasterKeyring,
  withCurrentKey,
} from './master-keyring.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'returned';
  } catch (err) {
    return err instanceof SecretsError ? err.code : 'other';
  }
};

describe('master keyring', () => {
  const a = randomBytes(32);
  const b = randomBytes(32);
  const entry = (id: string, key: Buffer): string => `${id}:${key.toString('base64')}`;

  it('parses id:base64 entries, the first being current', () => {
    const ring = parseMasterKeyring(`# keys\n${entry('k2', b)}\n${entry('k1', a)}\n`);
    expect(ring.current.id).toBe('k2');
    expect(ring.previous.map((k) => k.id)).toEqual(['k1']);
    expect(ring.current.key.export().equals(b)).toBe(true);
    expect(parseMasterKeyring(`${entry('x', a)}, ${entry('y', b)}`).previous[0]?.id).toBe('y');
  });

  it('rejects malformed entries without echoing key material', () => {
    const short = randomBytes(16).toString('base64');
    const cases = [
      '',
      `nokeyid`,
      `:${a.toString('base64')}`,
      `k1:${short}`,
      `k1:not*base64`,
      `${entry('k1', a)},${entry('k1', b)}`,
      `bad id!:${a.toString('base64')}`,
    ];
    for (const text of cases) {
      let message = '';
      try {
        parseMasterKeyring(text);
      } catch (err) {
        expect(err).toBeInstanceOf(SecretsError);
        expect((err as SecretsError).code).toBe('SECRET_MASTER_KEY_INVALID');
        message = `${(err as Error).message} ${JSON.stringify(err)}`;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain(a.toString('base64'));
      expect(message).not.toContain(b.toString('base64'));
      expect(message).not.toContain(short);
    }
  });

  it('loads from the environment or from a key file, not both', () => {
    const env = { SECOPS_SECRETS_MASTER_KEYS: entry('k1', a) };
    expect(loadMasterKeyring({ env }).current.id).toBe('k1');
    const dir = mkdtempSync(join(tmpdir(), 'secops-keyring-'));
    dirs.push(dir);
    const file = join(dir, 'master.keys');
    writeFileSync(file, `${entry('k2', b)}\n${entry('k1', a)}\n`, { mode: 0o600 });
    const fromFile = loadMasterKeyring({ env: { SECOPS_SECRETS_MASTER_KEY_FILE: file } });
    expect(fromFile.current.id).toBe('k2');
    expect(
      codeOf(() =>
        loadMasterKeyring({
          env: { SECOPS_SECRETS_MASTER_KEYS: entry('k1', a), SECOPS_SECRETS_MASTER_KEY_FILE: file },
        }),
      ),
    ).toBe('SECRET_MASTER_KEY_INVALID');
    expect(codeOf(() => loadMasterKeyring({ env: {} }))).toBe('SECRET_MASTER_KEY_INVALID');
    expect(
      codeOf(() =>
        loadMasterKeyring({ env: { SECOPS_SECRETS_MASTER_KEY_FILE: join(dir, 'missing') } }),
      ),
    ).toBe('SECRET_MASTER_KEY_INVALID');
    expect(
      loadMasterKeyring({ env: { MY_KEYS: entry('z', a) }, variable: 'MY_KEYS' }).current.id,
    ).toBe('z');
  });

  it('never prints key material when logged', () => {
    const ring = createMasterKeyring({
      current: { id: 'k1', key: a },
      previous: [{ id: 'k0', key: b }],
    });
    const printed = `${inspect(ring, { depth: 10 })} ${JSON.stringify(ring)}`;
    for (const key of [a, b]) {
      expect(printed).not.toContain(key.toString('base64'));
      expect(printed).not.toContain(key.toString('hex'));
    }
  });

  it('switches the current key and keeps the others as previous', () => {
    const ring = createMasterKeyring({ current: { id: 'k1', key: a } });
    const next = withCurrentKey(ring, { id: 'k2', key: b });
    expect(next.current.id).toBe('k2');
    expect(next.previous.map((k) => k.id)).toEqual(['k1']);
    expect(withCurrentKey(next, { id: 'k1', key: a }).current.id).toBe('k1');
    expect(codeOf(() => withCurrentKey(next, { id: 'k1', key: b }))).toBe(
      'SECRET_MASTER_KEY_INVALID',
    );
  });

  it('generates fresh entries that parse back', () => {
    const one = generateMasterKeyEntry('gen');
    const two = generateMasterKeyEntry('gen');
    expect(one).not.toBe(two);
    expect(parseMasterKeyring(one).current.key.symmetricKeySize).toBe(32);
    expect(codeOf(() => generateMasterKeyEntry('no/slash'))).toBe('SECRET_MASTER_KEY_INVALID');
  });
});
