import { describe, expect, it } from 'vitest';
import { alertKeys, toKey } from './alert-keys.ts';

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

  it('adds the observables its events name, and normalises keys typed by people', () => {
    expect(
      alertKeys({
        host: null,
        groupBy: {},
        techniques: [],
        observables: [
          { kind: 'ip', value: '10.0.0.7' },
          {
            kind: 'hash',
            value: 'de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c',
          },
        ],
      }),
    ).toEqual([
      { kind: 'ip', value: '10.0.0.7' },
      { kind: 'hash', value: 'de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c' },
    ]);
    expect(toKey('host', ' WKS-9 ')).toEqual({ kind: 'host', value: 'wks-9' });
    expect(toKey('technique', 't1003')).toEqual({ kind: 'technique', value: 'T1003' });
    expect(toKey('ip', '2001:DB8::1')).toEqual({ kind: 'ip', value: '2001:db8::1' });
    expect(toKey('ip', 'not-an-ip')).toBeUndefined();
    expect(toKey('domain', 'Evil.Example.com.')).toEqual({
      kind: 'domain',
      value: 'evil.example.com',
    });
  });

  it('has no keys for what an alert does not name', () => {
    expect(
      alertKeys({ host: null, groupBy: { 'user.name': null, 'host.name': '  ' }, techniques: [] }),
    ).toEqual([]);
  });
});
