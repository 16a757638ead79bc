import { isPlaceholderValue, isSecretFieldName } from '../../platform/redaction/index.ts';
import type { SecretScanner } from '../../platform/redaction/index.ts';
import { SiemError } from '../errors.ts';
import type { EcsDocument, JsonObject, JsonValue } from '../parsers/parser.ts';

/** One secret masked in an event: where (dotted path, array indices omitted) and by which rule. */
export interface EventRedaction {
  readonly field: string;
  readonly rule: string;
}

/** Rule id recorded when a value is masked because of its field name rather than its content. */
export const SECRET_FIELD_RULE = 'secret-field';
const SECRET_FIELD_MASK = `[REDACTED:${SECRET_FIELD_RULE}]`;

/** Deeper than any real event; reaching it means a cycle or a hostile document. */
const MAX_DEPTH = 10_000;

interface Frame {
  readonly node: JsonObject | JsonValue[];
  /** The field this node is the value of, and its parent frame: paths are built only on demand. */
  readonly key: string;
  readonly parent: Frame | undefined;
  /** Inside a field whose name is secret-bearing: every string below it is masked whole. */
  readonly secret: boolean;
  readonly depth: number;
}

/** The dotted path of `key` inside `frame` (array indices omitted). */
function pathOf(frame: Frame | undefined, key: string): string {
  const parts: string[] = [];
  for (let f = frame; f !== undefined; f = f.parent) if (f.key !== '') parts.push(f.key);
  parts.reverse();
  if (key !== '') parts.push(key);
  return parts.join('.');
}

/** Field names repeat across events; their verdict is remembered (bounded). */
const secretNames = new Map<string, boolean>();
function secretName(key: string): boolean {
  let verdict = secretNames.get(key);
  if (verdict === undefined) {
    verdict = isSecretFieldName(key);
    if (secretNames.size >= 50_000) secretNames.clear();
    secretNames.set(key, verdict);
  }
  return verdict;
}

/**
 * Masks secrets in an ECS document **in place** (the caller owns it; copying every event would
 * double the allocation on the hot path) and returns what it masked, never the secrets.
 *
 * - Every string value is scanned, in nested objects and arrays, except `@timestamp` and
 *   `event.id` (see isIdentityField); found secrets become `[REDACTED:<rule-id>]`.
 * - A string under a secret-bearing field name (`isSecretFieldName` on the last path segment,
 *   e.g. `user.password`, `http.request.headers.authorization`) is replaced whole by
 *   `[REDACTED:secret-field]`, and so is every string nested below such a field.
 * - Numbers, booleans, null and object keys are left as they are.
 * - Records `{ field, rule }` pairs under `secops.redactions` (merged with any already there,
 *   each pair once; array indices are omitted from paths), only when something was masked.
 *
 * Records are listed breadth-first, in the order found. Running it twice changes nothing the
 * second time. Throws `SIEM_INVALID_EVENT` for a document
 * nested deeper than 10,000 levels, which only a cycle or a hostile input produces.
 */
export function redactEvent(doc: EcsDocument, scanner: SecretScanner): EventRedaction[] {
  const found: EventRedaction[] = [];
  const record = (field: string, rule: string): void => {
    if (!found.some((r) => r.field === field && r.rule === rule)) found.push({ field, rule });
  };
  // Breadth-first with a moving head: no recursion (hostile nesting cannot overflow the stack)
  // and a stable order of records.
  const queue: Frame[] = [{ node: doc, key: '', parent: undefined, secret: false, depth: 0 }];
  for (let head = 0, frame = queue[0]; frame !== undefined; frame = queue[++head]) {
    if (frame.depth > MAX_DEPTH) {
      throw new SiemError('SIEM_INVALID_EVENT', `event is nested deeper than ${MAX_DEPTH} levels`, {
        details: { path: pathOf(frame, '') },
      });
    }
    const { node, depth } = frame;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const value = node[i];
        if (typeof value === 'string') {
          const masked = maskString(value, frame, '', frame.secret, scanner, record);
          if (masked !== undefined) node[i] = masked;
        } else if (value !== null && typeof value === 'object') {
          queue.push({
            node: value,
            key: '',
            parent: frame,
            secret: frame.secret,
            depth: depth + 1,
          });
        }
      }
      continue;
    }
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (value === undefined || value === null) continue;
      const isString = typeof value === 'string';
      if (!isString && typeof value !== 'object') continue;
      const secret = frame.secret || secretName(key);
      if (isString) {
        if (isIdentityField(frame, key)) continue;
        const masked = maskString(value, frame, key, secret, scanner, record);
        if (masked !== undefined) node[key] = masked;
      } else {
        queue.push({ node: value, key, parent: frame, secret, depth: depth + 1 });
      }
    }
  }
  if (found.length > 0) recordOnEvent(doc, found);
  return found;
}

/**
 * Fields the pipeline has already turned into identities before redaction runs: `@timestamp` is
 * a normalised ISO date and cannot hold a secret; `event.id` is already the storage key, so
 * masking the copy in the document would hide nothing and desynchronise the two. Tested without
 * building the path.
 */
function isIdentityField(frame: Frame, key: string): boolean {
  if (frame.parent === undefined) return key === '@timestamp';
  return (
    key === 'id' &&
    frame.key === 'event' &&
    frame.parent.parent === undefined &&
    !Array.isArray(frame.node)
  );
}

/** The masked value, or undefined when the string stays as it is. */
function maskString(
  value: string,
  frame: Frame,
  key: string,
  secret: boolean,
  scanner: SecretScanner,
  record: (field: string, rule: string) => void,
): string | undefined {
  if (secret) {
    if (isPlaceholderValue(value)) return undefined;
    record(pathOf(frame, key), SECRET_FIELD_RULE);
    return SECRET_FIELD_MASK;
  }
  const result = scanner.redact(value);
  if (result.rules.length === 0) return undefined;
  const field = pathOf(frame, key);
  for (const rule of result.rules) record(field, rule);
  return result.text;
}

/** Appends to `secops.redactions`; `secops` is the platform's namespace and is made an object. */
function recordOnEvent(doc: EcsDocument, found: readonly EventRedaction[]): void {
  const current = doc.secops;
  const secops: JsonObject =
    current !== null && typeof current === 'object' && !Array.isArray(current) ? current : {};
  doc.secops = secops;
  const merged: EventRedaction[] = [];
  const previous = Array.isArray(secops.redactions) ? secops.redactions : [];
  for (const entry of [...previous.filter(isRedactionRecord), ...found]) {
    if (!merged.some((r) => r.field === entry.field && r.rule === entry.rule)) {
      merged.push({ field: entry.field, rule: entry.rule });
    }
  }
  secops.redactions = merged.map(({ field, rule }) => ({ field, rule }));
}

function isRedactionRecord(value: JsonValue): value is { field: string; rule: string } {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof value.field === 'string' &&
    typeof value.rule === 'string'
  );
}
