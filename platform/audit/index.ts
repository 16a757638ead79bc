// The log
export { createAuditLog } from './relational-audit-log.ts';
export type {
  AuditConsistencyProof,
  AuditExportFormat,
  AuditInclusionProof,
  AuditListQuery,
  AuditLog,
  AuditLogDeps,
  AuditPage,
  SignedCheckpoint,
} from './audit-log.ts';
export type {
  ActorKind,
  AuditActor,
  AuditEntry,
  AuditOutcome,
  AuditRecord,
  AuditRecordDocument,
  AuditResource,
} from './audit-record.ts';
export type { AuditFilter } from './audit-store.ts';
export { auditMigrations } from './migrations.ts';
export { auditRoutes } from './audit-routes.ts';
export { AuditError } from './audit-errors.ts';
export type { AuditErrorCode } from './audit-errors.ts';

// Keys
export { generateAuditKeys, loadAuditKeys } from './audit-keys.ts';
export type { AuditKeys, GeneratedAuditKeys, LoadAuditKeysOptions } from './audit-keys.ts';

// Verification, offline included
export { verifyExport } from './verify-export.ts';
export { EXPORT_FORMAT } from './export-lines.ts';
export type { ExportHeader } from './export-lines.ts';
export type { BreakReason, VerifyBreak, VerifyReport } from './log-verification.ts';

// Pure core
export { canonicalJson } from './canonical-json.ts';
export type { JsonValue } from './canonical-json.ts';
export {
  EMPTY_ROOT,
  createCompactRange,
  createMerkleTree,
  hashChildren,
  hashLeaf,
} from './merkle-tree.ts';
export type { CompactRange, MerkleTree } from './merkle-tree.ts';
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './merkle-verify.ts';
export { CHAIN_GENESIS, chainHash } from './hash-chain.ts';
export { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.ts';
export type { Checkpoint } from './checkpoint.ts';
export { noteKeyId, openNote, parseVerifierKey, signNote, verifierKey } from './signed-note.ts';
export type { NoteSignature, NoteSigner, NoteVerifier, OpenedNote } from './signed-note.ts';
export { HMAC_PREFIX, hmacSensitive } from './sensitive-hmac.ts';
