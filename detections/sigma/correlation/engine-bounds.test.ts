import { describe, expect, it } from 'vitest';
import { createCorrelationEngine } from './correlation-engine.ts';
import { correlation, engineFor, feed, hit, HOUR, SECOND } from './test-fixtures.ts';

const countRule = (threshold: number, timespan = '1h') =>
  correlation(`
title: count per user
correlation:
    type: event_count
    rules: [base]
    group-by: [user.name]
    timespan: ${timespan}
    condition:
        gte: ${threshold}
`);
const byUser = (user: string, at: number) => hit('base', at, { user: { name: user } });

describe('bounded state', () => {
  it('holds at most maxGroupsPerRule groups under a stream of unique groups', () => {
    const engine = engineFor([countRule(2)], { maxGroupsPerRule: 100 });
    let most = 0;
    for (let i = 0; i < 5_000; i += 1) {
      engine.observe(byUser(`user${i}`, i));
      most = Math.max(most, engine.stats().groups);
    }
    expect(most).toBe(100);
    expect(engine.stats()).toMatchObject({ groups: 100, entries: 100, evicted: 4_900 });
  });

  it('evicts the least recently updated group first', () => {
    const engine = engineFor([countRule(2)], { maxGroupsPerRule: 2 });
    feed(engine, [byUser('a', 0), byUser('b', 1), byUser('a', 2)]);
    // a was updated last: a third group evicts b, and a keeps its count.
    engine.observe(byUser('c', 3));
    expect(engine.observe(byUser('b', 4))).toEqual([]);
    expect(engine.stats().evicted).toBe(2);
    expect(engine.observe(byUser('c', 5))).toMatchObject([{ groupBy: { 'user.name': 'c' } }]);
  });

  it('prunes expired events as the window slides, and expired groups on flush', () => {
    const engine = engineFor([countRule(1_000, '10s')]);
    let most = 0;
    for (let i = 0; i < 100; i += 1) {
      engine.observe(byUser('alice', i * SECOND));
      engine.observe(byUser(`user${i % 10}`, i * SECOND));
      most = Math.max(most, engine.stats().entries);
    }
    // alice's window holds the last 11 seconds; user0..9 one event every 10 s: 2 each.
    expect(most).toBeLessThanOrEqual(11 + 20);
    expect(engine.flush(HOUR)).toEqual([]);
    expect(engine.stats()).toMatchObject({ groups: 0, entries: 0 });
  });

  it('keeps a busy group within maxEntriesPerGroup while counting exactly', () => {
    const engine = engineFor([countRule(1_000)], { maxEntriesPerGroup: 16, maxEventsPerGroup: 4 });
    const matches: number[] = [];
    let most = 0;
    for (let i = 0; i < 1_500; i += 1) {
      for (const match of engine.observe(byUser('alice', i))) matches.push(match.value);
      most = Math.max(most, engine.stats().entries);
    }
    expect(matches).toEqual([1_000]);
    expect(most).toBeLessThanOrEqual(16);
  });

  it('keeps one record per distinct value and per rule, however many events', () => {
    const distinct = correlation(`
title: users per host
correlation:
    type: value_count
    rules: [base]
    group-by: [host.name]
    timespan: 1h
    condition: {field: user.name, gte: 50}
`);
    const engine = engineFor([distinct]);
    for (let i = 0; i < 1_000; i += 1) {
      engine.observe(hit('base', i, { host: { name: 'h' }, user: { name: `u${i % 5}` } }));
    }
    expect(engine.stats().entries).toBe(5);
  });
});

describe('engine set-up and input checks', () => {
  it('refuses correlations that reference each other in a cycle', () => {
    const a = correlation(`
title: a
name: corr_a
correlation: {type: event_count, rules: [corr_b], timespan: 5m, condition: {gte: 1}}
`);
    const b = correlation(`
title: b
name: corr_b
correlation: {type: event_count, rules: [corr_a], timespan: 5m, condition: {gte: 1}}
`);
    expect(() => engineFor([a, b])).toThrow(
      expect.objectContaining({ code: 'DETECTION_RULE_INVALID' }),
    );
  });

  it('refuses a chained correlation grouping by a field the inner one does not provide', () => {
    const inner = correlation(`
title: inner
name: many_failures
correlation: {type: event_count, rules: [failed], group-by: [host.name], timespan: 5m, condition: {gte: 5}}
`);
    const outer = (groupBy: string, aliases = '') =>
      correlation(`
title: outer
correlation:
    type: temporal_ordered
    rules: [many_failures, success]
    group-by: [${groupBy}]
    timespan: 10m
${aliases}`);
    expect(() => engineFor([inner, outer('user.name')])).toThrow(
      expect.objectContaining({ code: 'DETECTION_RULE_INVALID' }),
    );
    const aliased = outer(
      'host',
      '    aliases:\n        host:\n            many_failures: host.name\n            success: host.hostname\n',
    );
    expect(() => engineFor([inner, aliased])).not.toThrow();
  });

  it('refuses a match without a usable timestamp, and bad limits', () => {
    const engine = engineFor([countRule(2)]);
    expect(() => engine.observe(byUser('a', Number.NaN))).toThrow(
      expect.objectContaining({ code: 'DETECTION_INVALID_REQUEST' }),
    );
    expect(() =>
      createCorrelationEngine({ rules: [], readField: () => undefined, maxGroupsPerRule: 0 }),
    ).toThrow(expect.objectContaining({ code: 'DETECTION_INVALID_REQUEST' }));
  });

  it('ignores matches of rules no correlation references', () => {
    const engine = engineFor([countRule(1)]);
    expect(engine.observe(hit('other', 0, { user: { name: 'a' } }))).toEqual([]);
    expect(engine.stats().groups).toBe(0);
  });

  it('passes the base rule to readField, so the caller can map fields per rule', () => {
    const seen: unknown[] = [];
    const engine = createCorrelationEngine({
      rules: [countRule(1)],
      readField: (_doc, field, base) => {
        seen.push([field, base]);
        return 'x';
      },
    });
    engine.observe({ rule: { id: 'id-1', name: 'base' }, eventId: 'e', timestamp: 0, doc: {} });
    expect(seen).toEqual([['user.name', { id: 'id-1', name: 'base' }]]);
  });
});
