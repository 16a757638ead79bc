import { describe, expect, it } from 'vitest';
import { FAILED_LOGIN_MANY_USERS } from './spec-examples.ts';
import { correlation, engineFor, feed, HOUR, MINUTE } from './test-fixtures.ts';

const BASE = '5638f7c0-ac70-491d-8465-2a65075e0d86';
const failedLogin = (at: number, user: string, workstation = 'ws1') => ({
  rule: { id: BASE },
  eventId: `${user}@${at}`,
  timestamp: at,
  doc: { ComputerName: 'dc1', WorkstationName: workstation, User: user },
});

describe('value_count: the specification example (≥ 100 users per source and host a day)', () => {
  const rule = correlation(FAILED_LOGIN_MANY_USERS);

  it('fires when the 100th distinct user fails from the same workstation', () => {
    const logins = Array.from({ length: 100 }, (_, i) => failedLogin(i * MINUTE, `user${i}`));
    expect(feed(engineFor([rule]), logins)).toMatchObject([
      {
        value: 100,
        groupBy: { ComputerName: 'dc1', WorkstationName: 'ws1' },
        firstTimestamp: 0,
        lastTimestamp: 99 * MINUTE,
      },
    ]);
  });

  it('does not count a repeated user twice', () => {
    const logins = Array.from({ length: 500 }, (_, i) => failedLogin(i * 1000, `user${i % 99}`));
    const engine = engineFor([rule]);
    expect(feed(engine, logins)).toEqual([]);
    // One record per distinct user, not per event.
    expect(engine.stats().entries).toBe(99);
  });

  it('keeps workstations apart and forgets users seen more than a day ago', () => {
    const split = Array.from({ length: 100 }, (_, i) =>
      failedLogin(i, `user${i}`, i < 50 ? 'ws1' : 'ws2'),
    );
    expect(feed(engineFor([rule]), split)).toEqual([]);
    const slow = Array.from({ length: 100 }, (_, i) => failedLogin(i * 15 * MINUTE, `user${i}`));
    expect(feed(engineFor([rule]), slow)).toEqual([]);
  });

  it('keeps a user whose latest failure is within the day, however early the first one', () => {
    const engine = engineFor([rule], { maxEventsPerGroup: 200 });
    feed(engine, [failedLogin(0, 'early')]);
    feed(engine, [failedLogin(23 * HOUR, 'early')]);
    const rest = Array.from({ length: 99 }, (_, i) => failedLogin(24 * HOUR + i, `user${i}`));
    const [match] = feed(engine, rest);
    // The failure at 0 is out of the window: only the one at 23 h is reported.
    expect(match).toMatchObject({ value: 100, firstTimestamp: 23 * HOUR });
    expect(match?.eventIds).not.toContain('early@0');
    expect(match?.eventIds).toContain(`early@${23 * HOUR}`);
  });
});

describe('value_count: fields', () => {
  it('counts distinct combinations of several fields and ignores events lacking one', () => {
    const rule = correlation(`
title: distinct source/port pairs
correlation:
    type: value_count
    rules: [conn]
    group-by: [destination.ip]
    timespan: 5m
    condition:
        field: [source.ip, source.port]
        gte: 3
`);
    const conn = (at: number, ip: string, port?: number) => ({
      rule: { name: 'conn' },
      eventId: `c${at}`,
      timestamp: at,
      doc: { destination: { ip: '10.0.0.1' }, source: { ip, port } },
    });
    const engine = engineFor([rule]);
    const events = [
      conn(0, '1.1.1.1', 1),
      conn(1, '1.1.1.1', 2),
      conn(2, '1.1.1.1', 2),
      conn(3, '2.2.2.2'),
      conn(4, '2.2.2.2', 1),
    ];
    expect(feed(engine, events)).toMatchObject([{ value: 3, eventIds: ['c0', 'c1', 'c2', 'c4'] }]);
  });

  it('evaluates an upper bound when the window closes: a single user behind many failures', () => {
    const rule = correlation(`
title: one account hammered
correlation:
    type: value_count
    rules: [failed]
    group-by: [source.ip]
    timespan: 10m
    condition:
        field: user.name
        lt: 2
`);
    const failure = (at: number, ip: string, user: string) => ({
      rule: { name: 'failed' },
      eventId: `${ip}@${at}`,
      timestamp: at,
      doc: { source: { ip }, user: { name: user } },
    });
    const engine = engineFor([rule]);
    feed(engine, [
      failure(0, '1.1.1.1', 'root'),
      failure(MINUTE, '1.1.1.1', 'root'),
      failure(0, '2.2.2.2', 'root'),
      failure(MINUTE, '2.2.2.2', 'admin'),
    ]);
    expect(engine.flush(HOUR)).toMatchObject([{ groupBy: { 'source.ip': '1.1.1.1' }, value: 1 }]);
  });
});
