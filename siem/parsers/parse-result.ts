import { SiemError } from '../errors.ts';
import type {
  EcsDocument,
  JsonValue,
  ParseFailure,
  ParseResult,
  ParserId,
  RawRecord,
} from './parser.ts';

export type ConcreteParserId = Exclude<ParserId, 'auto'>;

export function succeed(parser: ConcreteParserId, events: EcsDocument[]): ParseResult {
  return { ok: true, events, parser };
}

/** A failure whose message starts with the path it names (`Records[3].eventTime: ...`). */
export function fail(parser: ConcreteParserId, message: string, path?: string): ParseResult {
  if (path === undefined || path === '') return { ok: false, error: { parser, message } };
  return { ok: false, error: { parser, message: `${path}: ${message}`, path } };
}

/** Dotted path of a member: `childPath('Records[3]', 'eventTime')`, `childPath('', 'items')`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** The module error for a parse failure, for callers that report failures by throwing. */
export function toSiemError(failure: ParseFailure): SiemError {
  const details: Record<string, unknown> = { parser: failure.parser };
  if (failure.path !== undefined) details.path = failure.path;
  return new SiemError('SIEM_PARSE_FAILED', failure.message, {
    details,
    issues: [{ path: failure.path ?? '', message: failure.message }],
  });
}

export type JsonInput =
  | { readonly ok: true; readonly value: JsonValue }
  | { readonly ok: false; readonly message: string };

/** The record as JSON: JSON records as they are, text records parsed (file inputs send text). */
export function jsonOf(record: RawRecord): JsonInput {
  if (record.kind === 'json') return { ok: true, value: record.value };
  try {
    return { ok: true, value: JSON.parse(record.text) as JsonValue };
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'unreadable';
    return { ok: false, message: `not valid JSON (${reason})` };
  }
}

/** The record as text: text records, or JSON records that are a bare string. */
export function textOf(record: RawRecord): string | undefined {
  if (record.kind === 'text') return record.text;
  return typeof record.value === 'string' ? record.value : undefined;
}

/** Drops one trailing line terminator (LF, CRLF or CR) and a leading byte-order mark. */
export function trimLine(text: string): string {
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  if (end > 0 && text.charCodeAt(end - 1) === 13) end--;
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
