import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseRecord } from '../../siem/index.ts';
import type { EcsDocument, RawRecord } from '../../siem/index.ts';
import { MISSING, readField, toFieldPath } from '../sigma/event-fields.ts';
import type { ResolvedLogsource } from './logsource.ts';

/** Test support: events as our ingest parsers store them, and reading mapped fields. */

const root = new URL('./fixtures/', import.meta.url);

/** 2024-03-05T12:00:00Z. */
const context = { receivedAt: Date.UTC(2024, 2, 5, 12, 0, 0) };

/** The one event `auto` parses a record into; fails the test otherwise. */
export function parseOne(record: RawRecord): EcsDocument {
  const result = parseRecord(record, 'auto', context);
  if (!result.ok) return expect.fail(`parse failed: ${result.error.message}`);
  expect(result.events).toHaveLength(1);
  const [event] = result.events;
  if (event === undefined) return expect.fail('no event');
  return event;
}

/** A fixture file (JSON, or one JSON line) parsed as ingest would. */
export function fixtureEvent(file: string): EcsDocument {
  const text = readFileSync(new URL(file, root), 'utf8').trim();
  return parseOne({ kind: 'text', text });
}

/** A syslog (or any text) line parsed as ingest would. */
export function lineEvent(line: string): EcsDocument {
  return parseOne({ kind: 'text', text: line });
}

/** A JSON value parsed as ingest would. */
export function jsonEvent(value: Extract<RawRecord, { kind: 'json' }>['value']): EcsDocument {
  return parseOne({ kind: 'json', value });
}

/** The value a rule would see for a Sigma field: the first present path's, or `undefined`. */
export function fieldValue(source: ResolvedLogsource, doc: unknown, sigmaField: string): unknown {
  for (const path of source.fieldPaths(sigmaField)) {
    const value = readField(doc, toFieldPath(path));
    if (value !== MISSING) return value;
  }
  return undefined;
}
