import { describe, expect, it } from 'vitest';
import { loadMappings, matchesFilter } from './logsource-mapping.ts';
import { fieldValue, fixtureEvent, lineEvent } from './test-fixtures.ts';

// Cloud, application and syslog events as our parsers store them, against the shipped data.
const mappings = loadMappings();

describe('aws cloudtrail', () => {
  const cloudtrail = mappings.resolve({ product: 'aws', service: 'cloudtrail' });
  const event = fixtureEvent('cloudtrail-delete-saml-provider.json');

  it('holds CloudTrail records', () => {
    expect(matchesFilter(cloudtrail.filter, event)).toBe(true);
  });

  it('reads record fields from their ECS and aws.cloudtrail homes', () => {
    expect(fieldValue(cloudtrail, event, 'eventName')).toBe('DeleteSAMLProvider');
    expect(fieldValue(cloudtrail, event, 'eventSource')).toBe('iam.amazonaws.com');
    expect(fieldValue(cloudtrail, event, 'status')).toBe('success');
    expect(fieldValue(cloudtrail, event, 'eventType')).toBe('AwsApiCall');
    expect(fieldValue(cloudtrail, event, 'userIdentity.type')).toBe('AssumedRole');
    expect(fieldValue(cloudtrail, event, 'userIdentity.arn')).toBe(
      'arn:aws:sts::444455556666:assumed-role/admin/alice',
    );
    expect(fieldValue(cloudtrail, event, 'userIdentity.sessionContext.sessionIssuer.type')).toBe(
      'Role',
    );
    expect(fieldValue(cloudtrail, event, 'requestParameters.enable')).toBe(false);
    expect(fieldValue(cloudtrail, event, 'requestParameters')).toContain('saml-provider/Okta');
    expect(fieldValue(cloudtrail, event, 'sourceIPAddress')).toBe('198.51.100.23');
    expect(fieldValue(cloudtrail, event, 'errorCode')).toBeUndefined();
  });
});

describe('kubernetes audit', () => {
  const audit = mappings.resolve({ product: 'kubernetes', service: 'audit' });
  const event = fixtureEvent('k8s-audit-hostpath-pod.json');

  it('holds audit events, also for rules that add category: application', () => {
    expect(matchesFilter(audit.filter, event)).toBe(true);
    expect(
      mappings.resolve({ product: 'kubernetes', category: 'application', service: 'audit' }),
    ).toBe(audit);
  });

  it("reads the audit event's own names", () => {
    expect(fieldValue(audit, event, 'verb')).toBe('create');
    expect(fieldValue(audit, event, 'objectRef.resource')).toBe('pods');
    expect(fieldValue(audit, event, 'responseStatus.code')).toBe(201);
    expect(fieldValue(audit, event, 'hostPath')).toEqual(['/']);
    expect(fieldValue(audit, event, 'capabilities')).toEqual(['SYS_ADMIN']);
  });
});

describe('github audit', () => {
  const audit = mappings.resolve({ product: 'github', service: 'audit' });
  const event = fixtureEvent('github-audit-repo-destroy.json');

  it('holds audit log events and reads action from event.action', () => {
    expect(matchesFilter(audit.filter, event)).toBe(true);
    expect(fieldValue(audit, event, 'action')).toBe('repo.destroy');
    expect(fieldValue(audit, event, 'repo')).toBe('example-org/payments-api');
    expect(fieldValue(audit, event, 'actor')).toBe('mallory');
  });
});

describe('linux syslog services', () => {
  const sshdLine =
    '<86>Jan  2 03:04:05 web01 sshd[2101]: Failed password for invalid user admin from 198.51.100.7 port 51515 ssh2';
  const cronLine = '<78>Jan  2 03:05:01 web01 CRON[2205]: (root) CMD (run-parts /etc/cron.hourly)';

  it('selects lines by program', () => {
    const sshd = lineEvent(sshdLine);
    const cron = lineEvent(cronLine);
    const sshdSource = mappings.resolve({ product: 'linux', service: 'sshd' });
    const cronSource = mappings.resolve({ product: 'linux', service: 'cron' });
    expect(matchesFilter(sshdSource.filter, sshd)).toBe(true);
    expect(matchesFilter(sshdSource.filter, cron)).toBe(false);
    // Program names compare case-insensitively (Debian's cron logs as CRON).
    expect(matchesFilter(cronSource.filter, cron)).toBe(true);
  });

  it('takes auth.log by facility and syslog by dataset', () => {
    const sshd = lineEvent(sshdLine);
    expect(
      matchesFilter(mappings.resolve({ product: 'linux', service: 'auth' }).filter, sshd),
    ).toBe(true);
    expect(
      matchesFilter(mappings.resolve({ product: 'linux', service: 'syslog' }).filter, sshd),
    ).toBe(true);
    expect(matchesFilter(mappings.resolve({ product: 'linux' }).filter, sshd)).toBe(true);
  });

  it('keeps Windows and cloud events out of Linux logsources', () => {
    const linux = mappings.resolve({ product: 'linux' });
    expect(matchesFilter(linux.filter, fixtureEvent('winlogbeat-sysmon-1.json'))).toBe(false);
    expect(matchesFilter(linux.filter, fixtureEvent('cloudtrail-delete-saml-provider.json'))).toBe(
      false,
    );
  });
});
