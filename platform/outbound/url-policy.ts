import { isIP } from 'node:net';
import { z } from 'zod';
import { OutboundError } from './outbound-errors.ts';

/** Longest URL accepted, in characters. */
export const MAX_URL_LENGTH = 2048;

/**
 * Why a string is not an acceptable outbound URL, or the parsed URL. Syntax only: absolute
 * http(s), a host, no `user:pass@`, no fragment, no whitespace, control characters or
 * backslashes (which WHATWG parsing would silently drop or turn into `/`).
 */
export function parseOutboundUrl(input: string): { url: URL } | { problem: string } {
  if (input.length > MAX_URL_LENGTH)
    return { problem: `must be at most ${MAX_URL_LENGTH} characters` };
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f\\]/u.test(input))
    return { problem: 'must not contain whitespace, control characters or backslashes' };
  const url = URL.parse(input);
  if (url === null) return { problem: 'must be an absolute URL' };
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { problem: 'must use http or https' };
  if (url.username !== '' || url.password !== '' || hasUserinfo(input))
    return { problem: 'must not contain credentials (user:password@)' };
  if (url.hash !== '' || input.includes('#')) return { problem: 'must not contain a fragment (#)' };
  if (url.hostname === '') return { problem: 'must name a host' };
  return { url };
}

// `http://@host/` parses to an empty username: refuse any `@` before the host all the same.
function hasUserinfo(input: string): boolean {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/iu.exec(input)?.[1] ?? '';
  return authority.includes('@');
}

/**
 * A zod schema for a URL field of a request body: syntax checks only (see `parseOutboundUrl`),
 * so a route answers 400 naming the field. Whether the destination is allowed is decided when
 * the request is made (`OutboundHttp.assertAllowedUrl` / `request`).
 */
export function outboundUrl(): z.ZodString {
  return z
    .string()
    .max(MAX_URL_LENGTH)
    .superRefine((value, ctx) => {
      if (value.length > MAX_URL_LENGTH) return; // reported by max()
      const parsed = parseOutboundUrl(value);
      if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
    })
    .meta({
      format: 'uri',
      description: `An absolute http(s) URL (at most ${MAX_URL_LENGTH} characters, no credentials or fragment).`,
    });
}

/** Where a URL points, for messages: scheme, host and port only (never path or query). */
export function describeOrigin(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** A URL's host without IPv6 brackets or a trailing dot, lower case. */
export function bareHost(url: URL): string {
  const host = url.hostname.toLowerCase().replace(/\.$/u, '');
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/** The port a URL connects to. */
export function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Scheme, port and host-name rules of the policy. */
export interface UrlPolicyOptions {
  readonly allowHttp: boolean;
  readonly allowedPorts: readonly number[];
  readonly allowedHosts: readonly string[] | undefined;
}

/** Decides whether a parsed URL's scheme, port and host name are allowed. */
export interface UrlPolicy {
  /** Why the URL is refused, or undefined. */
  refusal(url: URL): string | undefined;
}

function normaliseHostPattern(pattern: string): string {
  const wildcard = pattern.startsWith('*.');
  const name = wildcard ? pattern.slice(2) : pattern;
  const literal = isIP(name) === 6 ? `[${name}]` : name;
  const url = name === '' || /[*/?#@\\\s]/u.test(name) ? null : URL.parse(`http://${literal}/`);
  if (url?.hostname == null || url.hostname === '' || (wildcard && isIP(name) !== 0))
    throw new OutboundError(
      'OUTBOUND_POLICY_INVALID',
      `allowedHosts: "${pattern}" is not a host name, an IP address or *.domain`,
    );
  const host = bareHost(url);
  return wildcard ? `*.${host}` : host;
}

/** Builds the scheme / port / host-name part of the policy, validating the options. */
export function createUrlPolicy(options: UrlPolicyOptions): UrlPolicy {
  const ports = new Set([80, 443]);
  for (const port of options.allowedPorts) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535)
      throw new OutboundError('OUTBOUND_POLICY_INVALID', `allowedPorts: ${port} is not a port`);
    ports.add(port);
  }
  const patterns = options.allowedHosts?.map(normaliseHostPattern);

  const hostAllowed = (host: string): boolean =>
    patterns === undefined ||
    patterns.some((p) =>
      p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p,
    );

  return {
    refusal(url) {
      if (url.protocol === 'http:' && !options.allowHttp) return 'plain http is not allowed';
      const port = effectivePort(url);
      if (!ports.has(port)) return `port ${port} is not allowed`;
      if (!hostAllowed(bareHost(url))) return 'the host is not on the allowlist';
      return undefined;
    },
  };
}
