import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './services.ts';

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the process printed on stdout so far. */
  readonly stdout: () => string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
}

/**
 * Runs `secops serve` as a real child process on a data directory and a free port, the way an
 * operator runs it, and waits until it listens.
 */
export async function startServerProcess(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'secops'), 'serve'], {
    cwd: repoRoot,
    env: { ...process.env, SECOPS_DATA_DIR: dataDir, SECOPS_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in time:\n${out}\n${err}`)),
      60_000,
    );
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${String(code)}) before listening:\n${out}\n${err}`));
    });
  });
  return { child, url, stdout: () => out, exited };
}

/** The tokens a first start printed. */
export function bootstrapTokens(stdout: string): { admin: string; ingest: string } {
  const admin = /admin API token \(bootstrap-admin\):\s+(sat_\S+)/.exec(stdout)?.[1];
  const ingest = /ingest token for source "default":\s+(sct_\S+)/.exec(stdout)?.[1];
  if (!admin || !ingest) throw new Error(`no bootstrap tokens in:\n${stdout}`);
  return { admin, ingest };
}
