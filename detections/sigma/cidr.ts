import { CompileIssue } from './compile-issue.ts';

/**
 * The `cidr` modifier: IPv4 and IPv6 networks. An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`)
 * is inside the IPv4 networks that hold its IPv4 address.
 */

/** An address as 16 bytes (IPv4 as IPv4-mapped IPv6). */
type Address = Uint8Array;

export function compileCidr(network: string): (value: string) => boolean {
  const slash = network.indexOf('/');
  const host = slash < 0 ? network : network.slice(0, slash);
  const isV4 = host.includes('.') && !host.includes(':');
  const base = parseAddress(host);
  const maxBits = isV4 ? 32 : 128;
  const bits = slash < 0 ? maxBits : Number(network.slice(slash + 1));
  if (!base || !Number.isInteger(bits) || bits < 0 || bits > maxBits) {
    throw CompileIssue.invalid(`'${network}' is not an IPv4 or IPv6 network in CIDR notation`);
  }
  const prefix = isV4 ? bits + 96 : bits;
  return (value) => {
    const address = parseAddress(value.trim());
    return address !== undefined && samePrefix(address, base, prefix);
  };
}

function samePrefix(a: Address, b: Address, bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[whole] ?? 0) & mask) === ((b[whole] ?? 0) & mask);
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseV4(text: string, out: Uint8Array, at: number): boolean {
  const m = V4.exec(text);
  if (!m) return false;
  for (let i = 0; i < 4; i++) {
    const octet = Number(m[i + 1]);
    if (octet > 255) return false;
    out[at + i] = octet;
  }
  return true;
}

export function parseAddress(text: string): Address | undefined {
  const out = new Uint8Array(16);
  if (!text.includes(':')) {
    out[10] = 0xff;
    out[11] = 0xff;
    return parseV4(text, out, 12) ? out : undefined;
  }
  // Zone ids (fe80::1%eth0) do not take part in matching.
  const address = text.replace(/%.*$/, '').replace(/^\[|\]$/g, '');
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const words: number[] = [];
  const pushGroups = (list: string[], target: number[]): boolean => {
    for (const [i, group] of list.entries()) {
      if (i === list.length - 1 && group.includes('.')) {
        const v4 = new Uint8Array(4);
        if (!parseV4(group, v4, 0)) return false;
        target.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) target.push(Number.parseInt(group, 16));
      else return false;
    }
    return true;
  };
  const tailWords: number[] = [];
  if (!pushGroups(head, words) || !pushGroups(tail, tailWords)) return undefined;
  const missing = 8 - words.length - tailWords.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [
    ...words,
    ...new Array<number>(halves.length === 1 ? 0 : missing).fill(0),
    ...tailWords,
  ];
  all.forEach((word, i) => {
    out[i * 2] = word >> 8;
    out[i * 2 + 1] = word & 0xff;
  });
  return out;
}
