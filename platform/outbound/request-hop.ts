import type { Readable } from 'node:stream';
import { OutboundError } from './outbound-errors.ts';

/** What is sent on one hop of a request (the first, or one after a redirect). */
export interface Hop {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array | undefined;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
// Framing and routing headers belong to the client: a caller setting them could smuggle requests.
const CLIENT_OWNED = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);
// Everything else (Authorization, API keys, cookies) is dropped when a redirect leaves the origin.
const KEPT_ACROSS_ORIGINS = new Set(['accept', 'accept-language', 'content-type', 'user-agent']);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/iu;
// eslint-disable-next-line no-control-regex
const BAD_VALUE = /[\r\n\u0000]/u;

/** The first hop of a request, its method and headers checked (values never named). */
export function firstHop(
  method: string,
  given: Readonly<Record<string, string>>,
  body: string | Uint8Array | undefined,
  userAgent: string,
): Hop {
  const upper = method.toUpperCase();
  if (!METHODS.has(upper))
    throw new OutboundError('OUTBOUND_REQUEST_INVALID', 'the method is not supported', {
      details: { allowed: [...METHODS] },
    });
  const headers: Record<string, string> = { 'user-agent': userAgent };
  for (const [rawName, value] of Object.entries(given)) {
    const name = rawName.toLowerCase();
    if (!TOKEN.test(name))
      throw new OutboundError('OUTBOUND_REQUEST_INVALID', 'a header name is not a valid token');
    if (CLIENT_OWNED.has(name) || name.startsWith('proxy-'))
      throw new OutboundError(
        'OUTBOUND_REQUEST_INVALID',
        `the ${name} header is set by the client`,
      );
    if (BAD_VALUE.test(value))
      throw new OutboundError('OUTBOUND_REQUEST_INVALID', `the ${name} header has a bad value`);
    headers[name] = value;
  }
  return { method: upper, headers, body };
}

/** Whether a status is a redirect the client follows (when it has a Location). */
export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/**
 * The hop after a redirect. As browsers do, 303 turns anything but HEAD into GET and 301/302
 * turn POST into GET (dropping the body); leaving the origin keeps only harmless headers.
 */
export function redirectedHop(hop: Hop, status: number, from: URL, to: URL): Hop {
  let { method, body } = hop;
  let headers = Object.entries(hop.headers);
  const toGet =
    (status === 303 && method !== 'HEAD') ||
    ((status === 301 || status === 302) && method === 'POST');
  if (toGet) {
    method = 'GET';
    body = undefined;
    headers = headers.filter(([name]) => !name.startsWith('content-'));
  }
  if (from.origin !== to.origin)
    headers = headers.filter(([name]) => KEPT_ACROSS_ORIGINS.has(name));
  return { method, headers: Object.fromEntries(headers), body };
}

/** Response headers with lower-case names, repeated ones joined with `, `. */
export function flattenHeaders(
  raw: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined)
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * Stops a response body without reading it. undici reports a destroyed body as an 'error'
 * event, which would crash the process if nobody listened.
 */
export function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Reads a body, destroying the stream as soon as it goes past `max` bytes. */
export async function readLimited(
  body: Readable,
  max: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      discard(body);
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
