import { describe, expect, it } from 'vitest';
import { cloudtrailParser } from './cloudtrail.ts';
import { field, fieldText, jsonRecord, parseError, parseOk, parseOne } from './test-fixtures.ts';

describe('cloudtrail parser', () => {
  it('yields one event per record of a log file', () => {
    const events = parseOk(cloudtrailParser, jsonRecord('cloudtrail/log-file.json'));
    expect(events.map((event) => field(event, 'event.action'))).toEqual([
      'StartInstances',
      'CreateUser',
      'GetBucketAcl',
    ]);
  });

  it('maps an IAM user API call as Elastic aws.cloudtrail does', () => {
    const [doc] = parseOk(cloudtrailParser, jsonRecord('cloudtrail/log-file.json'));
    expect(doc?.['@timestamp']).toBe('2023-07-19T21:17:28.000Z');
    expect(field(doc, 'event')).toEqual({
      kind: 'event',
      module: 'aws',
      dataset: 'aws.cloudtrail',
      action: 'StartInstances',
      provider: 'ec2.amazonaws.com',
      id: 'e755e09c-42f9-4c5c-9064-EXAMPLE228c7',
      outcome: 'success',
      type: ['info'],
    });
    expect(field(doc, 'cloud')).toEqual({
      provider: 'aws',
      region: 'us-east-1',
      account: { id: '123456789012' },
    });
    expect(field(doc, 'source')).toEqual({ address: '192.0.2.0', ip: '192.0.2.0' });
    expect(field(doc, 'user')).toEqual({ name: 'Alice', id: 'AIDAJ45Q7YFFAREXAMPLE' });
    expect(fieldText(doc, 'user_agent.original')).toMatch(/^aws-cli\/2\.13\.5/);
    expect(field(doc, 'tls')).toEqual({
      version_protocol: 'tls',
      version: '1.2',
      cipher: 'ECDHE-RSA-AES128-GCM-SHA256',
      client: { server_name: 'ec2.us-east-1.amazonaws.com' },
    });
    expect(field(doc, 'aws.cloudtrail.user_identity')).toMatchObject({
      type: 'IAMUser',
      arn: 'arn:aws:iam::123456789012:user/Alice',
      access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      session_context: { mfa_authenticated: 'false', creation_date: '2023-07-19T21:11:57.000Z' },
    });
    expect(field(doc, 'aws.cloudtrail')).toMatchObject({
      event_version: '1.08',
      event_type: 'AwsApiCall',
      event_category: 'Management',
      request_id: 'e4336db0-149f-4a6b-844d-EXAMPLEb9d16',
      recipient_account_id: '123456789012',
      read_only: false,
      management_event: true,
      sessionCredentialFromConsole: 'true',
    });
  });

  it('keeps request parameters and response elements as JSON text and as objects', () => {
    const [doc] = parseOk(cloudtrailParser, jsonRecord('cloudtrail/log-file.json'));
    const text = fieldText(doc, 'aws.cloudtrail.request_parameters');
    expect(JSON.parse(text)).toEqual({
      instancesSet: {
        items: [{ instanceId: 'i-EXAMPLE56126103cb' }, { instanceId: 'i-EXAMPLEaff4840c22' }],
      },
    });
    expect(
      field(doc, 'aws.cloudtrail.flattened.request_parameters.instancesSet.items'),
    ).toHaveLength(2);
    expect(field(doc, 'aws.cloudtrail.flattened.response_elements.requestId')).toBe(
      'e4336db0-149f-4a6b-844d-EXAMPLEb9d16',
    );
  });

  it('takes the user of an assumed role from its session issuer and maps IAM targets', () => {
    const [, doc] = parseOk(cloudtrailParser, jsonRecord('cloudtrail/log-file.json'));
    expect(field(doc, 'user.name')).toBe('JohnDoe');
    expect(field(doc, 'user.id')).toBe('AROAIN5ATK5U7KEXAMPLE:JohnRole1');
    expect(field(doc, 'user.target')).toEqual({ name: 'Bob', id: 'AIDACKCEVSQ6C2EXAMPLE' });
    expect(field(doc, 'event.category')).toEqual(['iam']);
    expect(field(doc, 'event.type')).toEqual(['user', 'creation']);
    expect(field(doc, 'source.ip')).toBe('2001:db8::1234');
    expect(field(doc, 'related.user')).toEqual(['JohnDoe', 'Bob']);
    expect(field(doc, 'aws.cloudtrail.user_identity.session_context.session_issuer')).toEqual({
      type: 'Role',
      principal_id: 'AROAIN5ATK5U7KEXAMPLE',
      arn: 'arn:aws:iam::111122223333:role/JohnDoe',
      account_id: '111122223333',
      user_name: 'JohnDoe',
    });
    // Unmapped session fields are kept.
    expect(field(doc, 'aws.cloudtrail.user_identity.session_context.sourceIdentity')).toBe('jdoe');
  });

  it('keeps a service name in sourceIPAddress as source.address only', () => {
    const [, , doc] = parseOk(cloudtrailParser, jsonRecord('cloudtrail/log-file.json'));
    expect(field(doc, 'source')).toEqual({ address: 'cloudtrail.amazonaws.com' });
    expect(field(doc, 'aws.cloudtrail.user_identity')).toEqual({
      type: 'AWSService',
      invoked_by: 'cloudtrail.amazonaws.com',
    });
    expect(field(doc, 'user')).toBeUndefined();
    expect(field(doc, 'aws.cloudtrail.response_elements')).toBeUndefined();
    expect(field(doc, 'aws.cloudtrail.resources')).toEqual([
      {
        accountId: '777788889999',
        type: 'AWS::S3::Bucket',
        ARN: 'arn:aws:s3:::amzn-s3-demo-bucket',
      },
    ]);
    expect(field(doc, 'aws.cloudtrail.shared_event_id')).toBe(
      '2fb0c5f3-5c5a-4d57-a5d4-EXAMPLE1d2f3',
    );
    expect(field(doc, 'aws.cloudtrail.flattened.request_parameters.acl')).toBe('');
    expect(field(doc, 'cloud.account.id')).toBe('777788889999');
  });

  it('makes a root console login recognisable', () => {
    const doc = parseOne(cloudtrailParser, jsonRecord('cloudtrail/console-login-root.json'));
    expect(field(doc, 'aws.cloudtrail.user_identity.type')).toBe('Root');
    expect(field(doc, 'aws.cloudtrail.user_identity.arn')).toBe('arn:aws:iam::111122223333:root');
    expect(field(doc, 'event.action')).toBe('ConsoleLogin');
    expect(field(doc, 'event.category')).toEqual(['authentication']);
    expect(field(doc, 'event.type')).toEqual(['info']);
    expect(field(doc, 'event.outcome')).toBe('success');
    expect(field(doc, 'user.id')).toBe('111122223333');
    expect(field(doc, 'aws.cloudtrail.console_login.additional_eventdata')).toEqual({
      mobile_version: false,
      login_to:
        'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_example80afca13',
      mfa_used: false,
    });
    expect(field(doc, 'aws.cloudtrail.request_parameters')).toBeUndefined();
  });

  it('takes the console login outcome from the response', () => {
    const doc = parseOne(cloudtrailParser, jsonRecord('cloudtrail/console-login-failure.json'));
    expect(field(doc, 'event.outcome')).toBe('failure');
    expect(field(doc, 'aws.cloudtrail.error_message')).toBe('Failed authentication');
    expect(field(doc, 'aws.cloudtrail.console_login.additional_eventdata.mfa_used')).toBe(true);
    expect(field(doc, 'user.name')).toBe('Mary');
  });

  it('marks calls with an error code as failures', () => {
    const doc = parseOne(cloudtrailParser, jsonRecord('cloudtrail/access-denied.json'));
    expect(field(doc, 'event.outcome')).toBe('failure');
    expect(field(doc, 'aws.cloudtrail.error_code')).toBe('AccessDenied');
    expect(field(doc, 'event.category')).toEqual(['configuration']);
    expect(field(doc, 'source')).toEqual({ address: 'AWS Internal' });
    expect(field(doc, 'user.name')).toBe('ci-deploy');
  });

  it('detects records and log files, not other JSON', () => {
    expect(cloudtrailParser.detect(jsonRecord('cloudtrail/log-file.json'))).toBe(true);
    expect(cloudtrailParser.detect(jsonRecord('cloudtrail/console-login-root.json'))).toBe(true);
    expect(cloudtrailParser.detect({ kind: 'json', value: { eventName: 'x' } })).toBe(false);
    expect(cloudtrailParser.detect({ kind: 'text', text: '{"Records":[]}' })).toBe(false);
  });

  it('accepts an empty log file', () => {
    expect(parseOk(cloudtrailParser, { kind: 'json', value: { Records: [] } })).toEqual([]);
  });

  it('names the record and field of an invalid time', () => {
    const error = parseError(cloudtrailParser, jsonRecord('cloudtrail/bad-time.json'));
    expect(error).toEqual({
      parser: 'cloudtrail',
      message: 'Records[3].eventTime: not a valid timestamp',
      path: 'Records[3].eventTime',
    });
    expect(
      parseError(cloudtrailParser, { kind: 'json', value: { eventName: 'X', eventTime: 12 } }).path,
    ).toBe('eventTime');
  });

  it('rejects input that is not a record or a log file', () => {
    expect(parseError(cloudtrailParser, { kind: 'json', value: { Records: {} } }).message).toBe(
      'Records: expected an array, got an object',
    );
    expect(parseError(cloudtrailParser, { kind: 'json', value: { Records: [1] } }).message).toBe(
      'Records[0]: expected an object, got a number',
    );
    expect(parseError(cloudtrailParser, { kind: 'json', value: [] }).message).toBe(
      'expected a JSON object, got an array',
    );
    expect(parseError(cloudtrailParser, { kind: 'text', text: '{"Records": [' }).message).toMatch(
      /^not valid JSON/,
    );
  });

  it('parses a record sent as a text line', () => {
    const doc = parseOne(cloudtrailParser, {
      kind: 'text',
      text: '{"eventVersion":"1.08","eventName":"ListBuckets","eventSource":"s3.amazonaws.com"}',
    });
    expect(field(doc, 'event.action')).toBe('ListBuckets');
    expect(doc['@timestamp']).toBe('2024-01-03T12:00:00.000Z');
  });

  it('keeps fields it does not know, giving way where it writes the same name', () => {
    const doc = parseOne(cloudtrailParser, {
      kind: 'json',
      value: {
        addendum: { reason: 'DELIVERY_DELAY' },
        event_version: 'stray',
        flattened: 'stray',
        request_parameters: 'kept',
        eventVersion: '1.09',
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
        eventTime: '2024-01-01T00:00:00Z',
        userIdentity: { type: 'Root', account_id: 'stray', sessionContext: { extra: 1 } },
      },
    });
    // A name the mapping writes takes the place of the record's field (and drops it when the
    // mapping has no value for it); other fields keep their names, ahead of the mapped ones.
    expect(field(doc, 'aws.cloudtrail')).toEqual({
      addendum: { reason: 'DELIVERY_DELAY' },
      event_version: '1.09',
      request_parameters: 'kept',
      user_identity: { type: 'Root', session_context: { extra: 1 } },
    });
    expect(Object.keys(field(doc, 'aws.cloudtrail') as object)).toEqual([
      'addendum',
      'event_version',
      'request_parameters',
      'user_identity',
    ]);
  });
});
