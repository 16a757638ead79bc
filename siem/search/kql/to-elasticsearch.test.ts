import { describe, expect, it } from 'vitest';
import type { ElasticsearchQuery, ElasticsearchQueryOptions } from './index.ts';
import { parseKql, toElasticsearchQuery } from './index.ts';

const FIELD_TYPES = {
  'host.name': 'keyword',
  'process.name': 'keyword',
  'event.code': 'constant_keyword',
  message: 'match_only_text',
  'user.full_name': 'text',
  '@timestamp': 'date',
  'source.bytes': 'long',
  'destination.bytes': 'long',
  'winlog.event_data.TargetUserName': 'keyword',
  'winlog.event_data.SubjectUserName': 'keyword',
};
const typed: ElasticsearchQueryOptions = { fieldTypes: FIELD_TYPES };
const es = (query: string, options?: ElasticsearchQueryOptions): ElasticsearchQuery =>
  toElasticsearchQuery(parseKql(query), options);

describe('toElasticsearchQuery: without field types (Kibana defaults)', () => {
  it.each<[string, ElasticsearchQuery]>([
    ['', { match_all: {} }],
    ['*', { match_all: {} }],
    ['mimikatz', { multi_match: { type: 'best_fields', query: 'mimikatz', lenient: true } }],
    ['"lsass.exe"', { multi_match: { type: 'phrase', query: 'lsass.exe', lenient: true } }],
    ['mimi*', { query_string: { query: 'mimi*' } }],
    ['*a+b \\(c\\) \\AND d*', { query_string: { query: '*a\\+b \\(c\\) \\AND d*' } }],
    ['host.name:web-01', { match: { 'host.name': 'web-01' } }],
    ['host.name:"web 01"', { match_phrase: { 'host.name': 'web 01' } }],
    ['host.name:web-*', { wildcard: { 'host.name': { value: 'web-*', case_insensitive: true } } }],
    [
      'file.name:a?b\\\\c\\**',
      { wildcard: { 'file.name': { value: 'a\\?b\\\\c\\**', case_insensitive: true } } },
    ],
    ['user.name:*', { exists: { field: 'user.name' } }],
    ['winlog.*:*', { exists: { field: 'winlog.*' } }],
    ['bytes > 5', { range: { bytes: { gt: 5 } } }],
    ['@timestamp <= "2024-01-01"', { range: { '@timestamp': { lte: '2024-01-01' } } }],
    [
      'winlog.event_data.*:bob',
      {
        multi_match: {
          type: 'best_fields',
          query: 'bob',
          fields: ['winlog.event_data.*'],
          lenient: true,
        },
      },
    ],
    [
      'winlog.event_data.*:"bob smith"',
      {
        multi_match: {
          type: 'phrase',
          query: 'bob smith',
          fields: ['winlog.event_data.*'],
          lenient: true,
        },
      },
    ],
    [
      'winlog.event_data.*:bo*',
      { query_string: { query: 'bo*', fields: ['winlog.event_data.*'] } },
    ],
  ])('%j', (query, expected) => {
    expect(es(query)).toEqual(expected);
  });
});

describe('toElasticsearchQuery: boolean structure', () => {
  const a = { multi_match: { type: 'best_fields', query: 'a', lenient: true } } as const;
  const b = { multi_match: { type: 'best_fields', query: 'b', lenient: true } } as const;
  const c = { multi_match: { type: 'best_fields', query: 'c', lenient: true } } as const;

  it.each<[string, ElasticsearchQuery]>([
    ['a and b', { bool: { filter: [a, b] } }],
    ['a or b', { bool: { should: [a, b], minimum_should_match: 1 } }],
    ['not a', { bool: { must_not: [a] } }],
    [
      'a or not b and c',
      {
        bool: {
          should: [a, { bool: { filter: [{ bool: { must_not: [b] } }, c] } }],
          minimum_should_match: 1,
        },
      },
    ],
  ])('%j', (query, expected) => {
    expect(es(query)).toEqual(expected);
  });

  it('puts and-children in must when asked to score', () => {
    expect(es('a and b', { andClause: 'must' })).toEqual({ bool: { must: [a, b] } });
  });

  it('searches the given free-text fields', () => {
    expect(es('a', { freeTextFields: ['message', 'host.*'] })).toEqual({
      multi_match: {
        type: 'best_fields',
        query: 'a',
        lenient: true,
        fields: ['message', 'host.*'],
      },
    });
    expect(es('a*', { freeTextFields: ['message'] })).toEqual({
      query_string: { query: 'a*', fields: ['message'] },
    });
  });
});

