import { describe, expect, it } from 'vitest';
import { WindowRecords } from './window-records.ts';
import type { Compaction } from './window-records.ts';

const records = (compaction: Compaction, maxRecords = 100, maxIds = 100) =>
  new WindowRecords({ compaction, maxRecords, maxIds });
const entry = (ts: number, rule = 0, key: string | null = null, value = 0) => ({
  ts,
  rule,
  key,
  value,
  ids: [`e${ts}`],
});
const shape = (window: WindowRecords) =>
  window.all.map(({ ts, first, rule, count }) => ({ ts, first, rule, count }));

describe('WindowRecords', () => {
  it('keeps records in event-time order whatever the arrival order', () => {
    const window = records('none');
    for (const ts of [5, 1, 3, 3, 9]) window.add(entry(ts));
    expect(window.all.map((record) => record.ts)).toEqual([1, 3, 3, 5, 9]);
    expect(window.eventIds()).toEqual(['e1', 'e3', 'e3', 'e5', 'e9']);
    expect([window.firstTimestamp(), window.lastTimestamp()]).toEqual([1, 9]);
  });

  it('key compaction: one record per distinct value, at its latest time', () => {
    const window = records('key');
    window.add(entry(1, 0, 'alice'));
    window.add(entry(2, 0, 'bob'));
    window.add(entry(3, 0, 'alice'));
    expect(window.all.map(({ key, ts, first }) => ({ key, ts, first }))).toEqual([
      { key: 'bob', ts: 2, first: 2 },
      { key: 'alice', ts: 3, first: 1 },
    ]);
    // Pruning forgets alice's expired occurrence but keeps alice.
    window.pruneBefore(2);
    expect(window.eventIds()).toEqual(['e2', 'e3']);
    expect(window.firstTimestamp()).toBe(2);
  });

  it('rule compaction: one record per rule', () => {
    const window = records('rule');
    for (const [ts, rule] of [
      [1, 0],
      [2, 1],
      [3, 0],
      [4, 0],
    ] as const)
      window.add(entry(ts, rule));
    expect(shape(window)).toEqual([
      { ts: 2, first: 2, rule: 1, count: 1 },
      { ts: 4, first: 1, rule: 0, count: 3 },
    ]);
  });

  it('rule-run compaction: only adjacent records of the same rule fold', () => {
    const window = records('rule-run');
    for (const [ts, rule] of [
      [1, 0],
      [2, 0],
      [3, 1],
      [4, 0],
      [0, 0],
    ] as const) {
      window.add(entry(ts, rule));
    }
    expect(shape(window)).toEqual([
      { ts: 2, first: 0, rule: 0, count: 3 },
      { ts: 3, first: 3, rule: 1, count: 1 },
      { ts: 4, first: 4, rule: 0, count: 1 },
    ]);
  });

  it('coalesces the oldest records past the limit, keeping count and sum exact', () => {
    const window = records('none', 3);
    for (let ts = 0; ts < 10; ts += 1) window.add(entry(ts, 0, null, 1));
    expect(window.size).toBe(3);
    expect(window.all.reduce((sum, record) => sum + record.count, 0)).toBe(10);
    expect(window.all.reduce((sum, record) => sum + record.sum, 0)).toBe(10);
    expect(window.firstTimestamp()).toBe(0);
  });

  it('drops the oldest distinct value past the limit', () => {
    const window = records('key', 2);
    for (const [ts, key] of [
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
    ] as const)
      window.add(entry(ts, 0, key));
    expect(window.all.map((record) => record.key)).toEqual(['b', 'c']);
    window.add(entry(3, 0, 'a'));
    expect(window.all.map((record) => record.key)).toEqual(['c', 'a']);
  });

  it('keeps only the most recent event ids', () => {
    const window = records('none', 100, 3);
    for (let ts = 0; ts < 6; ts += 1) window.add(entry(ts));
    expect(window.eventIds()).toEqual(['e3', 'e4', 'e5']);
    expect(window.size).toBe(6);
    expect(records('none', 100, 1).eventIds()).toEqual([]);
  });

  it('prunes whole records older than the cutoff, and clears', () => {
    const window = records('none');
    for (const ts of [1, 2, 3, 4]) window.add(entry(ts));
    window.pruneBefore(3);
    expect(window.all.map((record) => record.ts)).toEqual([3, 4]);
    window.clear();
    expect([window.size, window.eventIds()]).toEqual([0, []]);
  });
});
