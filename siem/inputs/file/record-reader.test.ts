import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readFileRecords } from './record-reader.ts';
import type { FileRecord } from './record-reader.ts';

async function read(
  text: string,
  options: { layout?: 'json' | 'text'; maxRecordBytes?: number } = {},
): Promise<FileRecord[]> {
  const out: FileRecord[] = [];
  for await (const chunk of readFileRecords(Readable.from([Buffer.from(text)]), {
    name: 'f.log',
    maxRecordBytes: options.maxRecordBytes ?? 1 << 20,
    ...(options.layout ? { layout: options.layout } : {}),
  }))
    out.push(...chunk);
  return out;
}

const summary = (records: FileRecord[]) =>
  records.map((r) =>
    r.item.error
      ? `${String(r.line)}:error:${r.item.error.message}`
      : `${String(r.line)}:${JSON.stringify(r.item.record?.kind === 'json' ? r.item.record.value : r.item.record?.text)}`,
  );

describe('readFileRecords', () => {
  it('reads NDJSON and reports a broken line alone without swallowing the next', async () => {
    const records = await read('{"a":1}\n{"b": broken\n{"c":3}\n');
    expect(summary(records)).toEqual([
      '1:{"a":1}',
      expect.stringMatching(/^2:error:f\.log:2: not valid JSON/),
      '3:{"c":3}',
    ]);
  });

  it('reads evtx_dump JSON output: pretty objects after "Record N" lines', async () => {
    const pretty = (n: number) =>
      `Record ${String(n)}\n${JSON.stringify({ Event: { System: { EventID: n, Note: 'braces } { in "strings"' } } }, null, 2)}`;
    const records = await read(`${pretty(1)}\n${pretty(2)}\n`);
    expect(records.map((r) => r.line)).toEqual([2, 11]);
    expect(
      records.map((r) =>
        r.item.record?.kind === 'json'
          ? (r.item.record.value as { Event: { System: { EventID: number } } }).Event.System.EventID
          : null,
      ),
    ).toEqual([1, 2]);
  });

  it('reports a multi-line record left open at the end', async () => {
    const records = await read('{\n  "a": 1,\n');
    expect(summary(records)).toEqual([expect.stringMatching(/^1:error:f\.log:1: not valid JSON/)]);
  });

  it('refuses a line that is JSON but not an object', async () => {
    expect(summary(await read('[1,2]\n'))).toEqual(['1:error:f.log:1: expected a JSON object']);
  });

  it('reads text files line by line, whatever they contain', async () => {
    const records = await read(
      '<13>Jan  2 10:00:00 web cron[1]: a\nplain line\r\n\n{"not":"json here"}\n',
      { layout: 'text' },
    );
    expect(summary(records)).toEqual([
      '1:"<13>Jan  2 10:00:00 web cron[1]: a"',
      '2:"plain line"',
      '4:"{\\"not\\":\\"json here\\"}"',
    ]);
  });

  it('guesses the layout from the first line', async () => {
    expect((await read('Jan  2 10:00:00 web cron[1]: a\n'))[0]?.item.record?.kind).toBe('text');
    expect((await read('{"a":1}'))[0]?.item.record?.kind).toBe('json');
  });

  it('refuses an over-long record alone', async () => {
    const records = await read(`{"a":"${'x'.repeat(200)}"}\n{"b":2}\n`, { maxRecordBytes: 100 });
    expect(summary(records)).toEqual([
      expect.stringMatching(/^1:error:.*over the limit/),
      '2:{"b":2}',
    ]);
  });
});