describe('toElasticsearchQuery: with field types', () => {
  it.each<[string, ElasticsearchQuery]>([
    ['host.name:web-01', { term: { 'host.name': { value: 'web-01', case_insensitive: true } } }],
    ['host.name:"web 01"', { term: { 'host.name': { value: 'web 01', case_insensitive: true } } }],
    ['event.code:4624', { term: { 'event.code': { value: '4624', case_insensitive: true } } }],
    ['host.name:web*', { wildcard: { 'host.name': { value: 'web*', case_insensitive: true } } }],
    ['message:error', { match: { message: 'error' } }],
    ['message:"disk full"', { match_phrase: { message: 'disk full' } }],
    ['user.full_name:jo*', { query_string: { query: 'jo*', fields: ['user.full_name'] } }],
    [
      'source.bytes:12*',
      { query_string: { query: '12*', fields: ['source.bytes'], lenient: true } },
    ],
    ['source.bytes:12', { match: { 'source.bytes': '12' } }],
    [
      '@timestamp:2024-01-01',
      { range: { '@timestamp': { gte: '2024-01-01', lte: '2024-01-01' } } },
    ],
    ['unknown.field:x', { match: { 'unknown.field': 'x' } }],
    [
      'winlog.event_data.*:bob',
      {
        bool: {
          should: [
            {
              term: {
                'winlog.event_data.TargetUserName': { value: 'bob', case_insensitive: true },
              },
            },
            {
              term: {
                'winlog.event_data.SubjectUserName': { value: 'bob', case_insensitive: true },
              },
            },
          ],
          minimum_should_match: 1,
        },
      },
    ],
    [
      '*.bytes >= 10',
      {
        bool: {
          should: [
            { range: { 'source.bytes': { gte: 10 } } },
            { range: { 'destination.bytes': { gte: 10 } } },
          ],
          minimum_should_match: 1,
        },
      },
    ],
    [
      'nomatch.*:x',
      { multi_match: { type: 'best_fields', query: 'x', fields: ['nomatch.*'], lenient: true } },
    ],
  ])('%j', (query, expected) => {
    expect(es(query, typed)).toEqual(expected);
  });

  it('leaves case sensitivity to the mapping when asked', () => {
    expect(es('host.name:Web* or host.name:Web', { ...typed, caseInsensitive: false })).toEqual({
      bool: {
        should: [
          { wildcard: { 'host.name': { value: 'Web*' } } },
          { term: { 'host.name': { value: 'Web' } } },
        ],
        minimum_should_match: 1,
      },
    });
  });

  it('applies the time zone to date fields only', () => {
    const options = { ...typed, timeZone: 'Europe/Paris' };
    expect(es('@timestamp > now-1h and source.bytes > 5', options)).toEqual({
      bool: {
        filter: [
          { range: { '@timestamp': { gt: 'now-1h', time_zone: 'Europe/Paris' } } },
          { range: { 'source.bytes': { gt: 5 } } },
        ],
      },
    });
    expect(es('@timestamp:"2024-01-01"', options)).toEqual({
      range: { '@timestamp': { gte: '2024-01-01', lte: '2024-01-01', time_zone: 'Europe/Paris' } },
    });
  });

  it('refuses a range over a field pattern it cannot expand', () => {
    expect(() => toElasticsearchQuery(parseKql('a or x.* > 5', { spans: true }))).toThrow(
      expect.objectContaining({
        code: 'SIEM_QUERY_UNSUPPORTED',
        details: { field: 'x.*', span: { start: 5, end: 12 } },
      }),
    );
    expect(() => es('nomatch.* > 5', typed)).toThrow(
      expect.objectContaining({ code: 'SIEM_QUERY_UNSUPPORTED' }),
    );
  });

  it('does not treat inherited object keys as field types', () => {
    expect(es('constructor:x', typed)).toEqual({ match: { constructor: 'x' } });
  });
});
