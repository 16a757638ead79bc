import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import type { FieldIssue } from '../../platform/errors/index.ts';
import { DetectionError } from '../errors.ts';
import type { EventFilter, FieldCondition } from './event-filter.ts';
import type { FieldMapSpec } from './field-paths.ts';
import type { Logsource } from './logsource.ts';
import { mappingFileSchema } from './mapping-schema.ts';
import type { MappingFileData } from './mapping-schema.ts';
import { locate } from './yaml-location.ts';

/** A mapping data file's name (for messages) and text. */
export interface MappingSource {
  readonly name: string;
  readonly text: string;
}

/** One declared logsource of a data file, validated, with where it was declared. */
export interface MappingEntry {
  readonly logsource: Logsource;
  readonly description: string | undefined;
  readonly filter: EventFilter;
  readonly fields: FieldMapSpec | undefined;
  readonly defaults: readonly string[] | undefined;
  readonly file: string;
  readonly line: number;
}

/**
 * Parses and validates one data file. Throws `DETECTION_MAPPING_INVALID` naming the file, the
 * line and column, and the offending field (`logsources[3].filter[0]`).
 */
export function parseMappingFile(source: MappingSource): MappingEntry[] {
  const lines = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter: lines, uniqueKeys: true });
  const [syntax] = doc.errors;
  if (syntax !== undefined) {
    const position = syntax.linePos?.[0] ?? { line: 1, col: 1 };
    const message = syntax.message.split('\n')[0] ?? syntax.message;
    throw invalid(source.name, position.line, position.col, '', `not valid YAML: ${message}`);
  }
  const parsed = mappingFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) throw toError(source.name, doc, lines, parsed.error.issues);
  return toEntries(parsed.data, source.name, doc, lines);
}

function toEntries(
  data: MappingFileData,
  file: string,
  doc: Document,
  lines: LineCounter,
): MappingEntry[] {
  return data.logsources.map((entry, index) => ({
    logsource: {
      ...(entry.product === undefined ? {} : { product: entry.product }),
      ...(entry.category === undefined ? {} : { category: entry.category }),
      ...(entry.service === undefined ? {} : { service: entry.service }),
    },
    description: entry.description,
    filter: entry.filter === 'all' ? null : entry.filter.map(toClause),
    fields: entry.fields,
    defaults: entry.default,
    file,
    line: locate(doc, lines, ['logsources', index]).line,
  }));
}

function toClause(
  clause: Readonly<Record<string, { oneOf: string[] } | { exists: boolean }>>,
): FieldCondition[] {
  return Object.entries(clause).map(([field, test]) =>
    'exists' in test ? { field, exists: test.exists } : { field, oneOf: test.oneOf },
  );
}

function toError(
  file: string,
  doc: Document,
  lines: LineCounter,
  issues: readonly z.core.$ZodIssue[],
): DetectionError {
  const described = flattenUnions(issues, []).map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = keys.length > 0 ? [...issue.path, keys[0] ?? ''] : issue.path;
    const atKey = keys.length > 0 || issue.code === 'invalid_key';
    const position = locate(doc, lines, path, atKey);
    return { field: formatPath(path), message: issue.message, position };
  });
  const [first] = described;
  if (first === undefined) return invalid(file, 1, 1, '', 'invalid mapping file');
  const { line, column } = first.position;
  return invalid(
    file,
    line,
    column,
    first.field,
    first.message,
    described.map((issue) => ({
      path: `${file}:${issue.position.line}:${issue.position.column} ${issue.field}`,
      message: issue.message,
    })),
  );
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

/**
 * The error for a problem at a place in a file: the message starts with `file:line:column:` and
 * the field; `details` holds the same as data. `issues` lists every problem when there are more.
 */
export function invalid(
  file: string,
  line: number,
  column: number,
  field: string,
  message: string,
  issues?: readonly FieldIssue[],
): DetectionError {
  const where = field === '' ? '' : ` ${field}:`;
  return new DetectionError(
    'DETECTION_MAPPING_INVALID',
    `${file}:${line}:${column}:${where} ${message}`,
    {
      details: { file, line, column, field },
      issues: issues ?? [{ path: `${file}:${line}:${column} ${field}`, message }],
    },
  );
}

/** `logsources[3].filter[0]["event.code"]`: dotted names are quoted, being one key. */
function formatPath(path: readonly PropertyKey[]): string {
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
