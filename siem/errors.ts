import { defineErrors } from '../platform/errors/index.ts';

/** Errors of the SIEM module. Tests branch on `code`. */
export const SiemError = defineErrors('SiemError', {
  SIEM_PARSE_FAILED: 'invalid',
  SIEM_INVALID_EVENT: 'invalid',
  SIEM_EVENT_TOO_LARGE: 'too_large',
  SIEM_BODY_TOO_LARGE: 'too_large',
  SIEM_BAD_ENCODING: 'unsupported',
  SIEM_QUERY_SYNTAX: 'invalid',
  SIEM_QUERY_UNSUPPORTED: 'invalid',
  SIEM_BAD_CURSOR: 'invalid',
  SIEM_OVERLOADED: 'overloaded',
  SIEM_UNKNOWN_SOURCE: 'unauthenticated',
  SIEM_SOURCE_DISABLED: 'forbidden',
  SIEM_SOURCE_EXISTS: 'conflict',
  SIEM_SOURCE_NOT_FOUND: 'not_found',
  SIEM_STORE_UNAVAILABLE: 'unavailable',
  SIEM_STORE_CLOSED: 'unavailable',
  SIEM_EVENT_NOT_FOUND: 'not_found',
  SIEM_INVALID_REQUEST: 'invalid',
});
export type SiemError = InstanceType<typeof SiemError>;
export type SiemErrorCode = SiemError['code'];
