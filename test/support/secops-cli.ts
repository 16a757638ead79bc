import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './services.ts';

/** How a `secops` run ended. */
export interface SecopsResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SecopsOptions {
  /** Added to the environment (`LOG_LEVEL=warn` and the test process's own by default). */
  readonly env?: Record<string, string>;
  /** Only `PATH`, `LOG_LEVEL` and `env`: nothing of the test process's environment leaks in. */
  readonly isolated?: boolean;
  /** Standard input; without it the command reads none. */
  readonly input?: string;
}

const SECOPS = join(repoRoot, 'bin', 'secops');

function environment(options: SecopsOptions): NodeJS.ProcessEnv {
  const base = options.isolated === true ? { PATH: process.env.PATH ?? '' } : process.env;
  return { ...base, LOG_LEVEL: 'warn', ...options.env };
}

/** Runs the real `secops` command, as a user would, and waits for it (blocking this process). */
export function runSecops(args: readonly string[], options: SecopsOptions = {}): SecopsResult {
  const result = spawnSync(process.execPath, [SECOPS, ...args], {
    cwd: repoRoot,
    env: environment(options),
    encoding: 'utf8',
    ...(options.input === undefined
      ? { stdio: ['ignore', 'pipe', 'pipe'] }
      : { input: options.input }),
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs the real `secops` command without blocking this process: for commands that talk to a
 * server the test runs in process.
 */
export function runSecopsAsync(
  args: readonly string[],
  options: Omit<SecopsOptions, 'input'> = {},
): Promise<SecopsResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SECOPS, ...args], {
      cwd: repoRoot,
      env: environment(options),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}
