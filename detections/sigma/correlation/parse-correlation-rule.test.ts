import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRuleDocuments } from '../rule-document.ts';
import { parseCorrelationRule } from './parse-correlation-rule.ts';
import type { ParseCorrelationResult } from './parse-correlation-rule.ts';
import {
  AVERAGE_BYTES_OUT,
  EXFILTRATION_BYTES,
  FAILED_LOGIN_MANY_USERS,
  FAILED_LOGINS_THEN_SUCCESS,
  INTERNAL_ERROR_AND_CONNECTION,
  LATENCY_P95,
  MANY_FAILED_LOGINS,
  RARE_PROCESS_NO_PERCENTILE,
  RECON_COMMANDS,
} from './spec-examples.ts';
import { correlation, correlations } from './test-fixtures.ts';

function parseYaml(text: string): ParseCorrelationResult {
  return parseCorrelationRule(parse(text) as Record<string, unknown>);
}

/** A minimal valid event_count rule with `correlation` keys replaced or added. */
function withSection(section: Record<string, unknown>, top: Record<string, unknown> = {}) {
  return parseCorrelationRule({
    title: 'test',
    ...top,
    correlation: {
      type: 'event_count',
      rules: ['base'],
      timespan: '5m',
      condition: { gte: 2 },
      ...section,
    },
  });
}

function issuesOf(result: ParseCorrelationResult) {
  if (result.ok) throw new Error('expected the rule to be refused');
  return result.issues;
}

describe('parseCorrelationRule: the specification examples', () => {
  it('reads the event_count example', () => {
    expect(correlation(MANY_FAILED_LOGINS)).toEqual({
      id: '0e95725d-7320-415d-80f7-004da920fc11',
      title: 'Many failed logins',
      type: 'event_count',
      rules: ['5638f7c0-ac70-491d-8465-2a65075e0d86'],
      groupBy: ['ComputerName'],
      timespan: '1h',
      timespanMs: 3_600_000,
      condition: { comparisons: [{ op: 'gte', value: 100 }], fields: [] },
      aliases: {},
      generate: false,
    });
  });

  it('reads the value_count example with its field', () => {
    const rule = correlation(FAILED_LOGIN_MANY_USERS);
    expect(rule.type).toBe('value_count');
    expect(rule.groupBy).toEqual(['ComputerName', 'WorkstationName']);
    expect(rule.condition).toEqual({ comparisons: [{ op: 'gte', value: 100 }], fields: ['User'] });
    expect(rule.timespanMs).toBe(86_400_000);
  });

  it('gives temporal rules without a condition "all referenced rules" (gte their number)', () => {
    const rule = correlation(RECON_COMMANDS);
    expect(rule.type).toBe('temporal');
    expect(rule.condition.comparisons).toEqual([{ op: 'gte', value: 3 }]);
  });

  it('reads aliases as alias → rule name → field', () => {
    expect(correlation(INTERNAL_ERROR_AND_CONNECTION).aliases).toEqual({
      internal_ip: { internal_error: 'destination.ip', new_network_connection: 'source.ip' },
      remote_ip: { internal_error: 'source.ip', new_network_connection: 'destination.ip' },
    });
  });

  it('reads the chained example: a temporal_ordered rule over an event_count rule', () => {
    const [outer, inner] = correlations(FAILED_LOGINS_THEN_SUCCESS);
    expect(outer).toMatchObject({
      id: 'b180ead8-d58f-40b2-ae54-c8940995b9b6',
      type: 'temporal_ordered',
      rules: ['multiple_failed_login', 'successful_login'],
      level: 'high',
      condition: { comparisons: [{ op: 'gte', value: 2 }] },
    });
    expect(inner).toMatchObject({ name: 'multiple_failed_login', type: 'event_count' });
  });

  it('reads the metric types', () => {
    expect(correlation(EXFILTRATION_BYTES).condition).toEqual({
      comparisons: [{ op: 'gt', value: 1_000_000 }],
      fields: ['bytes_sent'],
    });
    expect(correlation(AVERAGE_BYTES_OUT).type).toBe('value_avg');
    expect(correlation(LATENCY_P95).condition).toEqual({
      comparisons: [{ op: 'gte', value: 500 }],
      fields: ['Latency'],
      percentile: 95,
    });
  });

  it('reads value_median as the 50th percentile', () => {
    const result = withSection({ type: 'value_median', condition: { field: 'ms', gt: 1.5 } });
    expect(result.ok && result.rule.condition).toEqual({
      comparisons: [{ op: 'gt', value: 1.5 }],
      fields: ['ms'],
      percentile: 50,
    });
  });
});

