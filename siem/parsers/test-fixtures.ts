import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type {
  EcsDocument,
  JsonValue,
  ParseContext,
  ParseResult,
  Parser,
  RawRecord,
} from './parser.ts';

/** Test support: loading fixtures and reading parse results. Not used by the parsers. */

const root = new URL('./fixtures/', import.meta.url);

export interface LineFixture {
  readonly name: string;
  readonly line: string;
  readonly source?: string;
  readonly path?: string;
}

/** A JSON fixture file as a JSON record. */
export function jsonRecord(file: string): RawRecord {
  return {
    kind: 'json',
    value: JSON.parse(readFileSync(new URL(file, root), 'utf8')) as JsonValue,
  };
}

/** A fixture file's text as one text record, byte for byte. */
export function textRecord(file: string): RawRecord {
  return { kind: 'text', text: readFileSync(new URL(file, root), 'utf8') };
}

/** The cases of a line-fixture file (`[{ name, line, source }]`). */
export function lineFixtures(file: string): LineFixture[] {
  return JSON.parse(readFileSync(new URL(file, root), 'utf8')) as LineFixture[];
}

/** One named line of a line-fixture file, as a text record. */
export function lineRecord(file: string, name: string): RawRecord {
  const found = lineFixtures(file).find((fixture) => fixture.name === name);
  if (found === undefined) throw new Error(`no fixture ${name} in ${file}`);
  return { kind: 'text', text: found.line };
}

/** 2024-01-03T12:00:00Z, with a syslog peer. */
export const context: ParseContext = {
  receivedAt: Date.UTC(2024, 0, 3, 12, 0, 0),
  peer: { address: '192.0.2.10', port: 51514, transport: 'udp' },
};

/** Parses and expects success; returns the events. */
export function parseOk(
  parser: Parser,
  record: RawRecord,
  ctx: ParseContext = context,
): EcsDocument[] {
  const result = parser.parse(record, ctx);
  if (!result.ok) expect.fail(`expected success, got: ${result.error.message}`);
  return result.events;
}

/** Parses and expects exactly one event. */
export function parseOne(
  parser: Parser,
  record: RawRecord,
  ctx: ParseContext = context,
): EcsDocument {
  const events = parseOk(parser, record, ctx);
  expect(events).toHaveLength(1);
  const [event] = events;
  if (event === undefined) return expect.fail('no event');
  return event;
}

/** Parses and expects a failure; returns it. */
export function parseError(
  parser: Parser,
  record: RawRecord,
  ctx: ParseContext = context,
): Extract<ParseResult, { ok: false }>['error'] {
  const result = parser.parse(record, ctx);
  if (result.ok)
    return expect.fail(`expected a failure, got ${JSON.stringify(result.events).slice(0, 300)}`);
  return result.error;
}

/** The value at a dotted path of a document (`field(doc, 'source.ip')`, `field(doc, 'tags.0')`). */
export function field(doc: JsonValue | undefined, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = doc;
  for (const segment of path.split('.')) {
    if (Array.isArray(current))
      current = /^\d+$/.test(segment) ? current[Number(segment)] : undefined;
    else if (typeof current === 'object' && current !== null)
      current = Object.hasOwn(current, segment) ? current[segment] : undefined;
    else return undefined;
  }
  return current;
}

/** True when a value is plain JSON all the way down (no undefined, NaN, functions or symbols). */
export function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(value).every(isPlainJson);
  }
  return false;
}

/** The string at a dotted path; fails the test when it is not a string. */
export function fieldText(doc: JsonValue | undefined, path: string): string {
  const value = field(doc, path);
  if (typeof value !== 'string')
    return expect.fail(`${path} is ${JSON.stringify(value)}, not a string`);
  return value;
}
