import { describe, expect, it } from 'vitest';
import { field, lineRecord, parseError, parseOne } from './test-fixtures.ts';
import { textParser } from './text.ts';

describe('text parser', () => {
  it('keeps the line as the message at the receive time', () => {
    const doc = parseOne(textParser, lineRecord('text/lines.json', 'plain'));
    expect(doc).toEqual({
      '@timestamp': '2024-01-03T12:00:00.000Z',
      ecs: { version: '8.17.0' },
      event: { kind: 'event' },
      message: '2024-01-02 03:04:05,678 INFO [main] com.example.App - started in 1.2s',
      log: { source: { address: '192.0.2.10:51514' } },
      related: { ip: ['192.0.2.10'] },
    });
  });

  it('drops the line terminator and a BOM, keeps unicode', () => {
    expect(parseOne(textParser, lineRecord('text/lines.json', 'crlf')).message).toBe(
      'Windows line ending',
    );
    expect(parseOne(textParser, lineRecord('text/lines.json', 'bom')).message).toBe('after a BOM');
    expect(parseOne(textParser, lineRecord('text/lines.json', 'unicode')).message).toBe(
      'Zürich ✓ 東京 — ok',
    );
  });

  it('keeps a JSON record whole as its JSON text', () => {
    expect(parseOne(textParser, { kind: 'json', value: { a: [1, 'b'] } }).message).toBe(
      '{"a":[1,"b"]}',
    );
    expect(parseOne(textParser, { kind: 'json', value: 'plain string' }).message).toBe(
      'plain string',
    );
  });

  it('rejects an empty record', () => {
    expect(parseError(textParser, { kind: 'text', text: '' })).toEqual({
      parser: 'text',
      message: 'empty record',
    });
    expect(field(parseOne(textParser, { kind: 'text', text: '   ' }), 'message')).toBe('   ');
  });
});
