/** A problem found in a correlation document, located by its path inside the document. */
export interface CorrelationIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Gathers every problem of a document, so one parse reports them all. */
export class RuleIssues {
  readonly issues: CorrelationIssue[] = [];
  /** The first valid-but-unimplemented feature met, when there is one. */
  unsupportedFeature: string | undefined;
  private invalidCount = 0;

  invalid(path: readonly (string | number)[], message: string): void {
    this.invalidCount += 1;
    this.issues.push({ path, message });
  }

  unsupported(feature: string, path: readonly (string | number)[], message: string): void {
    this.unsupportedFeature ??= feature;
    this.issues.push({ path, message: `unsupported: ${message}` });
  }

  /** True when the document breaks the specification (not merely uses an unsupported feature). */
  get hasInvalid(): boolean {
    return this.invalidCount > 0;
  }

  get isEmpty(): boolean {
    return this.issues.length === 0;
  }
}

/** A plain mapping (YAML map), not an array or null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property read, so `__proto__` or `constructor` keys never reach the prototype. */
export function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
