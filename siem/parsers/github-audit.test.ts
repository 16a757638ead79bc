import { describe, expect, it } from 'vitest';
import { githubAuditParser } from './github-audit.ts';
import { field, fieldText, jsonRecord, parseError, parseOk, parseOne } from './test-fixtures.ts';

describe('github-audit parser', () => {
  it('yields one event per element of an audit-log API response', () => {
    const events = parseOk(githubAuditParser, jsonRecord('github-audit/org-audit-log.json'));
    expect(events.map((event) => field(event, 'event.action'))).toEqual([
      'team.add_member',
      'org.create',
      'repo.destroy',
    ]);
  });

  it('maps a team membership change as Elastic github.audit does', () => {
    const [doc] = parseOk(githubAuditParser, jsonRecord('github-audit/org-audit-log.json'));
    expect(doc?.['@timestamp']).toBe('2020-12-02T17:24:34.512Z');
    expect(field(doc, 'event')).toEqual({
      kind: 'event',
      module: 'github',
      dataset: 'github.audit',
      action: 'team.add_member',
      id: 'xJJFlFOhQ6b-5vaAFy9Rjw',
      category: ['configuration', 'web', 'iam'],
      type: ['group', 'user', 'creation'],
    });
    expect(field(doc, 'user')).toEqual({
      name: 'octocat',
      target: { name: 'monalisa', group: { name: 'octo-corp/example-team' } },
    });
    expect(field(doc, 'group.name')).toBe('octo-corp/example-team');
    expect(field(doc, 'github')).toEqual({
      category: 'team',
      created_at: 1606929874512,
      org: 'octo-corp',
      team: 'octo-corp/example-team',
    });
    expect(field(doc, 'related.user')).toEqual(['octocat', 'monalisa']);
  });

  it('marks destroys as deletions', () => {
    const [, , doc] = parseOk(githubAuditParser, jsonRecord('github-audit/org-audit-log.json'));
    expect(field(doc, 'event.type')).toEqual(['deletion']);
    expect(field(doc, 'github.repo')).toBe('mona-org/mona-test-repo');
    expect(field(doc, 'github.visibility')).toBe('private');
  });

  it('makes a protected branch deletion recognisable, with the streaming fields', () => {
    const doc = parseOne(
      githubAuditParser,
      jsonRecord('github-audit/protected-branch-destroy.json'),
    );
    expect(field(doc, 'event.action')).toBe('protected_branch.destroy');
    expect(field(doc, 'event.type')).toEqual(['deletion']);
    expect(field(doc, 'event.category')).toEqual(['configuration', 'web']);
    expect(field(doc, 'user')).toEqual({ name: 'mallory-dev', id: '87654321' });
    expect(field(doc, 'source')).toEqual({ ip: '203.0.113.99', geo: { country_iso_code: 'DE' } });
    expect(field(doc, 'related.ip')).toEqual(['203.0.113.99']);
    expect(fieldText(doc, 'user_agent.original')).toMatch(/^Mozilla\/5\.0/);
    expect(field(doc, 'github')).toMatchObject({
      category: 'protected_branch',
      actor_ip: '203.0.113.99',
      business: 'example-enterprise',
      operation_type: 'remove',
      transport_protocol_name: 'http',
      repo: 'example-org/payments-api',
      name: 'main',
      actor_is_bot: false,
      request_access_security_header: null,
    });
    expect(field(doc, 'event.id')).toBe('pB7q2xYzAbCdEfGhIjKlMn');
  });

  it('uses created_at when there is no @timestamp, and sets no event.id without _document_id', () => {
    const doc = parseOne(githubAuditParser, jsonRecord('github-audit/org-add-member.json'));
    expect(doc['@timestamp']).toBe('2020-03-04T23:42:30.878Z');
    expect(field(doc, 'event.id')).toBeUndefined();
    expect(field(doc, 'user.target')).toEqual({
      name: 'github-user',
      id: '9919',
      group: { name: 'Example-Org' },
    });
    expect(field(doc, 'group.name')).toBe('Example-Org');
    expect(field(doc, 'source.geo.country_iso_code')).toBe('US');
    expect(field(doc, 'source.ip')).toBeUndefined();
  });

  it('detects audit events and arrays of them, not other JSON', () => {
    expect(githubAuditParser.detect(jsonRecord('github-audit/org-audit-log.json'))).toBe(true);
    expect(githubAuditParser.detect(jsonRecord('github-audit/org-add-member.json'))).toBe(true);
    expect(
      githubAuditParser.detect({
        kind: 'json',
        value: { action: 'opened', actor: 'x', created_at: 1 },
      }),
    ).toBe(false);
    expect(
      githubAuditParser.detect({ kind: 'json', value: { action: 'repo.create', actor: 'x' } }),
    ).toBe(false);
    expect(githubAuditParser.detect({ kind: 'json', value: [] })).toBe(false);
  });

  it('rejects events it cannot read, naming the element and field', () => {
    expect(
      parseError(githubAuditParser, {
        kind: 'json',
        value: [
          { action: 'a.b', created_at: 1 },
          { action: 'a.b', created_at: 'x' },
        ],
      }),
    ).toEqual({
      parser: 'github-audit',
      message: '[1].created_at: not a valid timestamp',
      path: '[1].created_at',
    });
    expect(parseError(githubAuditParser, { kind: 'json', value: { actor: 'x' } }).message).toBe(
      'action: missing',
    );
    expect(parseError(githubAuditParser, { kind: 'json', value: [1] }).message).toBe(
      '[0]: expected a JSON object, got a number',
    );
  });
});
