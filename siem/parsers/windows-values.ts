import type { JsonObject } from './parser.ts';

/** Reading Windows event data values. */

/**
 * An event data value as text; Windows writes `-` (and sometimes `%%1793`-style empty inserts
 * stay as they are) for "none", which reads as absent here.
 */
export function dataValue(data: JsonObject | undefined, key: string): string | undefined {
  const value = data?.[key];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  return value === '' || value === '-' ? undefined : value;
}

/** `DOMAIN\name` → `{ domain, name }`; a bare name has no domain. */
export function splitAccount(value: string | undefined): { name?: string; domain?: string } {
  if (value === undefined) return {};
  const cut = value.indexOf('\\');
  if (cut === -1) return { name: value };
  return { domain: value.slice(0, cut), name: value.slice(cut + 1) };
}

/**
 * Sysmon's `Hashes` (`SHA1=AB..,MD5=CD..,SHA256=EF..,IMPHASH=01..`) as ECS `hash` fields (lower
 * case) plus the PE import hash, which ECS keeps under `pe.imphash`.
 */
export function parseHashes(value: string | undefined): {
  hash: Record<string, string>;
  imphash: string | undefined;
} {
  const hash: Record<string, string> = {};
  let imphash: string | undefined;
  if (value === undefined) return { hash, imphash };
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const algorithm = part.slice(0, eq).trim().toLowerCase();
    const digest = part
      .slice(eq + 1)
      .trim()
      .toLowerCase();
    if (!/^[0-9a-f]{16,128}$/.test(digest)) continue;
    if (algorithm === 'imphash') imphash = digest;
    else if (
      algorithm === 'md5' ||
      algorithm === 'sha1' ||
      algorithm === 'sha256' ||
      algorithm === 'sha512'
    )
      hash[algorithm] = digest;
  }
  return { hash, imphash };
}
