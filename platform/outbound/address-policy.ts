import { BlockList, isIP } from 'node:net';
import { embeddedIPv4, ipv6Groups } from './ip-address.ts';
import { OutboundError } from './outbound-errors.ts';

/** A named range of addresses the platform never connects to unless explicitly allowed. */
export interface RefusedRange {
  readonly cidr: string;
  readonly label: string;
}

/** IPv4 ranges refused by default, most specific first (IANA special-purpose registry). */
export const REFUSED_IPV4: readonly RefusedRange[] = [
  { cidr: '255.255.255.255/32', label: 'broadcast' },
  { cidr: '0.0.0.0/8', label: 'unspecified ("this network")' },
  { cidr: '10.0.0.0/8', label: 'private network' },
  { cidr: '100.64.0.0/10', label: 'shared address space (CGNAT)' },
  { cidr: '127.0.0.0/8', label: 'loopback' },
  { cidr: '169.254.0.0/16', label: 'link-local (cloud metadata)' },
  { cidr: '172.16.0.0/12', label: 'private network' },
  { cidr: '192.0.0.0/24', label: 'IETF protocol assignments' },
  { cidr: '192.0.2.0/24', label: 'documentation' },
  { cidr: '192.88.99.0/24', label: 'reserved (6to4 relay anycast)' },
  { cidr: '192.168.0.0/16', label: 'private network' },
  { cidr: '198.18.0.0/15', label: 'benchmarking' },
  { cidr: '198.51.100.0/24', label: 'documentation' },
  { cidr: '203.0.113.0/24', label: 'documentation' },
  { cidr: '224.0.0.0/4', label: 'multicast' },
  { cidr: '240.0.0.0/4', label: 'reserved' },
];

/**
 * IPv6 ranges refused by default, checked after the forms that embed IPv4 (which are judged by
 * the IPv4 address they lead to). Anything outside global unicast `2000::/3` is refused too.
 */
export const REFUSED_IPV6: readonly RefusedRange[] = [
  { cidr: '::/128', label: 'unspecified' },
  { cidr: '::1/128', label: 'loopback' },
  { cidr: '::/96', label: 'reserved (IPv4-compatible, deprecated)' },
  { cidr: '64:ff9b:1::/48', label: 'reserved (local-use NAT64)' },
  { cidr: '100::/64', label: 'discard-only' },
  { cidr: '2001::/23', label: 'IETF protocol assignments' },
  { cidr: '2001:db8::/32', label: 'documentation' },
  { cidr: '3fff::/20', label: 'documentation' },
  { cidr: '5f00::/16', label: 'reserved (SRv6 SIDs)' },
  { cidr: 'fc00::/7', label: 'private network (unique local)' },
  { cidr: 'fe80::/10', label: 'link-local' },
  { cidr: 'fec0::/10', label: 'site-local (deprecated)' },
  { cidr: 'ff00::/8', label: 'multicast' },
];

type Family = 'ipv4' | 'ipv6';

interface CompiledRange {
  readonly label: string;
  readonly list: BlockList;
}

function splitCidr(cidr: string): { address: string; prefix: number; family: Family } | undefined {
  const [address = '', prefixText, ...rest] = cidr.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const family: Family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= max ? { address, prefix, family } : undefined;
}

function compile(ranges: readonly RefusedRange[]): CompiledRange[] {
  return ranges.map(({ cidr, label }) => {
    const parts = splitCidr(cidr);
    if (parts === undefined) throw new Error(`bad built-in range ${cidr}`);
    const list = new BlockList();
    list.addSubnet(parts.address, parts.prefix, parts.family);
    return { label, list };
  });
}

const IPV4_RANGES = compile(REFUSED_IPV4);
const IPV6_RANGES = compile(REFUSED_IPV6);
const GLOBAL_UNICAST = compile([{ cidr: '2000::/3', label: 'global unicast' }]);

/** Decides, for one IP address, whether the platform may connect to it. */
export interface AddressPolicy {
  /** Why the address is refused, or undefined when it is allowed. */
  refusal(address: string): string | undefined;
}

/**
 * The address policy: every special-purpose range refused unless it lies inside one of the
 * `allowPrivateNetworks` CIDRs. IPv6 forms that embed IPv4 are judged by the IPv4 address.
 */
export function createAddressPolicy(allowPrivateNetworks: readonly string[] = []): AddressPolicy {
  const allowed = new BlockList();
  for (const cidr of allowPrivateNetworks) {
    const parts = splitCidr(cidr);
    if (parts === undefined)
      throw new OutboundError(
        'OUTBOUND_POLICY_INVALID',
        `allowPrivateNetworks: "${cidr}" is not an IPv4 or IPv6 CIDR`,
      );
    allowed.addSubnet(parts.address, parts.prefix, parts.family);
  }

  const firstMatch = (ranges: readonly CompiledRange[], address: string, family: Family) =>
    ranges.find((r) => r.list.check(address, family))?.label;

  const refusal = (input: string): string | undefined => {
    const address = input.split('%')[0] ?? '';
    const version = isIP(address);
    if (version === 4) {
      if (allowed.check(address, 'ipv4')) return undefined;
      return firstMatch(IPV4_RANGES, address, 'ipv4');
    }
    const groups = version === 6 ? ipv6Groups(address) : undefined;
    if (groups === undefined) return 'not an IP address';
    if (allowed.check(address, 'ipv6')) return undefined;
    const embedded = embeddedIPv4(groups);
    if (embedded !== undefined) {
      for (const v4 of embedded.addresses) {
        const reason = refusal(v4);
        if (reason !== undefined) return `${reason} (${embedded.form} ${v4})`;
      }
      return undefined;
    }
    const reason = firstMatch(IPV6_RANGES, address, 'ipv6');
    if (reason !== undefined) return reason;
    return firstMatch(GLOBAL_UNICAST, address, 'ipv6') === undefined
      ? 'reserved (not global unicast)'
      : undefined;
  };

  return { refusal };
}
