import { describe, expect, it } from 'vitest';
import type { ConditionOperator } from './correlation-rule.ts';
import { MANY_FAILED_LOGINS } from './spec-examples.ts';
import { correlation, engineFor, feed, hit, HOUR, MINUTE } from './test-fixtures.ts';

const BASE = '5638f7c0-ac70-491d-8465-2a65075e0d86';
const failedLogin = (at: number, host = 'dc1') => ({
  rule: { id: BASE },
  eventId: `login@${host}@${at}`,
  timestamp: at,
  doc: { ComputerName: host },
});

/** event_count over `base`, grouped by user, within `timespan`, with one comparison. */
function countRule(op: ConditionOperator, value: number, timespan = '1h') {
  return correlation(`
title: count
correlation:
    type: event_count
    rules: [base]
    group-by: [user.name]
    timespan: ${timespan}
    condition:
        ${op}: ${value}
`);
}

describe('event_count: the specification example (≥ 100 failed logins per host in 1h)', () => {
  const rule = correlation(MANY_FAILED_LOGINS);

  it('fires on the 100th failed login within the hour, once', () => {
    const engine = engineFor([rule], { maxEventsPerGroup: 1000 });
    const logins = Array.from({ length: 150 }, (_, i) => failedLogin(i * 10_000));
    const matches = feed(engine, logins);
    expect(matches).toHaveLength(1);
    const [match] = matches;
    expect(match).toMatchObject({
      rule,
      groupBy: { ComputerName: 'dc1' },
      value: 100,
      firstTimestamp: 0,
      lastTimestamp: 990_000,
      suppressed: false,
    });
    expect(match?.eventIds).toEqual(logins.slice(0, 100).map((login) => login.eventId));
  });

  it('does not fire on 99, nor on 100 spread over more than an hour', () => {
    expect(
      feed(
        engineFor([rule]),
        Array.from({ length: 99 }, (_, i) => failedLogin(i)),
      ),
    ).toEqual([]);
    // One login every 40 s: any hour holds 91 of them.
    const spread = Array.from({ length: 200 }, (_, i) => failedLogin(i * 40_000));
    expect(feed(engineFor([rule]), spread)).toEqual([]);
  });

  it('counts each host separately', () => {
    const logins = Array.from({ length: 100 }, (_, i) => failedLogin(i, i % 2 ? 'dc1' : 'dc2'));
    expect(feed(engineFor([rule]), logins)).toEqual([]);
  });
});

describe('event_count: the sliding window', () => {
  const rule = countRule('gte', 3);
  const alice = { user: { name: 'alice' } };

  it('drops events older than the timespan before the newest one', () => {
    const engine = engineFor([rule]);
    const early = feed(engine, [hit('base', 0, alice), hit('base', 30 * MINUTE, alice)]);
    // At 61 min the first event (0) is out; 30 min and 61 min remain.
    const at61 = engine.observe(hit('base', 61 * MINUTE, alice));
    // At 70 min: 30, 61 and 70 min lie within the hour, so the window slid rather than reset.
    const at70 = engine.observe(hit('base', 70 * MINUTE, alice));
    expect([early, at61]).toEqual([[], []]);
    expect(at70).toMatchObject([{ value: 3, firstTimestamp: 30 * MINUTE }]);
  });

  it('includes an event exactly one timespan before the newest', () => {
    const events = [0, 30 * MINUTE, HOUR].map((at) => hit('base', at, alice));
    expect(feed(engineFor([rule]), events)).toHaveLength(1);
  });

  it('counts out-of-order events that still fall within the window', () => {
    const events = [10, 0, 5].map((minutes) => hit('base', minutes * MINUTE, alice));
    expect(feed(engineFor([rule]), events)).toMatchObject([
      { value: 3, firstTimestamp: 0, lastTimestamp: 10 * MINUTE },
    ]);
  });

  it('drops an event older than the window of its group and counts it as late', () => {
    const engine = engineFor([rule]);
    feed(engine, [hit('base', 2 * HOUR, alice), hit('base', 2 * HOUR + 1, alice)]);
    expect(engine.observe(hit('base', 30 * MINUTE, alice))).toEqual([]);
    expect(engine.stats().late).toBe(1);
  });

  it('resets a group after it fires: one burst, one match', () => {
    const events = Array.from({ length: 7 }, (_, i) => hit('base', i * MINUTE, alice));
    const matches = feed(engineFor([rule]), events);
    expect(matches.map((match) => [match.value, match.firstTimestamp])).toEqual([
      [3, 0],
      [3, 3 * MINUTE],
    ]);
  });

  it('groups events lacking a group-by field under null, or skips them on request', () => {
    const events = [0, 1, 2].map((at) => hit('base', at, {}));
    expect(feed(engineFor([rule]), events)).toMatchObject([{ groupBy: { 'user.name': null } }]);
    expect(feed(engineFor([rule], { missingGroupBy: 'skip' }), events)).toEqual([]);
  });

  it('keeps the most recent event ids only, while counting on', () => {
    const engine = engineFor([countRule('gte', 20)], { maxEventsPerGroup: 5 });
    const events = Array.from({ length: 20 }, (_, i) => hit('base', i, alice, `e${i}`));
    expect(feed(engine, events)).toMatchObject([
      { value: 20, eventIds: ['e15', 'e16', 'e17', 'e18', 'e19'], firstTimestamp: 0 },
    ]);
  });
});