describe('parseCorrelationRule: accepted variations', () => {
  it('joins several operators with AND (a range) and allows neq', () => {
    const result = withSection({ condition: { gt: 100, lte: 200, neq: 150 } });
    expect(result.ok && result.rule.condition.comparisons).toEqual([
      { op: 'gt', value: 100 },
      { op: 'lte', value: 200 },
      { op: 'neq', value: 150 },
    ]);
  });

  it('takes a single rule or group-by field written as a string, and no group-by at all', () => {
    const single = withSection({ rules: 'base', 'group-by': 'User' });
    expect(single.ok && [single.rule.rules, single.rule.groupBy]).toEqual([['base'], ['User']]);
    const ungrouped = withSection({});
    expect(ungrouped.ok && ungrouped.rule.groupBy).toEqual([]);
  });

  it('reads generate inside correlation (pySigma) or at the top level (the specification)', () => {
    const inside = withSection({ generate: true });
    const top = withSection({}, { generate: true });
    expect(inside.ok && inside.rule.generate).toBe(true);
    expect(top.ok && top.rule.generate).toBe(true);
  });

  it('lets value_count count distinct combinations of several fields', () => {
    const result = withSection({ type: 'value_count', condition: { field: ['a', 'b'], gt: 3 } });
    expect(result.ok && result.rule.condition.fields).toEqual(['a', 'b']);
  });

  it('keeps an alias or rule called __proto__ an ordinary key', () => {
    const result = withSection({
      rules: ['__proto__'],
      aliases: JSON.parse('{"__proto__": {"__proto__": "x"}}') as unknown,
    });
    expect(result.ok && Object.getPrototypeOf(result.rule.aliases)).toBe(Object.prototype);
    expect(result.ok && Object.keys(result.rule.aliases)).toEqual(['__proto__']);
  });
});

