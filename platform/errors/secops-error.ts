/**
 * What kind of failure an error is, independent of any transport. The API layer maps kinds to
 * HTTP status codes in one place; domain code never mentions HTTP.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported'
  | 'overloaded'
  | 'unavailable'
  | 'internal';

/** A single field-level problem, for validation errors that list each failing field. */
export interface FieldIssue {
  /** Dotted path of the offending field, or a position such as `line 3`. */
  readonly path: string;
  readonly message: string;
}

export interface SecOpsErrorOptions {
  readonly cause?: unknown;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly issues?: readonly FieldIssue[];
}

/**
 * Base class of every domain error. Each module extends it with its own typed code union, so
 * tests and callers branch on `code`, never on the message.
 */
export class SecOpsError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly kind: ErrorKind;
  readonly details: Readonly<Record<string, unknown>>;
  readonly issues: readonly FieldIssue[];

  constructor(code: Code, kind: ErrorKind, message: string, options: SecOpsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = kind;
    this.details = options.details ?? {};
    this.issues = options.issues ?? [];
  }
}

/** Type guard for any SecOps domain error. */
export function isSecOpsError(value: unknown): value is SecOpsError {
  return value instanceof SecOpsError;
}

/**
 * Declares a module's error codes with their kinds and returns a class whose constructor only
 * accepts those codes. Keeps code → kind in one table per module.
 */
export function defineErrors<const Table extends Readonly<Record<string, ErrorKind>>>(
  name: string,
  table: Table,
): new (
  code: Extract<keyof Table, string>,
  message: string,
  options?: SecOpsErrorOptions,
) => SecOpsError<Extract<keyof Table, string>> {
  const ModuleError = class extends SecOpsError<Extract<keyof Table, string>> {
    constructor(code: Extract<keyof Table, string>, message: string, options?: SecOpsErrorOptions) {
      super(code, table[code] ?? 'internal', message, options);
      this.name = name;
    }
  };
  Object.defineProperty(ModuleError, 'name', { value: name });
  return ModuleError;
}
