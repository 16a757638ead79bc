import { createHmac } from 'node:crypto';

/** Prefix of every HMACed value, as in Vault's audit devices. */
export const HMAC_PREFIX = 'hmac-sha256:';

/**
 * `hmac-sha256:<hex>` of a sensitive value under the audit HMAC key. Records keep this instead
 * of the value; whoever holds a candidate value and the key can tell whether a record names it.
 */
export function hmacSensitive(key: Uint8Array, value: string): string {
  return `${HMAC_PREFIX}${createHmac('sha256', key).update(value, 'utf8').digest('hex')}`;
}
