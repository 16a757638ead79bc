import { describe, expect, it } from 'vitest';
import { jsonParser } from './json.ts';
import { field, jsonRecord, parseError, parseOk, parseOne } from './test-fixtures.ts';

describe('json parser', () => {
  it('keeps fields, takes the time from a common field and moves plain values off ECS field-set names', () => {
    const doc = parseOne(jsonParser, jsonRecord('json/app-log.json'));
    expect(doc).toEqual({
      '@timestamp': '2024-03-05T10:11:12.345Z',
      timestamp: '2024-03-05T10:11:12.345Z',
      level: 'error',
      logger: 'payments.api',
      message: 'charge failed',
      amount: 12.5,
      tags: ['billing'],
      json: { json: 1, user: 'alice', event: 'charge', error: 'card declined' },
      ecs: { version: '8.17.0' },
      event: { kind: 'event' },
    });
  });

  it('reads epoch seconds with a fraction (zap, logrus)', () => {
    const doc = parseOne(jsonParser, jsonRecord('json/zap-log.json'));
    expect(doc['@timestamp']).toBe('2024-03-05T10:11:12.123Z');
    expect(doc.ts).toBe(1709633472.123456);
    expect(doc.msg).toBe('listening');
  });

  it('scales epoch numbers by magnitude', () => {
    const at = (ts: number) => parseOne(jsonParser, { kind: 'json', value: { ts } })['@timestamp'];
    expect(at(1709633472)).toBe('2024-03-05T10:11:12.000Z');
    expect(at(1709633472123)).toBe('2024-03-05T10:11:12.123Z');
    expect(at(1709633472123456)).toBe('2024-03-05T10:11:12.123Z');
    expect(at(Number('1709633472123456789'))).toBe('2024-03-05T10:11:12.123Z');
  });

  it('keeps an unreadable @timestamp aside and uses the receive time', () => {
    const doc = parseOne(jsonParser, jsonRecord('json/no-time.json'));
    expect(doc['@timestamp']).toBe('2024-01-03T12:00:00.000Z');
    expect(field(doc, 'json.@timestamp')).toBe('yesterday');
    expect(doc.kind).toBe('heartbeat');
  });

  it('keeps an existing ECS version, event fields and a json object', () => {
    const doc = parseOne(jsonParser, {
      kind: 'json',
      value: { ecs: { version: '1.12.0' }, event: { kind: 'metric' }, json: { a: 1 }, user: 'x' },
    });
    expect(field(doc, 'ecs.version')).toBe('1.12.0');
    expect(field(doc, 'event.kind')).toBe('metric');
    expect(doc.json).toEqual({ a: 1, user: 'x' });
  });

  it('yields one event per object of a top-level array', () => {
    expect(parseOk(jsonParser, { kind: 'json', value: [{ a: 1 }, { b: 2 }] })).toHaveLength(2);
  });

  it('rejects scalars and non-object array members', () => {
    expect(parseError(jsonParser, { kind: 'json', value: 42 }).message).toBe(
      'expected a JSON object, got a number',
    );
    expect(parseError(jsonParser, { kind: 'json', value: [{}, 'x'] })).toEqual({
      parser: 'json',
      message: '[1]: expected a JSON object, got a string',
      path: '[1]',
    });
    expect(parseError(jsonParser, { kind: 'text', text: 'nope' }).message).toMatch(
      /^not valid JSON/,
    );
  });

  it('detects objects and arrays', () => {
    expect(jsonParser.detect({ kind: 'json', value: {} })).toBe(true);
    expect(jsonParser.detect({ kind: 'json', value: [] })).toBe(true);
    expect(jsonParser.detect({ kind: 'json', value: 'x' })).toBe(false);
    expect(jsonParser.detect({ kind: 'text', text: '{}' })).toBe(false);
  });
});
