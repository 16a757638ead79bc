import { describe, expect, it } from 'vitest';
import { isStandaloneSuppressed } from './correlation-rule.ts';
import {
  FAILED_LOGINS_THEN_SUCCESS,
  INTERNAL_ERROR_AND_CONNECTION,
  RECON_COMMANDS,
} from './spec-examples.ts';
import {
  correlation,
  correlations,
  engineFor,
  feed,
  hit,
  MINUTE,
  SECOND,
} from './test-fixtures.ts';

const on = (host: string, user: string) => ({ ComputerName: host, User: user });

describe('temporal: the specification example (three recon commands, any order, 5 minutes)', () => {
  const rule = correlation(RECON_COMMANDS);

  it('fires once every command has run on the same host by the same user', () => {
    const matches = feed(engineFor([rule]), [
      hit('recon_cmd_c', 0, on('pc1', 'eve')),
      hit('recon_cmd_a', MINUTE, on('pc1', 'eve')),
      hit('recon_cmd_a', 2 * MINUTE, on('pc1', 'eve')),
      hit('recon_cmd_b', 3 * MINUTE, on('pc1', 'eve')),
    ]);
    expect(matches).toMatchObject([
      {
        value: 3,
        groupBy: { ComputerName: 'pc1', User: 'eve' },
        firstTimestamp: 0,
        lastTimestamp: 3 * MINUTE,
        eventIds: [
          'recon_cmd_c@0',
          'recon_cmd_a@60000',
          'recon_cmd_a@120000',
          'recon_cmd_b@180000',
        ],
      },
    ]);
  });

  it('does not fire when a command is missing, too early, or by another user', () => {
    const missing = [
      hit('recon_cmd_a', 0, on('pc1', 'eve')),
      hit('recon_cmd_b', 1, on('pc1', 'eve')),
    ];
    const tooEarly = [
      hit('recon_cmd_a', 0, on('pc1', 'eve')),
      hit('recon_cmd_b', 3 * MINUTE, on('pc1', 'eve')),
      hit('recon_cmd_c', 6 * MINUTE, on('pc1', 'eve')),
    ];
    const otherUser = [
      hit('recon_cmd_a', 0, on('pc1', 'eve')),
      hit('recon_cmd_b', 1, on('pc1', 'eve')),
      hit('recon_cmd_c', 2, on('pc1', 'mallory')),
    ];
    for (const events of [missing, tooEarly, otherUser]) {
      expect(feed(engineFor([rule]), events)).toEqual([]);
    }
  });

  it('counts an out-of-order event that belongs to the window', () => {
    const matches = feed(engineFor([rule]), [
      hit('recon_cmd_a', 4 * MINUTE, on('pc1', 'eve')),
      hit('recon_cmd_b', 5 * MINUTE, on('pc1', 'eve')),
      hit('recon_cmd_c', 2 * MINUTE, on('pc1', 'eve')),
    ]);
    expect(matches).toMatchObject([{ firstTimestamp: 2 * MINUTE }]);
  });

  it('honours a condition asking for fewer rules than listed', () => {
    const twoOfThree = correlation(
      RECON_COMMANDS.replace('timespan: 5m', 'timespan: 5m\n    condition:\n        gte: 2'),
    );
    const events = [
      hit('recon_cmd_a', 0, on('pc1', 'eve')),
      hit('recon_cmd_a', 1, on('pc1', 'eve')),
    ];
    expect(feed(engineFor([twoOfThree]), events)).toEqual([]);
    expect(engineFor([twoOfThree]).observe(hit('recon_cmd_c', 0, on('pc1', 'eve')))).toEqual([]);
    const engine = engineFor([twoOfThree]);
    feed(engine, [hit('recon_cmd_c', 0, on('pc1', 'eve'))]);
    expect(engine.observe(hit('recon_cmd_b', 1, on('pc1', 'eve')))).toMatchObject([{ value: 2 }]);
  });
});

