import { describe, expect, it } from 'vitest';
import { percentile } from './measure.ts';
import { AVERAGE_BYTES_OUT, EXFILTRATION_BYTES, LATENCY_P95 } from './spec-examples.ts';
import { correlation, engineFor, feed, hit, HOUR, MINUTE } from './test-fixtures.ts';
import type { WindowRecord } from './window-records.ts';

describe('value_sum: possible exfiltration (more than 1,000,000 bytes in an hour)', () => {
  const rule = correlation(EXFILTRATION_BYTES);
  const access = (at: number, bytes: unknown, user = 'alice') =>
    hit('website_access', at, { SourceIP: '10.1.1.1', User: user, bytes_sent: bytes });

  it('fires as soon as the sum crosses the threshold', () => {
    const matches = feed(engineFor([rule]), [
      access(0, 400_000),
      access(10 * MINUTE, '400000'),
      access(20 * MINUTE, 300_000),
      access(30 * MINUTE, 300_000),
    ]);
    expect(matches).toMatchObject([
      {
        value: 1_100_000,
        groupBy: { SourceIP: '10.1.1.1', User: 'alice' },
        lastTimestamp: 20 * MINUTE,
      },
    ]);
  });

  it('does not fire when the bytes are spread over more than an hour, or not numbers', () => {
    const spread = [access(0, 600_000), access(61 * MINUTE, 500_000)];
    expect(feed(engineFor([rule]), spread)).toEqual([]);
    const text = [access(0, 600_000), access(1, 'lots'), access(2, null), access(3, [500_000, 1])];
    expect(feed(engineFor([rule]), text)).toEqual([]);
  });
});

describe('value_avg: SigmaHQ test rule (average bytes out above 500 over a day)', () => {
  const rule = correlation(AVERAGE_BYTES_OUT);
  const traffic = (at: number, bytes: number, ip = '10.1.1.1') =>
    hit('rule_a_id', at, { SourceIP: ip, User: 'svc', BytesOut: bytes });

  it('waits for the day to end, then compares the average', () => {
    const engine = engineFor([rule]);
    // 2000 alone would pass; the average over the whole window is what counts.
    expect(feed(engine, [traffic(0, 2000), traffic(HOUR, 100), traffic(2 * HOUR, 100)])).toEqual(
      [],
    );
    expect(engine.flush(24 * HOUR + 1)).toMatchObject([
      { value: 2200 / 3, firstTimestamp: 0, lastTimestamp: 2 * HOUR },
    ]);
  });

  it('closes the window when a later event of the group arrives', () => {
    const engine = engineFor([rule]);
    feed(engine, [traffic(0, 600), traffic(HOUR, 700)]);
    expect(engine.observe(traffic(25 * HOUR, 10))).toMatchObject([{ value: 650 }]);
    // The late event opened a new window, whose average is low.
    expect(engine.flush(50 * HOUR)).toEqual([]);
  });

  it('does not fire when the average stays at or below 500', () => {
    const engine = engineFor([rule]);
    feed(engine, [traffic(0, 500), traffic(1, 400), traffic(2, 600)]);
    expect(engine.flush(25 * HOUR)).toEqual([]);
  });

  it('keeps a window open until the watermark has passed its end', () => {
    const engine = engineFor([rule]);
    feed(engine, [traffic(0, 900)]);
    expect(engine.flush(24 * HOUR)).toEqual([]);
    expect(engine.stats().groups).toBe(1);
    expect(engine.flush(24 * HOUR + 1)).toHaveLength(1);
    expect(engine.stats().groups).toBe(0);
  });
});

describe('value_percentile and value_median', () => {
  const latency = (at: number, ms: number) =>
    hit('network_traffic', at, { SourceIP: '10.1.1.1', Latency: ms });

  it('compares the 95th percentile of the window with the threshold', () => {
    const rule = correlation(LATENCY_P95);
    const slow = Array.from({ length: 100 }, (_, i) => latency(i * 1000, (i + 1) * 10));
    const engine = engineFor([rule]);
    feed(engine, slow);
    // 10, 20, …, 1000: the 95th percentile is 950.5.
    expect(engine.flush(HOUR)).toMatchObject([{ value: 950.5 }]);

    // 96 fast, 4 slow: the 95th percentile is still fast.
    const fast = Array.from({ length: 100 }, (_, i) => latency(i * 1000, i < 96 ? 10 : 5000));
    const quiet = engineFor([rule]);
    feed(quiet, fast);
    expect(quiet.flush(HOUR)).toEqual([]);
  });

  it('uses the 50th percentile for value_median', () => {
    const rule = correlation(`
title: median latency
correlation:
    type: value_median
    rules: [network_traffic]
    timespan: 5m
    condition:
        field: Latency
        gte: 30
`);
    const engine = engineFor([rule]);
    feed(
      engine,
      [10, 1000, 30, 20, 40].map((ms, i) => latency(i, ms)),
    );
    expect(engine.flush(HOUR)).toMatchObject([{ value: 30 }]);
  });
});

describe('percentile', () => {
  const records = (...values: number[]): WindowRecord[] =>
    values.map((value, i) => ({
      ts: i,
      first: i,
      rule: 0,
      count: 1,
      sum: value,
      key: null,
      events: [],
    }));

  it('interpolates linearly between the closest ranks', () => {
    const five = records(50, 10, 40, 20, 30);
    expect([0, 25, 50, 90, 100].map((p) => percentile(five, p))).toEqual([10, 20, 30, 46, 50]);
    expect(percentile(records(7), 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('weighs a coalesced record as that many events at its mean', () => {
    const coalesced: WindowRecord = {
      ts: 0,
      first: 0,
      rule: 0,
      count: 3,
      sum: 30,
      key: null,
      events: [],
    };
    // Equivalent to 10, 10, 10, 40.
    expect(percentile([coalesced, ...records(40)], 50)).toBe(10);
    expect(percentile([coalesced, ...records(40)], 100)).toBe(40);
  });
});
