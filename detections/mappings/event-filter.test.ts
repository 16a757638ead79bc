import { describe, expect, it } from 'vitest';
import { matchesFilter } from './event-filter.ts';
import type { EventFilter } from './event-filter.ts';

describe('matchesFilter', () => {
  const doc = {
    event: { code: '4688', category: ['process'], type: ['start'], severity: 3 },
    winlog: { channel: 'Security', 'event_data.Keep': 'flat' },
    host: { os: { type: null } },
    tags: [],
    ok: true,
  };

  it('holds every event for a null filter, none for an empty disjunction', () => {
    expect(matchesFilter(null, doc)).toBe(true);
    expect(matchesFilter([], doc)).toBe(false);
  });

  it('compares scalars as strings, case-insensitively', () => {
    expect(matchesFilter([[{ field: 'winlog.channel', oneOf: ['security'] }]], doc)).toBe(true);
    expect(matchesFilter([[{ field: 'event.severity', oneOf: ['3'] }]], doc)).toBe(true);
    expect(matchesFilter([[{ field: 'ok', oneOf: ['TRUE'] }]], doc)).toBe(true);
    expect(matchesFilter([[{ field: 'winlog.channel', oneOf: ['System'] }]], doc)).toBe(false);
  });

  it('holds when any element of an array value is one of the values', () => {
    const filter: EventFilter = [[{ field: 'event.type', oneOf: ['end', 'start'] }]];
    expect(matchesFilter(filter, doc)).toBe(true);
    expect(matchesFilter([[{ field: 'event.type', oneOf: ['end'] }]], doc)).toBe(false);
  });

  it('needs every condition of a clause and any clause', () => {
    const both: EventFilter = [
      [
        { field: 'winlog.channel', oneOf: ['Security'] },
        { field: 'event.code', oneOf: ['4624'] },
      ],
    ];
    expect(matchesFilter(both, doc)).toBe(false);
    expect(matchesFilter([...both, [{ field: 'event.code', oneOf: ['4688'] }]], doc)).toBe(true);
  });

  it('treats null, an empty array and a missing field as absent', () => {
    expect(matchesFilter([[{ field: 'winlog.channel', exists: true }]], doc)).toBe(true);
    expect(matchesFilter([[{ field: 'host.os.type', exists: false }]], doc)).toBe(true);
    expect(matchesFilter([[{ field: 'tags', exists: false }]], doc)).toBe(true);
    expect(matchesFilter([[{ field: 'process.name', exists: false }]], doc)).toBe(true);
    expect(matchesFilter([[{ field: 'process.name', exists: true }]], doc)).toBe(false);
  });

  it('reads flat dotted keys as Elasticsearch does', () => {
    expect(matchesFilter([[{ field: 'winlog.event_data.Keep', oneOf: ['flat'] }]], doc)).toBe(true);
  });

  it('never matches objects by value', () => {
    expect(matchesFilter([[{ field: 'host.os', oneOf: ['[object Object]'] }]], doc)).toBe(false);
  });
});