describe('temporal with aliases: the specification example', () => {
  const rule = correlation(INTERNAL_ERROR_AND_CONNECTION);
  const error = (at: number, server: string, client: string) =>
    hit('internal_error', at, { destination: { ip: server }, source: { ip: client } });
  const connection = (at: number, from: string, to: string) =>
    hit('new_network_connection', at, { source: { ip: from }, destination: { ip: to } });

  it('groups each rule by its own field for the alias', () => {
    const matches = feed(engineFor([rule]), [
      error(0, '10.0.0.5', '203.0.113.9'),
      connection(4 * SECOND, '10.0.0.5', '203.0.113.9'),
    ]);
    expect(matches).toMatchObject([
      { groupBy: { internal_ip: '10.0.0.5', remote_ip: '203.0.113.9' }, value: 2 },
    ]);
  });

  it('does not match a connection between other hosts, or after 10 seconds', () => {
    const otherHosts = [
      error(0, '10.0.0.5', '203.0.113.9'),
      connection(1, '10.0.0.6', '203.0.113.9'),
    ];
    // Without the alias the connection would be read by its own source/destination: no match.
    const reversed = [
      error(0, '10.0.0.5', '203.0.113.9'),
      connection(1, '203.0.113.9', '10.0.0.5'),
    ];
    const late = [
      error(0, '10.0.0.5', '203.0.113.9'),
      connection(11 * SECOND, '10.0.0.5', '203.0.113.9'),
    ];
    for (const events of [otherHosts, reversed, late]) {
      expect(feed(engineFor([rule]), events)).toEqual([]);
    }
  });
});

describe('temporal_ordered', () => {
  const rule = correlation(`
title: download then execute
correlation:
    type: temporal_ordered
    rules: [download, execute, beacon]
    group-by: [host.name]
    timespan: 10m
`);
  const at = (name: string, minutes: number) =>
    hit(name, minutes * MINUTE, { host: { name: 'pc1' } });

  it('fires when the rules matched in the listed order', () => {
    const matches = feed(engineFor([rule]), [
      at('execute', 0),
      at('download', 1),
      at('download', 2),
      at('execute', 3),
      at('beacon', 4),
    ]);
    expect(matches).toMatchObject([{ value: 3, firstTimestamp: 0, lastTimestamp: 4 * MINUTE }]);
  });

  it('does not fire for another order, or when the chain spans more than the timespan', () => {
    const reversed = [at('beacon', 0), at('execute', 1), at('download', 2)];
    const slow = [at('download', 0), at('execute', 5), at('beacon', 11)];
    for (const events of [reversed, slow]) {
      expect(feed(engineFor([rule]), events)).toEqual([]);
    }
  });

  it('orders by event time, not by arrival', () => {
    const matches = feed(engineFor([rule]), [at('beacon', 4), at('download', 1), at('execute', 2)]);
    expect(matches).toMatchObject([{ value: 3, lastTimestamp: 4 * MINUTE }]);
  });

  it('keeps a chain through the latest of repeated matches of one rule', () => {
    const engine = engineFor([rule]);
    feed(engine, [at('download', 0), at('download', 5), at('execute', 6)]);
    expect(engine.stats().entries).toBe(2);
    // 0 is out of the window at 11, but the download at 5 carries the chain.
    expect(engine.observe(at('beacon', 11))).toMatchObject([
      {
        value: 3,
        firstTimestamp: 5 * MINUTE,
        eventIds: ['download@300000', 'execute@360000', 'beacon@660000'],
      },
    ]);
  });
});

describe('chained correlations: the specification example', () => {
  const rules = correlations(FAILED_LOGINS_THEN_SUCCESS);
  const [outer, inner] = rules;
  const login = (name: string, at: number, user = 'alice') =>
    hit(name, at, { User: user, EventID: name === 'failed_login' ? 4625 : 4624 });

  it('feeds the event_count match into the temporal_ordered rule', () => {
    const failures = Array.from({ length: 10 }, (_, i) => login('failed_login', i * 10 * SECOND));
    const matches = feed(engineFor(rules), [...failures, login('successful_login', 3 * MINUTE)]);
    expect(matches.map((match) => [match.rule.title, match.value, match.suppressed])).toEqual([
      [inner?.title, 10, true],
      [outer?.title, 2, false],
    ]);
    expect(matches[1]).toMatchObject({
      groupBy: { User: 'alice' },
      firstTimestamp: 0,
      lastTimestamp: 3 * MINUTE,
    });
    expect(matches[1]?.eventIds).toHaveLength(11);
  });

  it('does not fire when the success came first, or for another user', () => {
    const failures = Array.from({ length: 10 }, (_, i) => login('failed_login', MINUTE + i));
    const successFirst = feed(engineFor(rules), [login('successful_login', 0), ...failures]);
    expect(successFirst.map((match) => match.rule.title)).toEqual([inner?.title]);
    const otherUser = feed(engineFor(rules), [
      ...failures,
      login('successful_login', 2 * MINUTE, 'bob'),
    ]);
    expect(otherUser.map((match) => match.rule.title)).toEqual([inner?.title]);
  });

  it('marks the base rules as not alerting on their own (generate is false)', () => {
    expect(isStandaloneSuppressed({ name: 'failed_login' }, rules)).toBe(true);
    expect(isStandaloneSuppressed({ name: 'unrelated' }, rules)).toBe(false);
  });
});
