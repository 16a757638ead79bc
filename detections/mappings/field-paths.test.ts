import { describe, expect, it } from 'vitest';
import { createFieldPaths, toSnakeCase } from './field-paths.ts';

describe('createFieldPaths', () => {
  const product = {
    fields: { EventID: ['winlog.event_id', 'event.code'], Image: ['process.executable'] },
    defaults: ['winlog.event_data.{field}', '{field}'],
  };

  it("tries the logsource's own map, then its product's, then the default templates", () => {
    const paths = createFieldPaths([
      { fields: { Image: ['winlog.event_data.Image', 'process.executable'] } },
      product,
    ]);
    expect(paths('Image')).toEqual(['winlog.event_data.Image', 'process.executable']);
    expect(paths('EventID')).toEqual(['winlog.event_id', 'event.code']);
    expect(paths('GrantedAccess')).toEqual(['winlog.event_data.GrantedAccess', 'GrantedAccess']);
  });

  it("prefers the logsource's own default templates to its product's", () => {
    const paths = createFieldPaths([{ defaults: ['auditd.log.{field}'] }, product]);
    expect(paths('a0')).toEqual(['auditd.log.a0']);
  });

  it('reads a field as written when nothing maps it', () => {
    expect(createFieldPaths([])('logtype')).toEqual(['logtype']);
  });

  it('maps by the longest prefix, filling {rest}', () => {
    const paths = createFieldPaths([
      {
        fields: {
          'requestParameters.*': ['aws.flattened.request_parameters.{rest}'],
          'requestParameters.policy.*': ['aws.policy.{rest:snake}'],
          requestParameters: ['aws.request_parameters'],
        },
      },
    ]);
    expect(paths('requestParameters')).toEqual(['aws.request_parameters']);
    expect(paths('requestParameters.enable')).toEqual(['aws.flattened.request_parameters.enable']);
    expect(paths('requestParameters.policy.documentName')).toEqual(['aws.policy.document_name']);
  });

  it('drops duplicate paths and matches names case-sensitively', () => {
    const paths = createFieldPaths([{ defaults: ['{field}', '{field:snake}'] }]);
    expect(paths('verb')).toEqual(['verb']);
    expect(paths('eventType')).toEqual(['eventType', 'event_type']);
    const mapped = createFieldPaths([{ fields: { ProcessId: ['process.pid'] } }]);
    expect(mapped('ProcessID')).toEqual(['ProcessID']);
  });

  it('returns the same frozen list for the same field', () => {
    const paths = createFieldPaths([product]);
    expect(paths('Image')).toBe(paths('Image'));
    expect(Object.isFrozen(paths('Image'))).toBe(true);
  });
});

describe('toSnakeCase', () => {
  it('converts each dotted segment', () => {
    expect(toSnakeCase('userIdentity.sessionContext.sessionIssuer.type')).toBe(
      'user_identity.session_context.session_issuer.type',
    );
    expect(toSnakeCase('sourceIPAddress')).toBe('source_ip_address');
    expect(toSnakeCase('MFAUsed')).toBe('mfa_used');
    expect(toSnakeCase('ResultType')).toBe('result_type');
    expect(toSnakeCase('already_snake.x1Y')).toBe('already_snake.x1_y');
  });
});
