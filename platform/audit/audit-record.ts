import { z } from 'zod';
import { AuditError } from './audit-errors.ts';
import { canonicalJson } from './canonical-json.ts';
import { hashLeaf } from './merkle-tree.ts';
import { hmacSensitive } from './sensitive-hmac.ts';

/** Who acted. */
export type ActorKind = 'user' | 'agent' | 'api-token' | 'system' | 'anonymous';
/** How the action ended: done, failed, or refused by authorisation. */
export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditActor {
  readonly id: string;
  readonly kind: ActorKind;
  readonly name?: string;
}

export interface AuditResource {
  readonly type: string;
  readonly id?: string;
}

/** What a caller records: one change or sensitive read. */
export interface AuditEntry {
  readonly actor: AuditActor;
  readonly tenantId: string;
  /** `<module>.<verb>` or deeper, lower case: `secrets.read`, `rbac.role.create`. */
  readonly action: string;
  readonly resource: AuditResource;
  readonly outcome: AuditOutcome;
  readonly requestId?: string;
  readonly sourceAddress?: string;
  readonly userAgent?: string;
  /** Any JSON; it is stored and exported as is, so it must hold no secret. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Values replaced by `hmac-sha256:<hex>` before storage; never stored clear. */
  readonly sensitive?: Readonly<Record<string, string>>;
}

/**
 * The signed content of a record: its RFC 8785 canonical JSON is the Merkle leaf. `sensitive`
 * holds HMACs only.
 */
export interface AuditRecordDocument extends Omit<AuditEntry, 'sensitive'> {
  /** Gapless, from 1; record `seq` is leaf `seq - 1` of the tree. */
  readonly seq: number;
  /** ISO 8601 UTC, from the log's clock at append. */
  readonly time: string;
  readonly sensitive?: Readonly<Record<string, string>>;
}

/** A stored record with its hashes (lower-case hex). */
export interface AuditRecord extends AuditRecordDocument {
  /** SHA-256(0x00 || canonical JSON of the document). */
  readonly leafHash: string;
  /** SHA-256(previous chain hash || leaf hash); the first extends 32 zero bytes. */
  readonly chainHash: string;
}

/** Largest canonical record accepted, in UTF-8 bytes. */
export const MAX_RECORD_BYTES = 64 * 1024;
const ACTION = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/;

const text = (max: number) => z.string().min(1).max(max);
const entryShape = {
  actor: z.strictObject({
    id: text(256),
    kind: z.enum(['user', 'agent', 'api-token', 'system', 'anonymous']),
    name: text(256).optional(),
  }),
  tenantId: text(256),
  action: z.string().max(128).regex(ACTION, 'expected dotted lower-case words, e.g. secrets.read'),
  resource: z.strictObject({ type: text(128), id: text(512).optional() }),
  outcome: z.enum(['success', 'failure', 'denied']),
  requestId: text(256).optional(),
  sourceAddress: text(256).optional(),
  userAgent: text(1024).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
};
const entrySchema = z.strictObject({
  ...entryShape,
  sensitive: z.record(text(128), z.string().max(64 * 1024)).optional(),
});
const documentSchema = z.strictObject({
  ...entryShape,
  seq: z.number().int().min(1),
  time: z.iso.datetime(),
  sensitive: z.record(text(128), z.string().regex(/^hmac-sha256:[0-9a-f]{64}$/)).optional(),
});

/** Validates an entry; throws `AUDIT_ENTRY_INVALID` listing each bad field. */
export function parseAuditEntry(input: unknown): AuditEntry {
  const result = entrySchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    throw new AuditError(
      'AUDIT_ENTRY_INVALID',
      `invalid audit entry: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  return input as AuditEntry;
}

/** Checks that parsed JSON is a record document (verification of stored or exported records). */
export function isRecordDocument(value: unknown): value is AuditRecordDocument {
  return documentSchema.safeParse(value).success;
}

/** The document of record `seq`: entry fields without `undefined`, sensitive values HMACed. */
export function toRecordDocument(
  entry: AuditEntry,
  seq: number,
  timeMs: number,
  hmacKey: Uint8Array,
): AuditRecordDocument {
  const { sensitive, ...rest } = entry;
  const doc: Record<string, unknown> = { ...rest, seq, time: new Date(timeMs).toISOString() };
  if (sensitive !== undefined) {
    doc.sensitive = Object.fromEntries(
      Object.entries(sensitive).map(([name, value]) => [name, hmacSensitive(hmacKey, value)]),
    );
  }
  return doc as unknown as AuditRecordDocument;
}

/** Canonical JSON and leaf hash of a document; throws `AUDIT_ENTRY_INVALID` if it cannot be. */
export function encodeRecord(doc: AuditRecordDocument): { canonical: string; leafHash: Buffer } {
  let canonical: string;
  try {
    canonical = canonicalJson(doc);
  } catch (cause) {
    const issues = cause instanceof AuditError ? cause.issues : [];
    throw new AuditError(
      'AUDIT_ENTRY_INVALID',
      `the entry is not JSON: ${(cause as Error).message}`,
      {
        cause,
        issues,
      },
    );
  }
  const bytes = Buffer.from(canonical, 'utf8');
  if (bytes.length > MAX_RECORD_BYTES) {
    throw new AuditError('AUDIT_ENTRY_INVALID', `the record exceeds ${MAX_RECORD_BYTES} bytes`);
  }
  return { canonical, leafHash: hashLeaf(bytes) };
}

/** The leaf hash of a canonical record text as stored. */
export function leafHashOf(canonical: string): Buffer {
  return hashLeaf(Buffer.from(canonical, 'utf8'));
}

/** The indexed columns of a record, derived from its document. */
export interface RecordColumns {
  readonly time_ms: number;
  readonly tenant_id: string;
  readonly actor_id: string;
  readonly actor_kind: string;
  readonly action: string;
  readonly resource_type: string;
  readonly resource_id: string | null;
  readonly outcome: string;
  readonly request_id: string | null;
  readonly source_address: string | null;
  readonly user_agent: string | null;
}

export function recordColumns(doc: AuditRecordDocument): RecordColumns {
  return {
    time_ms: Date.parse(doc.time),
    tenant_id: doc.tenantId,
    actor_id: doc.actor.id,
    actor_kind: doc.actor.kind,
    action: doc.action,
    resource_type: doc.resource.type,
    resource_id: doc.resource.id ?? null,
    outcome: doc.outcome,
    request_id: doc.requestId ?? null,
    source_address: doc.sourceAddress ?? null,
    user_agent: doc.userAgent ?? null,
  };
}
