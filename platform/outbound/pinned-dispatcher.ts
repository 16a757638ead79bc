import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import { Agent } from 'undici';

/** Settings of the connection of one request hop. */
export interface PinnedDispatcherOptions {
  /** The URL's host name (no brackets). */
  readonly hostname: string;
  /** The vetted addresses the name resolved to; undefined when the host is an IP literal. */
  readonly addresses: readonly string[] | undefined;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Trust anchors replacing the defaults; undefined keeps Node's. */
  readonly ca: readonly string[] | undefined;
}

const sameName = (a: string, b: string): boolean =>
  a.toLowerCase().replace(/\.$/u, '') === b.toLowerCase().replace(/\.$/u, '');

/**
 * A `lookup` that answers only the vetted addresses, so the socket connects to what was checked
 * and never asks DNS again (no rebinding between the check and the connection). TLS still
 * sends SNI and verifies the certificate against the host name, and the Host header keeps it.
 */
export function pinnedLookup(hostname: string, addresses: readonly string[]): LookupFunction {
  const entries: LookupAddress[] = addresses.map((address) => ({ address, family: isIP(address) }));
  return (name, options, callback) => {
    const wanted =
      options.family === 4 || options.family === 6
        ? entries.filter((e) => e.family === options.family)
        : entries;
    const first = wanted[0];
    if (!sameName(name, hostname) || first === undefined) {
      const err: NodeJS.ErrnoException = new Error(`no pinned address for ${name}`);
      err.code = 'ENOTFOUND';
      callback(err, '');
      return;
    }
    if (options.all === true) callback(null, wanted);
    else callback(null, first.address, first.family);
  };
}

/** An undici dispatcher for one hop whose connections go only to the pinned addresses. */
export function createPinnedDispatcher(options: PinnedDispatcherOptions): Agent {
  const connect = {
    timeout: options.timeoutMs,
    ...(options.addresses === undefined
      ? {}
      : { lookup: pinnedLookup(options.hostname, options.addresses) }),
    ...(options.ca === undefined ? {} : { ca: [...options.ca] }),
  };
  return new Agent({
    connect,
    connections: 1,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    // Our own reader stops at the limit with a clear error; this is a second stop.
    maxResponseSize: options.maxResponseBytes,
  });
}