describe('parseCorrelationRule: invalid documents, each issue at its path', () => {
  it.each<[string, ParseCorrelationResult, (string | number)[]]>([
    [
      'no correlation mapping',
      parseCorrelationRule({ title: 't', correlation: 'x' }),
      ['correlation'],
    ],
    ['missing type', withSection({ type: undefined }), ['correlation']],
    ['unknown type', withSection({ type: 'event_sum' }), ['correlation', 'type']],
    ['missing timespan', withSection({ timespan: undefined }), ['correlation']],
    ['timespan without unit', withSection({ timespan: '10' }), ['correlation', 'timespan']],
    ['timespan with unknown unit', withSection({ timespan: '10x' }), ['correlation', 'timespan']],
    ['zero timespan', withSection({ timespan: '0s' }), ['correlation', 'timespan']],
    ['numeric timespan', withSection({ timespan: 300 }), ['correlation', 'timespan']],
    ['empty rules list', withSection({ rules: [] }), ['correlation', 'rules']],
    ['missing rules', withSection({ rules: undefined }), ['correlation']],
    ['rule listed twice', withSection({ rules: ['a', 'a'] }), ['correlation', 'rules', 1]],
    ['non-string rule', withSection({ rules: ['a', 7] }), ['correlation', 'rules', 1]],
    ['self reference', withSection({ rules: ['me'] }, { name: 'me' }), ['correlation', 'rules', 0]],
    ['missing condition', withSection({ condition: undefined }), ['correlation']],
    ['condition not a mapping', withSection({ condition: 'gte 2' }), ['correlation', 'condition']],
    [
      'unknown operator',
      withSection({ condition: { gtx: 2 } }),
      ['correlation', 'condition', 'gtx'],
    ],
    ['no operator', withSection({ condition: {} }), ['correlation', 'condition']],
    [
      'text threshold',
      withSection({ condition: { gte: 'ten' } }),
      ['correlation', 'condition', 'gte'],
    ],
    [
      'fractional count',
      withSection({ condition: { gte: 2.5 } }),
      ['correlation', 'condition', 'gte'],
    ],
    ['negative count', withSection({ condition: { gt: -1 } }), ['correlation', 'condition', 'gt']],
    [
      'temporal asking for more rules than listed',
      withSection({ type: 'temporal', rules: ['a', 'b'], condition: { gte: 3 } }),
      ['correlation', 'condition', 'gte'],
    ],
    [
      'value_sum without field',
      withSection({ type: 'value_sum', condition: { gt: 2 } }),
      ['correlation', 'condition'],
    ],
    [
      'value_avg with a field list',
      withSection({ type: 'value_avg', condition: { field: ['a', 'b'], gt: 2 } }),
      ['correlation', 'condition', 'field'],
    ],
    [
      'field on event_count',
      withSection({ condition: { field: 'User', gte: 2 } }),
      ['correlation', 'condition', 'field'],
    ],
    [
      'percentile out of range',
      withSection({ type: 'value_percentile', condition: { field: 'x', percentile: 101, gt: 1 } }),
      ['correlation', 'condition', 'percentile'],
    ],
    [
      'alias naming a rule not listed',
      withSection({ aliases: { ip: { base: 'source.ip', other: 'destination.ip' } } }),
      ['correlation', 'aliases', 'ip', 'other'],
    ],
    [
      'alias not a mapping',
      withSection({ aliases: { ip: 'source.ip' } }),
      ['correlation', 'aliases', 'ip'],
    ],
    ['aliases not a mapping', withSection({ aliases: ['ip'] }), ['correlation', 'aliases']],
    ['group-by twice', withSection({ 'group-by': ['a', 'a'] }), ['correlation', 'group-by', 1]],
    ['group-by not a list', withSection({ 'group-by': { a: 1 } }), ['correlation', 'group-by']],
    ['generate not a boolean', withSection({ generate: 'yes' }), ['correlation', 'generate']],
    ['unknown correlation key', withSection({ groupby: ['a'] }), ['correlation', 'groupby']],
    ['field beside condition', withSection({ field: 'User' }), ['correlation', 'field']],
    ['missing title', withSection({}, { title: undefined }), []],
    ['unknown level', withSection({}, { level: 'severe' }), ['level']],
    ['numeric id', withSection({}, { id: 42 }), ['id']],
  ])('%s', (_, result, path) => {
    const issues = issuesOf(result);
    expect(issues.map((issue) => issue.path)).toContainEqual(path);
    expect(result).not.toHaveProperty('unsupported');
  });

  it('reports every problem of a document at once', () => {
    const issues = issuesOf(withSection({ type: 'nope', rules: [], timespan: '5x' }));
    expect(issues.map((issue) => issue.path)).toEqual([
      ['correlation', 'type'],
      ['correlation', 'rules'],
      ['correlation', 'timespan'],
    ]);
  });

  it('gives paths the YAML reader turns into line numbers', () => {
    const text = `title: Bad
correlation:
    type: event_count
    rules:
        - base
    timespan: 5m
    condition:
        gte: 2
    aliases:
        user:
            other_rule: user.name
`;
    const read = readRuleDocuments(text);
    if (!read.ok) throw new Error(read.message);
    const [document] = read.documents;
    const [issue] = issuesOf(parseCorrelationRule(document?.value as Record<string, unknown>));
    expect(issue?.path).toEqual(['correlation', 'aliases', 'user', 'other_rule']);
    expect(document?.lineOf(issue?.path ?? [])).toBe(11);
  });
});

describe('parseCorrelationRule: valid but unsupported features', () => {
  it.each<[string, ParseCorrelationResult, string, (string | number)[]]>([
    [
      'value_min type',
      withSection({ type: 'value_min', condition: { field: 'x', lt: 1 } }),
      'value_min',
      ['correlation', 'type'],
    ],
    [
      'calendar timespan',
      withSection({ timespan: '1M' }),
      'timespan-calendar-unit',
      ['correlation', 'timespan'],
    ],
    [
      'boolean temporal condition',
      withSection({ type: 'temporal', rules: ['a', 'b'], condition: 'a and not b' }),
      'extended-temporal-condition',
      ['correlation', 'condition'],
    ],
    [
      'value_percentile without percentile (SigmaHQ test rule)',
      parseYaml(RARE_PROCESS_NO_PERCENTILE),
      'value_percentile-without-percentile',
      ['correlation', 'condition'],
    ],
  ])('%s', (_, result, feature, path) => {
    expect(result).toMatchObject({ ok: false, unsupported: feature });
    expect(issuesOf(result).map((issue) => issue.path)).toEqual([path]);
  });

  it('reports an invalid document as invalid even when it also uses an unsupported feature', () => {
    const result = withSection({ timespan: '1y', rules: [] });
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('unsupported');
  });
});
