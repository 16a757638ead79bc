import { crc32 } from 'node:zlib';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * The 6-character checksum GitHub appends to `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` tokens: CRC32 of
 * the 30-character random part, in base62 (0-9A-Za-z), left-padded with `0`.
 */
export function githubTokenChecksum(body: string): string {
  let n = crc32(body);
  let out = '';
  while (n > 0) {
    out = (BASE62[n % 62] ?? '0') + out;
    n = Math.floor(n / 62);
  }
  return out.padStart(6, '0');
}
