import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import { locate } from './yaml-location.ts';
import type { TextPosition } from './yaml-location.ts';

/** One problem in a document: where it is, which field, and what is wrong. */
export interface DocumentProblem {
  readonly line: number;
  readonly column: number;
  /** `steps[2].with.url`; empty for the document itself. */
  readonly field: string;
  readonly message: string;
}

/** A validated document, with a way to find where any of its values was written. */
export interface ParsedDocument<T> {
  readonly ok: true;
  readonly data: T;
  readonly locate: (path: readonly PropertyKey[]) => TextPosition;
}

export type DocumentResult<T> =
  ParsedDocument<T> | { readonly ok: false; readonly problems: readonly DocumentProblem[] };

/**
 * Parses YAML (JSON is YAML) and validates it with a zod schema. Problems come back with the line
 * and column of the offending value (or key, for an unknown key), never as a thrown error, so
 * each caller raises its own module's error naming the file.
 */
export function parseYamlDocument<S extends z.ZodType>(
  text: string,
  schema: S,
): DocumentResult<z.output<S>> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const [syntax] = doc.errors;
  if (syntax !== undefined) {
    const position = syntax.linePos?.[0] ?? { line: 1, col: 1 };
    const message = syntax.message.split('\n')[0] ?? syntax.message;
    return {
      ok: false,
      problems: [
        {
          line: position.line,
          column: position.col,
          field: '',
          message: `not valid YAML: ${message}`,
        },
      ],
    };
  }
  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) return { ok: false, problems: toProblems(doc, lines, parsed.error.issues) };
  return { ok: true, data: parsed.data, locate: (path) => locate(doc, lines, path) };
}

/** Places zod issues in the text of `doc`. */
export function toProblems(
  doc: Document,
  lines: LineCounter,
  issues: readonly z.core.$ZodIssue[],
): DocumentProblem[] {
  return flattenUnions(issues, []).map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = keys.length > 0 ? [...issue.path, keys[0] ?? ''] : issue.path;
    const atKey = keys.length > 0 || issue.code === 'invalid_key';
    const { line, column } = locate(doc, lines, path, atKey);
    return { line, column, field: formatPath(path), message: issue.message };
  });
}

/**
 * Zod reports a value that fits no member of a union as one issue holding every member's issues.
 * Members the value is not even the right kind for are dropped; when one member is left, its own
 * issues (deeper and more specific) replace the union's.
 */
function flattenUnions(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[],
): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_key') {
      // A bad record key: its own issue says what is wrong with it.
      const message = issue.issues[0]?.message ?? issue.message;
      return [{ ...issue, path, message }];
    }
    if (issue.code !== 'invalid_union') return [{ ...issue, path }];
    const candidates = issue.errors.filter((member) => !member.every(isWrongKind));
    const [only] = candidates;
    return candidates.length === 1 && only !== undefined
      ? flattenUnions(only, path)
      : [{ ...issue, path }];
  });
}

function isWrongKind(issue: z.core.$ZodIssue): boolean {
  if (issue.path.length > 0) return false;
  if (issue.code === 'invalid_union')
    return issue.errors.every((member) => member.every(isWrongKind));
  return issue.code === 'invalid_type' || issue.code === 'invalid_value';
}

/** `logsources[3].filter[0]["event.code"]`: dotted names are quoted, being one key. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const name = String(segment);
      out += /^[A-Za-z_][\w-]*$/.test(name)
        ? `${out === '' ? '' : '.'}${name}`
        : `[${JSON.stringify(name)}]`;
    }
  }
  return out;
}
