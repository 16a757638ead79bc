import { fail } from './parse-result.ts';
import type { ConcreteParserId } from './parse-result.ts';
import type {
  JsonValue,
  ParseContext,
  ParseResult,
  Parser,
  ParserId,
  RawRecord,
} from './parser.ts';
import { JSON_DETECTION_ORDER, TEXT_DETECTION_ORDER, parsers } from './registry.ts';

/**
 * The parser `auto` picks for a record, by shape: JSON records by a few keys, text records by
 * their first bytes. A text line that starts with `{` and parses as JSON is treated as JSON (file
 * inputs read NDJSON as text); a JSON string is treated as a line of text.
 */
export function detectParser(record: RawRecord): {
  readonly parser: Parser;
  readonly record: RawRecord;
} {
  if (record.kind === 'json') {
    if (typeof record.value === 'string') return detectParser({ kind: 'text', text: record.value });
    for (const parser of JSON_DETECTION_ORDER) if (parser.detect(record)) return { parser, record };
    return { parser: parsers.json, record };
  }
  const text = record.text;
  const first = text.charCodeAt(text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (first === 0x7b /* { */ || first === 0x5b /* [ */) {
    const json = asJson(text);
    if (json !== undefined) return detectParser(json);
  }
  for (const parser of TEXT_DETECTION_ORDER) if (parser.detect(record)) return { parser, record };
  return { parser: parsers.text, record };
}

function asJson(text: string): RawRecord | undefined {
  try {
    const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return typeof value === 'object' && value !== null
      ? { kind: 'json', value: value as JsonValue }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses one record with the named parser, or with the one `auto` detects. Never throws: an
 * unexpected exception inside a parser is returned as a failure of that parser.
 */
export function parseRecord(
  record: RawRecord,
  parserId: ParserId,
  context: ParseContext,
): ParseResult {
  let id: ConcreteParserId = parserId === 'auto' ? 'text' : parserId;
  try {
    if (parserId !== 'auto') return parsers[parserId].parse(record, context);
    const detected = detectParser(record);
    id = detected.parser.id;
    return detected.parser.parse(detected.record, context);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unknown error';
    return fail(id, `internal parser error (${reason})`);
  }
}
