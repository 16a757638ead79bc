import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock/index.ts';
import { systemClock } from '../clock/index.ts';

/** Generates identifiers. Time-ordered ids sort by creation time, which keeps B-tree inserts local. */
export interface IdGenerator {
  /** A UUIDv7 (RFC 9562): 48-bit millisecond timestamp, then random bits. */
  uuidv7(): string;
  /** A URL-safe random token of `bytes` random bytes (base64url), for secrets and tokens. */
  token(bytes?: number): string;
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);

export function createIdGenerator(clock: Clock = systemClock): IdGenerator {
  let lastMs = -1;
  let counter = 0;
  return {
    uuidv7() {
      const bytes = randomBytes(16);
      const now = clock.now();
      // Monotonic (RFC 9562 §6.2 method 1): a 12-bit counter in rand_a; on overflow, or when the
      // clock steps backwards, keep counting on the last timestamp so ids never go backwards.
      if (now > lastMs) {
        lastMs = now;
        counter = bytes.readUInt16BE(6) & 0x7ff;
      } else if (++counter > 0xfff) {
        lastMs += 1;
        counter = 0;
      }
      const ms = lastMs;
      bytes.writeUIntBE(ms, 0, 6);
      bytes[6] = 0x70 | (counter >> 8);
      bytes[7] = counter & 0xff;
      bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
      let hex = '';
      for (const b of bytes) hex += HEX[b] ?? '';
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
    token(bytesLength = 32) {
      return randomBytes(bytesLength).toString('base64url');
    },
  };
}
