import { describe, expect, it } from 'vitest';
import type { CorrelationType } from './correlation-rule.ts';
import { correlation, engineFor, hit } from './test-fixtures.ts';

/**
 * The sliding evaluation checked against a naive model that keeps every event: compaction (one
 * record per distinct value, per rule, per run of a rule) must not change any result.
 */
interface NaiveEvent {
  readonly ts: number;
  readonly rule: number;
  readonly key: string;
}

const RULES = ['r0', 'r1', 'r2'];
const TIMESPAN = 60_000;

function naiveValue(type: CorrelationType, events: readonly NaiveEvent[]): number {
  if (type === 'value_count') return new Set(events.map((event) => event.key)).size;
  if (type === 'temporal') return new Set(events.map((event) => event.rule)).size;
  let next = 0;
  // Stable sort: ties stay in arrival order, as in the engine.
  for (const event of [...events].sort((a, b) => a.ts - b.ts)) if (event.rule === next) next += 1;
  return next;
}

/** When the naive model fires (the latest event time in the window), for one group. */
function naiveRun(type: CorrelationType, threshold: number, stream: readonly NaiveEvent[]) {
  let events: NaiveEvent[] = [];
  let newest = -Infinity;
  const fired: number[] = [];
  for (const event of stream) {
    if (event.ts < newest - TIMESPAN) continue;
    newest = Math.max(newest, event.ts);
    events = [...events, event].filter((kept) => kept.ts >= newest - TIMESPAN);
    if (naiveValue(type, events) >= threshold) {
      fired.push(Math.max(...events.map((kept) => kept.ts)));
      events = [];
    }
  }
  return fired;
}

/** A deterministic pseudo-random stream (a linear congruential generator). */
function stream(seed: number, length: number, jitter: number): NaiveEvent[] {
  let state = seed;
  const next = (bound: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    // The high bits: the low bits of a power-of-two LCG repeat with short periods.
    return Math.floor(state / 65_536) % bound;
  };
  let clock = 0;
  return Array.from({ length }, () => {
    clock += next(8_000);
    return { ts: clock - next(jitter + 1), rule: next(3), key: `v${next(12)}` };
  });
}

function engineRun(type: CorrelationType, threshold: number, events: readonly NaiveEvent[]) {
  const field = type === 'value_count' ? '\n        field: key' : '';
  const rule = correlation(`
title: model
correlation:
    type: ${type}
    rules: [${RULES.join(', ')}]
    timespan: 60s
    condition:${field}
        gte: ${threshold}
`);
  const engine = engineFor([rule]);
  return events.flatMap((event, i) =>
    engine
      .observe(hit(RULES[event.rule] ?? 'r0', event.ts, { key: event.key }, `e${i}`))
      .map((match) => match.lastTimestamp),
  );
}

describe('sliding evaluation against a naive model', () => {
  it.each([1, 2, 3, 4, 5])('value_count, out-of-order stream (seed %d)', (seed) => {
    const events = stream(seed, 400, 30_000);
    const expected = naiveRun('value_count', 6, events);
    expect(expected.length).toBeGreaterThan(0);
    expect(engineRun('value_count', 6, events)).toEqual(expected);
  });

  it.each([1, 2, 3, 4, 5])('temporal, out-of-order stream (seed %d)', (seed) => {
    const events = stream(seed, 400, 30_000);
    const expected = naiveRun('temporal', 3, events);
    expect(expected.length).toBeGreaterThan(0);
    expect(engineRun('temporal', 3, events)).toEqual(expected);
  });

  it.each([1, 2, 3, 4, 5])('temporal_ordered, in-order stream (seed %d)', (seed) => {
    const events = stream(seed, 400, 0);
    const expected = naiveRun('temporal_ordered', 3, events);
    expect(expected.length).toBeGreaterThan(0);
    expect(engineRun('temporal_ordered', 3, events)).toEqual(expected);
  });
});
