import { isIPv4, isIPv6 } from 'node:net';

/** An IPv4 address as an unsigned 32-bit integer, or undefined for anything but a dotted quad. */
export function ipv4ToNumber(text: string): number | undefined {
  if (!isIPv4(text)) return undefined;
  return text.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** Dotted-quad form of an unsigned 32-bit integer. */
export function numberToIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

/** The eight 16-bit groups of an IPv6 address (zone id ignored), or undefined if it is not one. */
export function ipv6Groups(text: string): number[] | undefined {
  const address = text.split('%')[0] ?? '';
  if (!isIPv6(address)) return undefined;
  let hex = address;
  const lastColon = address.lastIndexOf(':');
  const tail = address.slice(lastColon + 1);
  if (tail.includes('.')) {
    // A trailing dotted quad (::ffff:127.0.0.1) stands for the last two groups.
    const v4 = ipv4ToNumber(tail);
    if (v4 === undefined) return undefined;
    hex = `${address.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [left = '', right, ...rest] = hex.split('::');
  if (rest.length > 0) return undefined;
  const head = left === '' ? [] : left.split(':');
  const tailGroups = right === undefined || right === '' ? [] : right.split(':');
  const missing = 8 - head.length - tailGroups.length;
  if (right === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tailGroups].map((g) =>
    Number.parseInt(g, 16),
  );
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** How an IPv6 address carries an IPv4 address inside it. */
export type EmbeddingForm = 'IPv4-mapped' | 'IPv4-translated' | 'NAT64' | '6to4' | 'Teredo';

/** An IPv4 address carried inside an IPv6 address. */
export interface EmbeddedIPv4 {
  readonly form: EmbeddingForm;
  /** Every IPv4 address the IPv6 address leads to (Teredo carries a server and a client). */
  readonly addresses: readonly string[];
}

const v4From = (high: number, low: number): string => numberToIPv4(((high << 16) | low) >>> 0);

/**
 * The IPv4 address(es) inside an IPv6 address of a form that reaches IPv4: IPv4-mapped
 * (`::ffff:0:0/96`), IPv4-translated (`::ffff:0:0:0/96`), NAT64 well-known prefix
 * (`64:ff9b::/96`), 6to4 (`2002::/16`) and Teredo (`2001::/32`, server and obfuscated client).
 */
export function embeddedIPv4(groups: readonly number[]): EmbeddedIPv4 | undefined {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups;
  if (
    g0 === undefined ||
    g1 === undefined ||
    g2 === undefined ||
    g3 === undefined ||
    g4 === undefined ||
    g5 === undefined ||
    g6 === undefined ||
    g7 === undefined
  )
    return undefined;
  const zeros = (...gs: number[]): boolean => gs.every((g) => g === 0);
  if (zeros(g0, g1, g2, g3, g4) && g5 === 0xffff)
    return { form: 'IPv4-mapped', addresses: [v4From(g6, g7)] };
  if (zeros(g0, g1, g2, g3, g5) && g4 === 0xffff)
    return { form: 'IPv4-translated', addresses: [v4From(g6, g7)] };
  if (g0 === 0x64 && g1 === 0xff9b && zeros(g2, g3, g4, g5))
    return { form: 'NAT64', addresses: [v4From(g6, g7)] };
  if (g0 === 0x2002) return { form: '6to4', addresses: [v4From(g1, g2)] };
  if (g0 === 0x2001 && g1 === 0)
    return { form: 'Teredo', addresses: [v4From(g2, g3), v4From(g6 ^ 0xffff, g7 ^ 0xffff)] };
  return undefined;
}
