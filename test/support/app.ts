import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../app/index.ts';
import type { App, AppOptions, BootstrapSecrets, StartedApp } from '../../app/index.ts';
import { loadConfig } from '../../platform/config/index.ts';

export interface TestApp {
  readonly app: App;
  readonly started: StartedApp;
  readonly url: string;
  readonly dir: string;
  readonly adminToken: string;
  readonly ingestToken: string;
  /** Lines the app logged, parsed (to check nothing secret was written). */
  readonly logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/**
 * Starts the whole platform in this process on a fresh data directory and a free port, with
 * the embedded stores, as a user would get it from `secops serve`.
 */
export async function startTestApp(
  overrides: Record<string, unknown> = {},
  options: AppOptions = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'secops-app-'));
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: dir,
      'server.port': 0,
      'log.level': 'debug',
      'events.durability': 'normal',
      'server.shutdownGraceMs': 2000,
      ...overrides,
    },
  });
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  let secrets: BootstrapSecrets | undefined;
  const app = await createApp(config, {
    logDestination: destination,
    onBootstrap: (s) => {
      secrets = s;
    },
    ...options,
  });
  const started = await app.start();
  const adminToken = secrets?.adminToken ?? '';
  const ingestToken = secrets?.sourceTokens.find((s) => s.name === 'default')?.token ?? '';
  let stopped = false;
  return {
    app,
    started,
    url: started.url,
    dir,
    adminToken,
    ingestToken,
    logs,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.stop('test finished');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
