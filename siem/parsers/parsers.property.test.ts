import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRecord, parsers } from './index.ts';
import type { JsonValue, ParseContext, ParseResult, ParserId, RawRecord } from './index.ts';
import { isPlainJson } from './test-fixtures.ts';

const ids: ParserId[] = ['auto', ...(Object.keys(parsers) as ParserId[])];
const ctx: ParseContext = {
  receivedAt: Date.UTC(2024, 0, 3, 12),
  defaultYear: 2024,
  peer: { address: '192.0.2.1', port: 514 },
};
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Every result is well formed: JSON documents with a normalised @timestamp, or a named failure. */
function checkResult(result: ParseResult): void {
  if (result.ok) {
    for (const event of result.events) {
      expect(isPlainJson(event)).toBe(true);
      expect(event['@timestamp']).toMatch(ISO_MS);
    }
  } else {
    expect(result.error.message.length).toBeGreaterThan(0);
    expect(ids).toContain(result.error.parser);
  }
}

function parseWithAll(record: RawRecord): void {
  for (const id of ids) {
    let result: ParseResult | undefined;
    expect(() => (result = parseRecord(record, id, ctx))).not.toThrow();
    if (result !== undefined) checkResult(result);
    // The parsers themselves never throw either (parseRecord's safety net is not needed).
    if (id !== 'auto') checkResult(parsers[id].parse(record, ctx));
  }
}

/** Strings that look like the formats, so the generators reach deep into each parser. */
const prefixes = [
  '',
  '<13>',
  '<34>1 ',
  '<165>1 2003-10-11T22:14:15.003Z h a - - [',
  'CEF:0|',
  'CEF:0|a|b|c|d|e|5|',
  '<189>1: *',
  'Oct 11 22:14:15 ',
  '{',
  '71 <',
];
const texty = fc
  .tuple(fc.constantFrom(...prefixes), fc.string({ unit: 'binary', maxLength: 120 }))
  .map(([p, s]) => p + s);

const shapedJson: fc.Arbitrary<JsonValue> = fc
  .oneof(
    fc.record({ Records: fc.array(fc.jsonValue(), { maxLength: 3 }) }),
    fc.record({
      eventVersion: fc.string(),
      eventSource: fc.string(),
      eventName: fc.string(),
      eventTime: fc.jsonValue(),
      userIdentity: fc.jsonValue(),
    }),
    fc.record({
      apiVersion: fc.constant('audit.k8s.io/v1'),
      kind: fc.constantFrom('Event', 'EventList'),
      items: fc.jsonValue(),
      sourceIPs: fc.jsonValue(),
      requestReceivedTimestamp: fc.jsonValue(),
    }),
    fc.record({
      Event: fc.record({
        System: fc.dictionary(
          fc.constantFrom('EventID', 'TimeCreated', 'Provider', 'Keywords', 'Level', 'Execution'),
          fc.jsonValue(),
        ),
        EventData: fc.jsonValue(),
        UserData: fc.jsonValue(),
      }),
    }),
    fc.record({
      action: fc.constantFrom('repo.create', 'team.add_member', 'x.y'),
      actor: fc.string(),
      created_at: fc.jsonValue(),
      '@timestamp': fc.jsonValue(),
      _document_id: fc.string(),
    }),
    fc.record({
      winlog: fc.record({
        channel: fc.constantFrom('Security', 'Microsoft-Windows-Sysmon/Operational'),
        provider_name: fc.constantFrom(
          'Microsoft-Windows-Sysmon',
          'Microsoft-Windows-Security-Auditing',
        ),
        event_data: fc.dictionary(fc.string(), fc.jsonValue()),
      }),
      event: fc.record({ code: fc.constantFrom('1', '3', '4624', '4688', '4732', '7', '13') }),
    }),
    fc.dictionary(
      fc.constantFrom(
        '@timestamp',
        'ecs.version',
        'host.name',
        'host',
        'event',
        'event.kind',
        '__proto__',
        'a.b.c',
        'timestamp',
        'ts',
      ),
      fc.jsonValue(),
    ),
  )
  // fast-check's JSON type is looser than ours; the values are plain JSON.
  .map((value) => value as JsonValue);

describe('no parser throws', () => {
  it('on random text', () => {
    fc.assert(
      fc.property(texty, (text) => parseWithAll({ kind: 'text', text })),
      { numRuns: 300 },
    );
  });

  it('on random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) =>
        parseWithAll({ kind: 'json', value: value as JsonValue }),
      ),
      { numRuns: 300 },
    );
  });

  it('on JSON shaped like each format', () => {
    fc.assert(
      fc.property(shapedJson, (value) => parseWithAll({ kind: 'json', value })),
      { numRuns: 400 },
    );
  });
});
