export { SecOpsError, isSecOpsError, defineErrors } from './secops-error.ts';
export type { ErrorKind, FieldIssue, SecOpsErrorOptions } from './secops-error.ts';
export { PlatformError } from './platform-errors.ts';
export type { PlatformErrorCode } from './platform-errors.ts';
