import type { JsonValue } from '../parsers/index.ts';
import type { IngestItem } from './ingest-pipeline.ts';

/**
 * An ingest item from a parsed JSON value, which must be an object; `where` names the record in
 * the error (`line 3`, `file.log:3`, `item 0`). `raw` is the received text, for content ids.
 */
export function objectItem(value: JsonValue, raw: string | undefined, where: string): IngestItem {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: { code: 'SIEM_PARSE_FAILED', message: `${where}: expected a JSON object` } };
  }
  return raw === undefined
    ? { record: { kind: 'json', value } }
    : { record: { kind: 'json', value }, raw };
}

/** An ingest item from text that should hold one JSON object; a bad one fails alone. */
export function jsonObjectItem(text: string, where: string): IngestItem {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (err) {
    return {
      error: {
        code: 'SIEM_PARSE_FAILED',
        message: `${where}: not valid JSON (${(err as Error).message})`,
      },
    };
  }
  return objectItem(value, text, where);
}
