import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { getCACertificates } from 'node:tls';
import { request as undiciRequest } from 'undici';
import type { FieldIssue } from '../errors/index.ts';
import { createAddressPolicy } from './address-policy.ts';
import { OutboundError } from './outbound-errors.ts';
import { createPinnedDispatcher } from './pinned-dispatcher.ts';
import {
  discard,
  firstHop,
  flattenHeaders,
  isRedirect,
  readLimited,
  redirectedHop,
} from './request-hop.ts';
import type { Hop } from './request-hop.ts';
import { bareHost, createUrlPolicy, describeOrigin, parseOutboundUrl } from './url-policy.ts';

/** Resolves a host name to IP addresses (every address, as `dns.lookup` with `all: true`). */
export type ResolveHost = (hostname: string) => Promise<readonly string[]>;

/** The policy of an outbound HTTP client. */
export interface OutboundHttpOptions {
  /** CIDRs of otherwise refused ranges that may be reached (`10.20.0.0/16`). Default none. */
  readonly allowPrivateNetworks?: readonly string[];
  /** When set, only these hosts (`hooks.slack.com`, `*.pagerduty.com`) may be reached. */
  readonly allowedHosts?: readonly string[];
  /** Allow plain `http:`. Default false: https only. */
  readonly allowHttp?: boolean;
  /** Ports allowed besides 80 and 443. */
  readonly allowedPorts?: readonly number[];
  /** Deadline of the whole exchange (resolution, redirects, body). Default 10 s. */
  readonly timeoutMs?: number;
  /** Largest response body read. Default 5 MiB. */
  readonly maxResponseBytes?: number;
  /** Redirects followed, each re-checked with the whole policy. Default 3. */
  readonly maxRedirects?: number;
  /** Sent unless the request sets its own. Default `ClayTom-SecOps`. */
  readonly userAgent?: string;
  /** PEM certificates trusted besides Node's defaults (a private CA). */
  readonly extraCaCertificates?: readonly string[];
  /** Host name resolution; default `dns.lookup` with `all: true` (tests inject their own). */
  readonly resolve?: ResolveHost;
}

/** One outbound request. Bodies are buffered so that 307/308 redirects can resend them. */
export interface OutboundRequestInit {
  /** GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS. Default GET. */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Aborts the request (OUTBOUND_FAILED); the policy's deadline applies as well. */
  readonly signal?: AbortSignal;
}

/** The final answer, after redirects. */
export interface OutboundResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** At most `maxResponseBytes`, exactly as sent (no decompression). */
  readonly body: Buffer;
  /** The URL that answered (after redirects). */
  readonly url: string;
  readonly redirects: number;
  /** The body decoded as UTF-8. */
  text(): string;
}

/** The one way the platform makes HTTP requests to URLs that users or agents supply. */
export interface OutboundHttp {
  request(url: string | URL, init?: OutboundRequestInit): Promise<OutboundResponse>;
  /**
   * Checks a URL against the whole policy, resolving its host, without connecting. `field` (such
   * as `body.url`) is named in the error's issues. A later `request` checks again and pins.
   */
  assertAllowedUrl(url: string | URL, options?: { readonly field?: string }): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly location: string | undefined;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

const systemResolve: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, order: 'verbatim' })).map((a) => a.address);

function positiveInteger(value: number, name: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min)
    throw new OutboundError('OUTBOUND_POLICY_INVALID', `${name} must be an integer >= ${min}`);
  return value;
}

function errorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort);
    });
  });
}

/**
 * Creates the SSRF-guarded HTTP client: every URL and every redirect target is checked against
 * the policy, the host is resolved once, every address it resolves to must be allowed, and the
 * connection goes to those vetted addresses only (the name keeps the Host header and TLS).
 */
