import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from './address-policy.ts';
import { embeddedIPv4, ipv6Groups } from './ip-address.ts';

const policy = createAddressPolicy();

// [address, a word the refusal must contain]
const REFUSED: readonly (readonly [string, string])[] = [
  // IPv4
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'link-local'],
  ['169.254.0.1', 'link-local'],
  ['100.64.0.1', 'CGNAT'],
  ['100.100.100.200', 'CGNAT'],
  ['100.127.255.255', 'CGNAT'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved'],
  ['254.1.2.3', 'reserved'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['192.0.2.1', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['192.0.0.192', 'IETF'],
  ['192.88.99.1', '6to4 relay'],
  // IPv6
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['::', 'unspecified'],
  ['fc00::1', 'unique local'],
  ['fd00:ec2::254', 'unique local'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf:ffff::1', 'link-local'],
  ['fec0::1', 'site-local'],
  ['ff02::1', 'multicast'],
  ['ff0e::1', 'multicast'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['100::1', 'discard-only'],
  ['2001:2::1', 'IETF'],
  ['5f00::1', 'SRv6'],
  ['::127.0.0.1', 'IPv4-compatible'],
  ['::8.8.8.8', 'IPv4-compatible'],
  ['64:ff9b:1::a', 'local-use NAT64'],
  ['4000::1', 'not global unicast'],
  // IPv6 forms that carry IPv4: judged by the IPv4 address
  ['::ffff:127.0.0.1', 'loopback (IPv4-mapped 127.0.0.1)'],
  ['::ffff:7f00:1', 'loopback (IPv4-mapped 127.0.0.1)'],
  ['0:0:0:0:0:ffff:a9fe:a9fe', 'link-local (cloud metadata) (IPv4-mapped 169.254.169.254)'],
  ['::ffff:10.1.2.3', 'private'],
  ['::ffff:0:10.0.0.1', 'IPv4-translated 10.0.0.1'],
  ['::ffff:0:7f00:1', 'IPv4-translated 127.0.0.1'],
  ['64:ff9b::127.0.0.1', 'NAT64 127.0.0.1'],
  ['64:ff9b::a9fe:a9fe', 'NAT64 169.254.169.254'],
  ['2002:7f00:1::1', '6to4 127.0.0.1'],
  ['2002:a9fe:a9fe::', '6to4 169.254.169.254'],
  ['2002:c0a8:101:1::1', '6to4 192.168.1.1'],
  // Teredo: server 65.54.227.120, client obfuscated (bits inverted)
  ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'Teredo 127.0.0.1'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo 192.0.2.45'],
  ['2001:0:a00:1:8000:63bf:f7f7:f7f7', 'Teredo 10.0.0.1'],
  // not addresses at all
  ['example.com', 'not an IP address'],
  ['1.2.3', 'not an IP address'],
  ['', 'not an IP address'],
  ['::ffff:999.0.0.1', 'not an IP address'],
];

const ALLOWED = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.215.14',
  '9.255.255.255',
  '11.0.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '126.255.255.255',
  '128.0.0.0',
  '169.253.255.255',
  '169.255.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.167.255.255',
  '192.169.0.0',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.255',
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  '2a00:1450:4001:80b::200e',
  '::ffff:8.8.8.8',
  '::ffff:808:808',
  '64:ff9b::808:808',
  '2002:808:808::1',
  '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
];

describe('address policy', () => {
  it.each(REFUSED)('refuses %s (%s)', (address, reason) => {
    expect(policy.refusal(address)).toContain(reason);
  });

  it.each(ALLOWED)('allows the public address %s', (address) => {
    expect(policy.refusal(address)).toBeUndefined();
  });

  it('allows exactly the ranges listed in allowPrivateNetworks', () => {
    const p = createAddressPolicy(['127.0.0.0/8', '10.1.0.0/16', 'fd00::/8', '::1']);
    expect(p.refusal('127.0.0.1')).toBeUndefined();
    expect(p.refusal('127.9.9.9')).toBeUndefined();
    expect(p.refusal('::ffff:127.0.0.1')).toBeUndefined();
    expect(p.refusal('2002:7f00:1::1')).toBeUndefined();
    expect(p.refusal('10.1.2.3')).toBeUndefined();
    expect(p.refusal('10.2.0.1')).toContain('private');
    expect(p.refusal('fd12::1')).toBeUndefined();
    expect(p.refusal('fc00::1')).toContain('unique local');
    expect(p.refusal('::1')).toBeUndefined();
    expect(p.refusal('169.254.169.254')).toContain('link-local');
  });

  it.each(['10.0.0.0/33', 'nope', '10.0.0.0/8/1', '', '10.0.0.0/', '::/129', '10.0.0/8'])(
    'refuses the allowPrivateNetworks entry %j',
    (cidr) => {
      expect(() => createAddressPolicy([cidr])).toThrow(
        expect.objectContaining({ code: 'OUTBOUND_POLICY_INVALID' }),
      );
    },
  );
});

describe('IPv6 parsing', () => {
  it('expands compressed and dotted forms', () => {
    expect(ipv6Groups('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Groups('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Groups('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(ipv6Groups('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ipv6Groups('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('1.2.3.4')).toBeUndefined();
    expect(ipv6Groups('1:::2')).toBeUndefined();
  });

  it('finds the IPv4 inside mapped, translated, NAT64, 6to4 and Teredo addresses', () => {
    const of = (a: string) => embeddedIPv4(ipv6Groups(a) ?? []);
    expect(of('::ffff:1.2.3.4')).toEqual({ form: 'IPv4-mapped', addresses: ['1.2.3.4'] });
    expect(of('::ffff:0:1.2.3.4')).toEqual({ form: 'IPv4-translated', addresses: ['1.2.3.4'] });
    expect(of('64:ff9b::1.2.3.4')).toEqual({ form: 'NAT64', addresses: ['1.2.3.4'] });
    expect(of('2002:102:304::')).toEqual({ form: '6to4', addresses: ['1.2.3.4'] });
    expect(of('2001:0:4136:e378:8000:63bf:3fff:fdd2')).toEqual({
      form: 'Teredo',
      addresses: ['65.54.227.120', '192.0.2.45'],
    });
    expect(of('2606:4700::1')).toBeUndefined();
  });
});

// An independent model of the refused IPv4 ranges: inclusive integer bounds written by hand.
const REFUSED_V4_BOUNDS: readonly (readonly [number, number])[] = [
  [0x00000000, 0x00ffffff], // 0.0.0.0/8
  [0x0a000000, 0x0affffff], // 10.0.0.0/8
  [0x64400000, 0x647fffff], // 100.64.0.0/10
  [0x7f000000, 0x7fffffff], // 127.0.0.0/8
  [0xa9fe0000, 0xa9feffff], // 169.254.0.0/16
  [0xac100000, 0xac1fffff], // 172.16.0.0/12
  [0xc0000000, 0xc00000ff], // 192.0.0.0/24
  [0xc0000200, 0xc00002ff], // 192.0.2.0/24
  [0xc0586300, 0xc05863ff], // 192.88.99.0/24
  [0xc0a80000, 0xc0a8ffff], // 192.168.0.0/16
  [0xc6120000, 0xc613ffff], // 198.18.0.0/15
  [0xc6336400, 0xc63364ff], // 198.51.100.0/24
  [0xcb007100, 0xcb0071ff], // 203.0.113.0/24
  [0xe0000000, 0xffffffff], // 224.0.0.0/4, 240.0.0.0/4, 255.255.255.255
];
const inRefusedRange = (n: number) => REFUSED_V4_BOUNDS.some(([lo, hi]) => n >= lo && n <= hi);
const dotted = (n: number) =>
  `${Math.floor(n / 2 ** 24)}.${Math.floor(n / 2 ** 16) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
const hex16 = (n: number) => [Math.floor(n / 65_536).toString(16), (n % 65_536).toString(16)];

// Uniform addresses rarely land in a /24: mix in addresses at and beside every range boundary.
const ipv4 = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc
    .tuple(fc.constantFrom(...REFUSED_V4_BOUNDS.flat()), fc.integer({ min: -2, max: 2 }))
    .map(([edge, delta]) => Math.min(0xffffffff, Math.max(0, edge + delta))),
);

describe('address policy properties', () => {
  it('refuses an IPv4 address iff it lies in a refused range', () => {
    fc.assert(
      fc.property(ipv4, (n) => {
        expect(policy.refusal(dotted(n)) !== undefined).toBe(inRefusedRange(n));
      }),
      { numRuns: 5000 },
    );
  });

  it('judges mapped, translated, NAT64 and 6to4 IPv6 forms by their IPv4 address', () => {
    fc.assert(
      fc.property(ipv4, (n) => {
        const [hi, lo] = hex16(n);
        for (const form of [
          `::ffff:${dotted(n)}`,
          `::ffff:${hi}:${lo}`,
          `::ffff:0:${hi}:${lo}`,
          `64:ff9b::${hi}:${lo}`,
          `2002:${hi}:${lo}::1`,
        ])
          expect(policy.refusal(form) !== undefined, form).toBe(inRefusedRange(n));
      }),
      { numRuns: 2000 },
    );
  });

  it('allows whatever lies inside an allowPrivateNetworks CIDR and nothing else new', () => {
    fc.assert(
      fc.property(ipv4, ipv4, fc.integer({ min: 8, max: 32 }), (base, n, prefix) => {
        const size = 2 ** (32 - prefix);
        const start = base - (base % size);
        const allowed = createAddressPolicy([`${dotted(start)}/${prefix}`]);
        const inside = n >= start && n < start + size;
        const expected = inside ? false : inRefusedRange(n);
        expect(allowed.refusal(dotted(n)) !== undefined).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
