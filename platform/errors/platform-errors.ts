import { defineErrors } from './secops-error.ts';

/** Errors raised by the platform kernel itself (configuration, storage, lifecycle). */
export const PlatformError = defineErrors('PlatformError', {
  CONFIG_INVALID: 'invalid',
  CONFIG_FILE_UNREADABLE: 'invalid',
  STORAGE_CONFLICT: 'conflict',
  STORAGE_UNAVAILABLE: 'unavailable',
  STORAGE_RETRYABLE: 'unavailable',
  STORAGE_TX_MISUSE: 'internal',
  STORAGE_CLOSED: 'unavailable',
  MIGRATION_FAILED: 'internal',
  MIGRATION_CHECKSUM_MISMATCH: 'internal',
  SHUTTING_DOWN: 'unavailable',
  REQUEST_INVALID: 'invalid',
  RATE_LIMITED: 'overloaded',
  REQUEST_UNSUPPORTED_MEDIA: 'unsupported',
  REQUEST_TOO_LARGE: 'too_large',
  QUEUE_INVALID: 'invalid',
  QUEUE_CLOSED: 'unavailable',
});
export type PlatformError = InstanceType<typeof PlatformError>;
export type PlatformErrorCode = PlatformError['code'];
