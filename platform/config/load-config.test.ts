import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlatformError } from '../errors/index.ts';
import { loadConfig } from './index.ts';

function configFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'secops-config-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function expectConfigError(fn: () => unknown): PlatformError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    return err as PlatformError;
  }
  throw new Error('expected a configuration error');
}

describe('loadConfig', () => {
  it('gives the embedded defaults with nothing set', () => {
    const config = loadConfig({ env: {} });
    expect(config.server.port).toBe(8080);
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.database.url).toBeUndefined();
    expect(config.events.durability).toBe('full');
    expect(config.syslog.tcp).toBe('');
    expect(Object.isFrozen(config.server)).toBe(true);
  });

  it('layers file < env < overrides and coerces strings from the environment', () => {
    const file = configFile(
      'secops.yaml',
      'server:\n  port: 9000\n  host: 0.0.0.0\nevents:\n  retentionDays: 7\n',
    );
    const config = loadConfig({
      env: {
        SECOPS_PORT: '9100',
        SECOPS_TRUST_PROXY: '10.0.0.0/8',
        SECOPS_BOOTSTRAP_DEFAULT_SOURCE: 'off',
      },
      file,
      overrides: { 'events.retentionDays': 3 },
    });
    expect(config.server.port).toBe(9100);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.server.trustProxy).toBe('10.0.0.0/8');
    expect(config.events.retentionDays).toBe(3);
    expect(config.bootstrap.createDefaultSource).toBe(false);
  });

  it('lets the specific variable win over its alias', () => {
    expect(loadConfig({ env: { PORT: '1', SECOPS_PORT: '2' } }).server.port).toBe(2);
    expect(loadConfig({ env: { PORT: '3' } }).server.port).toBe(3);
  });

  it('names the key and the variable that carried a bad value', () => {
    const err = expectConfigError(() => loadConfig({ env: { SECOPS_PORT: 'eighty' } }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues[0]?.path).toBe('server.port');
    expect(err.message).toContain('server.port');
    expect(err.message).toContain('env SECOPS_PORT');
  });

  it('names unknown keys in a config file', () => {
    const file = configFile('secops.yaml', 'server:\n  prot: 80\n');
    const err = expectConfigError(() => loadConfig({ env: {}, file }));
    expect(err.issues[0]?.path).toBe('server.prot');
    expect(err.message).toContain(`config file ${file}`);
  });

  it('names the line of a config file that does not parse', () => {
    const file = configFile('secops.yaml', 'server:\n  port: [1,\n');
    const err = expectConfigError(() => loadConfig({ env: {}, file }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(/line \d+/);
  });

  it('rejects a database URL that is not PostgreSQL', () => {
    const err = expectConfigError(() => loadConfig({ env: { DATABASE_URL: 'mysql://x/y' } }));
    expect(err.issues[0]?.path).toBe('database.url');
  });

  it('rejects a malformed listener address', () => {
    const err = expectConfigError(() => loadConfig({ env: { SECOPS_SYSLOG_TCP: '5514' } }));
    expect(err.issues[0]?.path).toBe('syslog.tcp');
  });

  it('reports an unreadable config file', () => {
    const err = expectConfigError(() =>
      loadConfig({ env: { SECOPS_CONFIG: '/nonexistent/secops.yaml' } }),
    );
    expect(err.code).toBe('CONFIG_FILE_UNREADABLE');
  });

  it('reads JSON config files too', () => {
    const file = configFile('secops.json', JSON.stringify({ log: { level: 'debug' } }));
    expect(loadConfig({ env: {}, file }).log.level).toBe('debug');
  });
});
