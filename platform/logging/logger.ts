import { pino } from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';

/** The logger every module takes as a dependency (pino's interface). */
export type Logger = PinoLogger;

export interface CreateLoggerOptions {
  readonly level: string;
  readonly name?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  readonly destination?: DestinationStream;
  /**
   * Masks secrets inside string values (not only under secret-named keys). The platform passes
   * its secret scanner here; the logger itself knows no rules.
   */
  readonly redactText?: (text: string) => string;
  /** Decides whether a key names a secret (its whole value is masked). */
  readonly isSecretKey?: (key: string) => boolean;
}

const CENSOR = '[REDACTED]';

/** Secret-bearing keys masked by pino's fast path even when no predicate is given. */
const SECRET_PATHS = [
  'password',
  'token',
  'secret',
  'apiKey',
  'authorization',
  'cookie',
  '*.password',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.authorization',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

const DEFAULT_SECRET_KEY =
  /^(pass(word|wd)?|pwd|secret|token|api[-_]?key|authorization|cookie|set-cookie|client[-_]?secret|private[-_]?key|access[-_]?token|refresh[-_]?token)$/i;

/**
 * Creates a pino logger that never writes secrets: secret-named keys at any depth are masked,
 * and, when `redactText` is given, secrets inside any string are masked too.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const isSecretKey = options.isSecretKey ?? ((key: string) => DEFAULT_SECRET_KEY.test(key));
  const redactText = options.redactText;
  const scrub = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (typeof value === 'string') return redactText ? redactText(value) : value;
    if (value === null || typeof value !== 'object' || depth > 8) return value;
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    if (value instanceof Error) return scrubError(value, (v) => scrub(v, depth + 1, seen));
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretKey(k) && v != null && v !== '' ? CENSOR : scrub(v, depth + 1, seen);
    }
    return out;
  };
  return pino(
    {
      level: options.level,
      base:
        options.name === undefined
          ? { pid: process.pid }
          : { pid: process.pid, name: options.name },
      redact: { paths: SECRET_PATHS, censor: CENSOR },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrub(object, 0, new WeakSet()) as Record<string, unknown>,
      },
      hooks: redactText
        ? {
            logMethod(args, method) {
              const scrubbed = args.map((a) => (typeof a === 'string' ? redactText(a) : a));
              method.apply(this, scrubbed as Parameters<typeof method>);
            },
          }
        : {},
    },
    options.destination,
  );
}

function scrubError(error: Error, scrub: (v: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { type: error.name, message: scrub(error.message) };
  if (error.stack) out.stack = scrub(error.stack);
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (error.cause !== undefined) out.cause = scrub(error.cause);
  return out;
}