describe('event_count: each condition operator', () => {
  /**
   * Feeds `count` events one minute apart to a rule with a 10 minute timespan, then a watermark
   * past the window, and returns the values of all matches.
   */
  function run(op: ConditionOperator, threshold: number, count: number): number[] {
    const engine = engineFor([countRule(op, threshold, '10m')]);
    const events = Array.from({ length: count }, (_, i) =>
      hit('base', i * MINUTE, { user: { name: 'bob' } }),
    );
    return [...feed(engine, events), ...engine.flush(HOUR)].map((match) => match.value);
  }

  it.each<[ConditionOperator, number, number, number[]]>([
    ['gt', 2, 2, []],
    ['gt', 2, 3, [3]],
    ['gte', 2, 1, []],
    ['gte', 2, 2, [2]],
    ['lt', 3, 2, [2]],
    ['lt', 3, 3, []],
    ['lte', 3, 3, [3]],
    ['lte', 3, 4, []],
    ['eq', 3, 3, [3]],
    ['eq', 3, 2, []],
    ['eq', 3, 4, []],
    ['neq', 3, 2, [2]],
    ['neq', 3, 3, []],
  ])('%s %d with %d events → %j', (op, threshold, count, expected) => {
    expect(run(op, threshold, count)).toEqual(expected);
  });

  it('evaluates a range (gt and lte) once the window is complete', () => {
    const rule = correlation(`
title: between 3 and 4
correlation:
    type: event_count
    rules: [base]
    timespan: 10m
    condition: {gt: 2, lte: 4}
`);
    const engine = engineFor([rule]);
    feed(
      engine,
      [0, 1, 2].map((m) => hit('base', m * MINUTE)),
    );
    // The window opened at 0 closes when an event arrives after 10 minutes.
    expect(engine.observe(hit('base', 11 * MINUTE))).toMatchObject([
      { value: 3, firstTimestamp: 0, lastTimestamp: 2 * MINUTE },
    ]);
    // The late event opened the next window; five events in it are too many.
    feed(
      engine,
      [12, 13, 14, 15].map((m) => hit('base', m * MINUTE)),
    );
    expect(engine.flush(HOUR)).toEqual([]);
  });

  it('lets an earlier out-of-order event open an upper-bounded window', () => {
    const engine = engineFor([countRule('lt', 5, '10m')]);
    const bob = { user: { name: 'bob' } };
    feed(engine, [hit('base', 5 * MINUTE, bob), hit('base', 8 * MINUTE, bob)]);
    engine.observe(hit('base', 1 * MINUTE, bob));
    // Too early for the window (8 min − 10 min): dropped.
    engine.observe(hit('base', -3 * MINUTE, bob));
    expect(engine.flush(HOUR)).toMatchObject([{ value: 3, firstTimestamp: MINUTE }]);
    expect(engine.stats().late).toBe(1);
  });
});
