import { defineErrors } from '../errors/index.ts';

/**
 * Errors of outbound HTTP. Messages name the scheme, host and port only: paths and query
 * strings may carry tokens (a Slack webhook's path is its secret), and request headers and
 * bodies never appear.
 */
export const OutboundError = defineErrors('OutboundError', {
  /** The URL is not an acceptable absolute http(s) URL (syntax). */
  OUTBOUND_URL_INVALID: 'invalid',
  /** Policy refuses the destination: scheme, port, host allowlist or a refused address. */
  OUTBOUND_DESTINATION_REFUSED: 'forbidden',
  /** The request itself is unusable (method, a header the client owns). */
  OUTBOUND_REQUEST_INVALID: 'invalid',
  /** The policy options are wrong (a CIDR, a host pattern, a limit). */
  OUTBOUND_POLICY_INVALID: 'invalid',
  OUTBOUND_TIMEOUT: 'unavailable',
  OUTBOUND_TOO_LARGE: 'too_large',
  OUTBOUND_TOO_MANY_REDIRECTS: 'unavailable',
  /** Resolution, connection, TLS or protocol failure, or the caller aborted. */
  OUTBOUND_FAILED: 'unavailable',
});
export type OutboundError = InstanceType<typeof OutboundError>;
export type OutboundErrorCode = OutboundError['code'];
