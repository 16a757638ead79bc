import { parseYamlDocument } from '../../platform/documents/index.ts';
import type { DocumentProblem, ParsedDocument } from '../../platform/documents/index.ts';
import type { FieldIssue } from '../../platform/errors/index.ts';
import { DetectionError } from '../errors.ts';
import type { EventFilter, FieldCondition } from './event-filter.ts';
import type { FieldMapSpec } from './field-paths.ts';
import type { Logsource } from './logsource.ts';
import { mappingFileSchema } from './mapping-schema.ts';
import type { MappingFileData } from './mapping-schema.ts';

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
  const result = parseYamlDocument(source.text, mappingFileSchema);
  if (!result.ok) throw toError(source.name, result.problems);
  return toEntries(result.data, source.name, result.locate);
}

function toEntries(
  data: MappingFileData,
  file: string,
  where: ParsedDocument<MappingFileData>['locate'],
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
    line: where(['logsources', index]).line,
  }));
}

function toClause(
  clause: Readonly<Record<string, { oneOf: string[] } | { exists: boolean }>>,
): FieldCondition[] {
  return Object.entries(clause).map(([field, test]) =>
    'exists' in test ? { field, exists: test.exists } : { field, oneOf: test.oneOf },
  );
}

function toError(file: string, problems: readonly DocumentProblem[]): DetectionError {
  const [first] = problems;
  if (first === undefined) return invalid(file, 1, 1, '', 'invalid mapping file');
  return invalid(
    file,
    first.line,
    first.column,
    first.field,
    first.message,
    problems.map((problem) => ({
      path: `${file}:${problem.line}:${problem.column} ${problem.field}`,
      message: problem.message,
    })),
  );
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
