import { describe, expect, it } from 'vitest';
import { observablesOfEvent, observablesOfGroup, toObservable } from './observables.ts';

describe('alert observables', () => {
  it('reads addresses, file hashes and domains from the ECS fields that carry them', () => {
    expect(
      observablesOfEvent({
        related: {
          ip: ['10.0.0.7', '2001:DB8::1'],
          hash: ['DE96A6E69944335375DC1AC238336066889D9FFC7D73628EF4FE1B1B160AB32C'],
        },
        source: { ip: '10.0.0.7' },
        destination: { ip: '203.0.113.9', domain: 'Evil.Example.COM.' },
        process: { hash: { md5: '741776aaccfc5b71ff59832dcdcace0f' } },
        dns: { question: { name: 'c2.example.net' } },
        url: { domain: '203.0.113.9' },
      }),
    ).toEqual([
      { kind: 'ip', value: '10.0.0.7' },
      { kind: 'ip', value: '2001:db8::1' },
      { kind: 'ip', value: '203.0.113.9' },
      { kind: 'hash', value: 'de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c' },
      { kind: 'hash', value: '741776aaccfc5b71ff59832dcdcace0f' },
      { kind: 'domain', value: 'c2.example.net' },
      { kind: 'domain', value: 'evil.example.com' },
    ]);
  });

  it('ignores what is not one: bad addresses, short hashes, bare words, numbers', () => {
    expect(
      observablesOfEvent({
        source: { ip: '999.1.1.1' },
        file: { hash: { sha256: 'abc123' } },
        dns: { question: { name: 'localhost' } },
        destination: { ip: 42 },
      }),
    ).toEqual([]);
    expect(toObservable('hash', 'g'.repeat(64))).toBeUndefined();
    expect(toObservable('domain', 'a..b.com')).toBeUndefined();
  });

  it('keeps at most 20 per event', () => {
    const ips = Array.from({ length: 50 }, (_, i) => `10.0.${String(i)}.1`);
    expect(observablesOfEvent({ related: { ip: ips } })).toHaveLength(20);
  });

  it('takes a correlation group’s addresses from its group-by values', () => {
    expect(
      observablesOfGroup({ 'source.ip': '198.51.100.23', 'user.name': 'alice', 'host.name': null }),
    ).toEqual([{ kind: 'ip', value: '198.51.100.23' }]);
  });
});
