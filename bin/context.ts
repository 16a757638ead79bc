import { isSecOpsError } from '../platform/errors/index.ts';
import { loadConfig } from '../platform/config/index.ts';
import type { Config } from '../platform/config/index.ts';

/** Options every command accepts for where the platform keeps its data. */
export interface CommonOptions {
  readonly config?: string;
  readonly dataDir?: string;
}

/** Loads the configuration once: file and environment, then the command's flags. */
export function configFor(options: CommonOptions, overrides: Record<string, unknown> = {}): Config {
  return loadConfig({
    env: process.env,
    file: options.config,
    overrides: {
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      ...overrides,
    },
  });
}

/** Exit codes: 0 success, 1 the work failed, 2 bad usage or input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Prints an error for people (message, then each field issue) and returns its exit code. */
export function reportError(err: unknown): number {
  if (isSecOpsError(err)) {
    process.stderr.write(`secops: ${err.message}\n`);
    for (const issue of err.issues)
      if (!err.message.includes(issue.path))
        process.stderr.write(`  - ${issue.path}: ${issue.message}\n`);
    return err.kind === 'invalid' || err.kind === 'not_found' ? EXIT.usage : EXIT.failed;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`secops: ${message}\n`);
  return EXIT.failed;
}

/** Runs a command body with uniform error reporting and exit codes. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<number | undefined>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = (await fn(...args)) ?? EXIT.ok;
    } catch (err) {
      process.exitCode = reportError(err);
    }
  };
}