export function createOutboundHttp(options: OutboundHttpOptions = {}): OutboundHttp {
  const timeoutMs = positiveInteger(options.timeoutMs ?? 10_000, 'timeoutMs', 1);
  const maxResponseBytes = positiveInteger(
    options.maxResponseBytes ?? 5 * 1024 * 1024,
    'maxResponseBytes',
    1,
  );
  const maxRedirects = positiveInteger(options.maxRedirects ?? 3, 'maxRedirects', 0);
  const addressPolicy = createAddressPolicy(options.allowPrivateNetworks ?? []);
  const urlPolicy = createUrlPolicy({
    allowHttp: options.allowHttp ?? false,
    allowedPorts: options.allowedPorts ?? [],
    allowedHosts: options.allowedHosts,
  });
  const resolve = options.resolve ?? systemResolve;
  const userAgent = options.userAgent ?? 'ClayTom-SecOps';
  const ca =
    options.extraCaCertificates === undefined
      ? undefined
      : [...getCACertificates('default'), ...options.extraCaCertificates];

  const parse = (input: string | URL, field?: string): URL => {
    const parsed = parseOutboundUrl(typeof input === 'string' ? input : input.href);
    if ('url' in parsed) return parsed.url;
    const issues: FieldIssue[] =
      field === undefined ? [] : [{ path: field, message: parsed.problem }];
    throw new OutboundError('OUTBOUND_URL_INVALID', `the URL ${parsed.problem}`, { issues });
  };

  /** Checks a URL against the whole policy; returns the addresses to pin (none for literals). */
  const vet = async (url: URL, signal: AbortSignal, context: string) => {
    const origin = describeOrigin(url);
    const refuse = (reason: string, address?: string) =>
      new OutboundError('OUTBOUND_DESTINATION_REFUSED', `${context}${origin} refused: ${reason}`, {
        details: { origin, ...(address === undefined ? {} : { address }) },
      });
    const urlRefusal = urlPolicy.refusal(url);
    if (urlRefusal !== undefined) throw refuse(urlRefusal);
    const host = bareHost(url);
    if (isIP(host) !== 0) {
      const reason = addressPolicy.refusal(host);
      if (reason !== undefined) throw refuse(`the address is in a refused range: ${reason}`, host);
      return undefined;
    }
    let addresses: readonly string[];
    try {
      addresses = await abortable(resolve(url.hostname), signal);
    } catch (cause) {
      if (signal.aborted) throw cause;
      throw new OutboundError('OUTBOUND_FAILED', `${context}cannot resolve ${url.hostname}`, {
        cause,
        details: { origin, code: errorCode(cause) },
      });
    }
    if (addresses.length === 0)
      throw new OutboundError('OUTBOUND_FAILED', `${context}${url.hostname} has no address`, {
        details: { origin },
      });
    for (const address of addresses) {
      const reason = addressPolicy.refusal(address);
      if (reason !== undefined)
        throw refuse(
          `${url.hostname} resolves to an address in a refused range: ${reason}`,
          address,
        );
    }
    return addresses;
  };

  const tooLarge = (url: URL) =>
    new OutboundError(
      'OUTBOUND_TOO_LARGE',
      `the response from ${describeOrigin(url)} is larger than ${maxResponseBytes} bytes`,
      { details: { origin: describeOrigin(url), limit: maxResponseBytes } },
    );

  const toError = (cause: unknown, url: URL, deadline: AbortSignal, caller?: AbortSignal) => {
    if (cause instanceof OutboundError) return cause;
    const origin = describeOrigin(url);
    const code = errorCode(cause);
    const details = { origin, ...(code === undefined ? {} : { code }) };
    if (deadline.aborted || (code !== undefined && TIMEOUT_CODES.has(code)))
      return new OutboundError(
        'OUTBOUND_TIMEOUT',
        `${origin} did not answer within ${timeoutMs} ms`,
        { cause, details },
      );
    if (caller?.aborted === true)
      return new OutboundError('OUTBOUND_FAILED', `the request to ${origin} was aborted`, {
        cause,
        details,
      });
    if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return tooLarge(url);
    return new OutboundError(
      'OUTBOUND_FAILED',
      `the request to ${origin} failed${code === undefined ? '' : ` (${code})`}`,
      { cause, details },
    );
  };

  const exchange = async (
    url: URL,
    addresses: readonly string[] | undefined,
    hop: Hop,
    signal: AbortSignal,
  ): Promise<Answer> => {
    const dispatcher = createPinnedDispatcher({
      hostname: bareHost(url),
      addresses,
      timeoutMs,
      maxResponseBytes,
      ca,
    });
    try {
      const res = await undiciRequest(url, {
        dispatcher,
        method: hop.method,
        headers: hop.headers,
        body: hop.body ?? null,
        signal,
      });
      const headers = flattenHeaders(res.headers);
      const location = isRedirect(res.statusCode) ? headers.location : undefined;
      if (location !== undefined) {
        discard(res.body);
        return { status: res.statusCode, headers, body: Buffer.alloc(0), location };
      }
      // A HEAD answer announces the length of a body it does not send.
      if (hop.method !== 'HEAD' && Number(headers['content-length']) > maxResponseBytes) {
        discard(res.body);
        throw tooLarge(url);
      }
      const body = await readLimited(res.body, maxResponseBytes, () => tooLarge(url));
      return { status: res.statusCode, headers, body, location };
    } finally {
      await dispatcher.destroy().catch(() => undefined);
    }
  };

  const follow = (location: string, from: URL, redirects: number): URL => {
    const context = `redirect ${redirects}: ${describeOrigin(from)} redirected to a URL that`;
    const next = URL.parse(location, from.href);
    if (next === null)
      throw new OutboundError('OUTBOUND_DESTINATION_REFUSED', `${context} cannot be parsed`);
    next.hash = '';
    const parsed = parseOutboundUrl(next.href);
    if ('problem' in parsed)
      throw new OutboundError('OUTBOUND_DESTINATION_REFUSED', `${context} ${parsed.problem}`);
    return parsed.url;
  };

  return {
    async request(input, init = {}) {
      let hop: Hop = firstHop(init.method ?? 'GET', init.headers ?? {}, init.body, userAgent);
      let url = parse(input);
      const first = url;
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal =
        init.signal === undefined ? deadline : AbortSignal.any([deadline, init.signal]);
      try {
        for (let redirects = 0; ; redirects++) {
          const addresses = await vet(
            url,
            signal,
            redirects === 0 ? '' : `redirect ${redirects}: `,
          );
          const answer = await exchange(url, addresses, hop, signal);
          if (answer.location === undefined) {
            const { status, headers, body } = answer;
            return {
              status,
              headers,
              body,
              url: url.href,
              redirects,
              text: () => body.toString('utf8'),
            };
          }
          if (redirects >= maxRedirects)
            throw new OutboundError(
              'OUTBOUND_TOO_MANY_REDIRECTS',
              `${describeOrigin(first)} redirected more than ${maxRedirects} times`,
              { details: { origin: describeOrigin(first), maxRedirects } },
            );
          const next = follow(answer.location, url, redirects + 1);
          hop = redirectedHop(hop, answer.status, url, next);
          url = next;
        }
      } catch (cause) {
        throw toError(cause, url, deadline, init.signal);
      }
    },

    async assertAllowedUrl(input, assertOptions = {}) {
      const { field } = assertOptions;
      const url = parse(input, field);
      const deadline = AbortSignal.timeout(timeoutMs);
      try {
        await vet(url, deadline, '');
      } catch (cause) {
        const err = toError(cause, url, deadline);
        if (field === undefined || err.kind === 'unavailable') throw err;
        throw new OutboundError(err.code, err.message, {
          cause: err.cause,
          details: err.details,
          issues: [{ path: field, message: err.message }],
        });
      }
    },
  };
}
