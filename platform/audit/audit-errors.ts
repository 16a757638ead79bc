import { defineErrors } from '../errors/index.ts';

/** Errors of the audit log. Tests and callers branch on `code`. */
export const AuditError = defineErrors('AuditError', {
  /** An entry or a value in it cannot be recorded (shape, size, or not JSON). */
  AUDIT_ENTRY_INVALID: 'invalid',
  /** A value is outside the JSON data model RFC 8785 canonicalises. */
  AUDIT_CANONICAL_INVALID: 'invalid',
  /** A list or export filter (limit, cursor, range) is malformed. */
  AUDIT_FILTER_INVALID: 'invalid',
  /** A proof was asked for a leaf or tree size the log does not have. */
  AUDIT_RANGE_INVALID: 'invalid',
  /** A signing key, HMAC key or verifier key is missing or malformed. */
  AUDIT_KEY_INVALID: 'invalid',
  /** A signed note or checkpoint does not follow c2sp.org/signed-note or tlog-checkpoint. */
  AUDIT_NOTE_MALFORMED: 'invalid',
  /** A signature from a known key does not verify, or no known key signed the note. */
  AUDIT_SIGNATURE_INVALID: 'invalid',
  /** No checkpoint has been signed yet. */
  AUDIT_CHECKPOINT_NOT_FOUND: 'not_found',
  /** No such record among those the caller may read. */
  AUDIT_RECORD_NOT_FOUND: 'not_found',
  /** A tenant the caller may not read (answered alike whether it exists or not). */
  AUDIT_TENANT_NOT_FOUND: 'not_found',
  /** The stored log fails verification; the log refuses to sign a tree head over it. */
  AUDIT_LOG_CORRUPT: 'internal',
  /** The record could not be written; the caller's transaction must fail with it. */
  AUDIT_APPEND_FAILED: 'unavailable',
});
export type AuditError = InstanceType<typeof AuditError>;
export type AuditErrorCode = AuditError['code'];
