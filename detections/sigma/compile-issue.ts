/**
 * Why a rule does not compile. `invalid`: the rule breaks the specification. `unsupported`: a
 * valid feature this engine does not implement (the rule is reported and not loaded, never run
 * with a wrong meaning). `path` points into the YAML document, for the line number.
 */
export class CompileIssue extends Error {
  override readonly name = 'CompileIssue';
  readonly kind: 'invalid' | 'unsupported';
  /** For `unsupported`: the feature, as counted in reports (`re`, `placeholder`, `action`). */
  readonly feature: string;
  readonly path: readonly (string | number)[];

  constructor(
    kind: 'invalid' | 'unsupported',
    feature: string,
    message: string,
    path: readonly (string | number)[] = [],
  ) {
    super(message);
    this.kind = kind;
    this.feature = feature;
    this.path = path;
  }

  static invalid(message: string, path: readonly (string | number)[] = []): CompileIssue {
    return new CompileIssue('invalid', 'invalid', message, path);
  }

  static unsupported(
    feature: string,
    message: string,
    path: readonly (string | number)[] = [],
  ): CompileIssue {
    return new CompileIssue('unsupported', feature, message, path);
  }

  /** The same issue, located at `path` unless it already has a more precise location. */
  at(path: readonly (string | number)[]): CompileIssue {
    return this.path.length >= path.length
      ? this
      : new CompileIssue(this.kind, this.feature, this.message, path);
  }
}

export function isCompileIssue(err: unknown): err is CompileIssue {
  return err instanceof CompileIssue;
}
