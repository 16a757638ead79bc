import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { PlatformError } from '../errors/index.ts';
import type { FieldIssue } from '../errors/index.ts';
import { configSchema, envBindings } from './schema.ts';
import type { Config } from './schema.ts';

export interface LoadConfigOptions {
  /** Environment to read; entry points pass `process.env`, tests pass their own. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Path of a YAML or JSON config file; falls back to `SECOPS_CONFIG` in `env`. */
  readonly file?: string | undefined;
  /** Values that win over file and env (CLI flags, tests). */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

type Origin = string;

/**
 * Builds the configuration from defaults < config file < environment < overrides, validates it
 * with one zod schema and returns it frozen. An invalid value throws `CONFIG_INVALID` whose
 * message names each bad key and where its value came from.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? {};
  const raw: Record<string, unknown> = {};
  const origins = new Map<string, Origin>();

  const file = options.file ?? nonEmpty(env.SECOPS_CONFIG);
  if (file !== undefined) {
    const fromFile = readConfigFile(file);
    for (const [key, value] of flatten(fromFile)) {
      setPath(raw, key, value);
      origins.set(key, `config file ${file}`);
    }
  }

  // Later bindings in the table are aliases; the first binding of a key wins when both are set.
  const seen = new Set<string>();
  for (const { env: name, key } of envBindings) {
    const value = nonEmpty(env[name]);
    if (value === undefined || seen.has(key)) continue;
    seen.add(key);
    setPath(raw, key, value);
    origins.set(key, `env ${name}`);
  }

  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    setPath(raw, key, value);
    origins.set(key, 'override');
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw toConfigError(parsed.error, origins);
  return deepFreeze(parsed.data);
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new PlatformError('CONFIG_FILE_UNREADABLE', `cannot read config file ${file}`, { cause });
  }
  let value: unknown;
  try {
    value = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    const where = describeParseError(cause);
    throw new PlatformError(
      'CONFIG_INVALID',
      `config file ${file}${where}: not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}`,
      { cause },
    );
  }
  if (value == null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new PlatformError(
      'CONFIG_INVALID',
      `config file ${file}: expected a mapping of keys at the top level`,
    );
  }
  return value as Record<string, unknown>;
}

function describeParseError(cause: unknown): string {
  if (typeof cause === 'object' && cause !== null && 'linePos' in cause) {
    const pos = (cause as { linePos?: readonly { line: number; col: number }[] }).linePos?.[0];
    if (pos) return ` line ${pos.line} column ${pos.col}`;
  }
  return '';
}

function toConfigError(error: z.ZodError, origins: ReadonlyMap<string, Origin>): PlatformError {
  const issues: FieldIssue[] = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const keys =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((k) => (path ? `${path}.${k}` : k))
        : [path];
    const key = keys.join(', ');
    const origin = keys.map((k) => origins.get(k)).find((o) => o !== undefined);
    const message =
      issue.code === 'unrecognized_keys' ? 'unknown configuration key' : issue.message;
    return { path: key || '(root)', message: origin ? `${message} (from ${origin})` : message };
  });
  const lines = issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n');
  return new PlatformError('CONFIG_INVALID', `invalid configuration:\n${lines}`, { issues });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function* flatten(value: Record<string, unknown>, prefix = ''): Generator<[string, unknown]> {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      yield* flatten(v as Record<string, unknown>, key);
    else yield [key, v];
  }
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object') node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] ?? key] = value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
