import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadMappings } from '../mappings/logsource-mapping.ts';
import { testRule } from './rule-test.ts';

// Testing a rule text against events, as `POST /detections/test` does: the starter pack's
// encoded-PowerShell rule over its own raw Winlogbeat records, and a correlation over ECS events.

const mappings = loadMappings();
const receivedAt = Date.UTC(2030, 0, 1);
const pack = new URL('../packs/starter/', import.meta.url);
const ENCODED_POWERSHELL = readFileSync(
  new URL('rules/win_powershell_encoded_command.yml', pack),
  'utf8',
);
const cases = parse(
  readFileSync(new URL('tests/win_powershell_encoded_command.yml', pack), 'utf8'),
) as Record<'positive' | 'negative', { record: unknown }[]>;

const FAILED_LOGIN = `title: Failed Login
id: dddddddd-0000-4000-8000-000000000001
name: failed_login
level: low
logsource: { product: testapp }
detection:
  selection:
    event.outcome: failure
  condition: selection
---
title: Many Failed Logins
id: dddddddd-0000-4000-8000-000000000002
level: high
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [user.name]
  timespan: 5m
  condition: { gte: 3 }
`;

const login = (user: string, outcome: string, minute: number) => ({
  '@timestamp': new Date(Date.UTC(2026, 10, 1, 10, minute)).toISOString(),
  event: { module: 'testapp', outcome },
  user: { name: user },
});

describe('testRule', () => {
  it('matches the positive raw records and none of the negative ones, parsed as ingest parses them', () => {
    const positive = cases.positive.map((c) => c.record);
    const negative = cases.negative.map((c) => c.record);
    const result = testRule(ENCODED_POWERSHELL, [...positive, ...negative], {
      mappings,
      parser: 'auto',
      receivedAt,
    });
    expect(result.problems).toEqual([]);
    expect(result.rules).toEqual([
      {
        id: '138311aa-d799-44dc-9267-76ba50c2e6c5',
        kind: 'rule',
        title: 'PowerShell With an Encoded Command',
        level: 'medium',
        line: expect.any(Number) as unknown,
      },
    ]);
    expect(result.rejected).toEqual([]);
    expect(result.events.map((e) => e.matched)).toEqual([
      ...positive.map(() => true),
      ...negative.map(() => false),
    ]);
    expect(result.events[0]).toMatchObject({
      index: 0,
      document: 0,
      timestamp: '2026-11-20T09:14:03.512Z',
      matches: [{ title: 'PowerShell With an Encoded Command', level: 'medium', alerts: true }],
      ecs: { host: { name: 'wks-042.corp.example.com' } },
    });
  });

  it('runs correlations over the events in time order, and says which events made them', () => {
    const events = [
      login('eve', 'failure', 3),
      login('bob', 'failure', 1),
      login('eve', 'success', 2),
      login('eve', 'failure', 1),
      login('eve', 'failure', 4),
    ];
    const result = testRule(FAILED_LOGIN, events, { mappings, receivedAt });
    expect(result.rules.map((r) => [r.kind, r.line])).toEqual([
      ['rule', 1],
      ['correlation', 11],
    ]);
    expect(result.events.map((e) => e.matched)).toEqual([true, true, false, true, true]);
    // The base rule feeds the correlation (generate: false): it matches but alerts no more.
    expect(result.events[0]?.matches).toEqual([
      {
        id: 'dddddddd-0000-4000-8000-000000000001',
        title: 'Failed Login',
        level: 'low',
        alerts: false,
      },
    ]);
    expect(result.events[0]).not.toHaveProperty('ecs');
    expect(result.correlations).toEqual([
      {
        id: 'dddddddd-0000-4000-8000-000000000002',
        title: 'Many Failed Logins',
        level: 'high',
        type: 'event_count',
        groupBy: { 'user.name': 'eve' },
        value: 3,
        eventIndexes: [3, 0, 4],
        firstTimestamp: '2026-11-01T10:01:00.000Z',
        lastTimestamp: '2026-11-01T10:04:00.000Z',
        alerts: true,
      },
    ]);
    expect(
      testRule(FAILED_LOGIN, events.slice(0, 3), { mappings, receivedAt }).correlations,
    ).toEqual([]);
  });

  it('reports compile problems with their line, and events it cannot use by position', () => {
    const broken = FAILED_LOGIN.replace(
      'event.outcome: failure',
      'event.outcome|sideways: failure',
    );
    const result = testRule(
      broken,
      [
        'a text record without a parser',
        { '@timestamp': 'yesterday-ish' },
        login('eve', 'failure', 1),
      ],
      { mappings, receivedAt },
    );
    expect(result.problems).toEqual([
      expect.objectContaining({ line: 8, kind: 'invalid', title: 'Failed Login' }),
    ]);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        line: 11,
        message: expect.stringContaining('failed_login') as unknown,
      }),
    ]);
    expect(result.rejected).toEqual([
      { index: 0, message: expect.stringContaining('give a parser') as unknown },
      { index: 1, message: '@timestamp: not a valid date' },
    ]);
    expect(result.events).toEqual([expect.objectContaining({ index: 2, matched: false })]);
  });

  it('reports a record its parser refuses, and gives events without a time the receive time', () => {
    const result = testRule(FAILED_LOGIN, ['not cef'], {
      mappings,
      parser: 'cef',
      receivedAt,
    });
    expect(result.rejected).toEqual([
      { index: 0, message: expect.stringMatching(/^cef: /) as unknown },
    ]);
    const plain = testRule(FAILED_LOGIN, [{ event: { module: 'testapp', outcome: 'failure' } }], {
      mappings,
      receivedAt,
    });
    expect(plain.events).toEqual([
      expect.objectContaining({ timestamp: new Date(receivedAt).toISOString(), matched: true }),
    ]);
  });
});
