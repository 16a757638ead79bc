import { describe, expect, it } from 'vitest';
import { alertKeys } from './alert-keys.ts';

describe('alert keys', () => {
  it('takes the host, the users an alert groups by and its techniques, normalised', () => {
    expect(
      alertKeys({
        host: 'WKS-042.corp.example.com',
        groupBy: {
          'host.name': 'WKS-042.corp.example.com',
          'user.name': 'Alice',
          'winlog.event_data.TargetUserName': 'svc-backup',
          'source.ip': '10.0.0.7',
        },
        techniques: ['t1059.001', 'T1059.001', 'T1003'],
      }),
    ).toEqual([
      { kind: 'host', value: 'wks-042.corp.example.com' },
      { kind: 'user', value: 'alice' },
      { kind: 'user', value: 'svc-backup' },
      { kind: 'technique', value: 'T1059.001' },
      { kind: 'technique', value: 'T1003' },
    ]);
  });

  it('has no keys for what an alert does not name', () => {
    expect(
      alertKeys({ host: null, groupBy: { 'user.name': null, 'host.name': '  ' }, techniques: [] }),
    ).toEqual([]);
  });
});
