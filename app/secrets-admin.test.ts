import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../platform/config/index.ts';
import { sql } from '../platform/storage/index.ts';
import { createApp } from './create-app.ts';
import { rotateSecretsMasterKey } from './secrets-admin.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const configIn = (dir: string) =>
  loadConfig({ env: {}, overrides: { dataDir: dir, 'server.port': 0, 'log.level': 'silent' } });

describe('secrets master-key rotation (embedded store)', () => {
  it('puts a new key first in the key file and re-wraps every data key under it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secops-rotate-'));
    dirs.push(dir);
    const config = configIn(dir);
    const before = await createApp(config, { eventStoreThreads: false });
    await before.secrets.put('default', 'soar/slack', { webhook: 'https://hooks.example/abc' });
    await before.secrets.put('default', 'soar/slack', { webhook: 'https://hooks.example/def' });
    await before.stop();

    const keyFile = join(dir, 'keys', 'secrets-master.keys');
    const oldText = readFileSync(keyFile, 'utf8');
    const report = await rotateSecretsMasterKey(config);
    expect(report).toMatchObject({ masterKeyId: 'k2', rewrapped: 2, keyFile });
    const newText = readFileSync(keyFile, 'utf8');
    expect(newText.startsWith('k2:')).toBe(true);
    expect(newText.endsWith(oldText)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    const after = await createApp(config, { eventStoreThreads: false });
    try {
      const rows = await after.relational.query<{ master_key_id: string }>(
        sql`SELECT master_key_id FROM secrets_versions`,
      );
      expect(rows.map((r) => r.master_key_id)).toEqual(['k2', 'k2']);
      expect((await after.secrets.get('default', 'soar/slack', 1)).value).toEqual({
        webhook: 'https://hooks.example/abc',
      });
      expect((await after.secrets.get('default', 'soar/slack')).value).toEqual({
        webhook: 'https://hooks.example/def',
      });
    } finally {
      await after.stop();
    }
  });

  it('creates key files with mode 0600 and refuses to start on one readable by others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secops-keys-'));
    dirs.push(dir);
    const app = await createApp(configIn(dir), { eventStoreThreads: false });
    await app.stop();
    const { chmodSync } = await import('node:fs');
    for (const name of ['token-kek.key', 'audit-signing.pem', 'audit-hmac.key'])
      expect(statSync(join(dir, 'keys', name)).mode & 0o777).toBe(0o600);
    chmodSync(join(dir, 'keys', 'audit-signing.pem'), 0o644);
    await expect(createApp(configIn(dir), { eventStoreThreads: false })).rejects.toThrow(
      /audit-signing\.pem is accessible by group or others/,
    );
  });
});
