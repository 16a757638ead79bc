export { createOutboundHttp } from './outbound-http.ts';
export type {
  OutboundHttp,
  OutboundHttpOptions,
  OutboundRequestInit,
  OutboundResponse,
  ResolveHost,
} from './outbound-http.ts';
export { outboundUrl, MAX_URL_LENGTH } from './url-policy.ts';
export { REFUSED_IPV4, REFUSED_IPV6 } from './address-policy.ts';
export type { RefusedRange } from './address-policy.ts';
export { OutboundError } from './outbound-errors.ts';
export type { OutboundErrorCode } from './outbound-errors.ts';
