import type { SignedCheckpoint } from './audit-log.ts';
import type { AuditFilter, RecordRow } from './audit-store.ts';

/** The `format` of an NDJSON export's header line. */
export const EXPORT_FORMAT = 'claytom-secops/audit-export@v1';

/** First line of an NDJSON export. Informational: nothing in it is trusted by the verifier. */
export interface ExportHeader {
  readonly type: 'header';
  readonly format: typeof EXPORT_FORMAT;
  readonly origin: string;
  readonly keyName: string;
  readonly filter: AuditFilter;
  readonly exportedAt: string;
}

export function headerLine(header: Omit<ExportHeader, 'type' | 'format'>): string {
  return line({ type: 'header', format: EXPORT_FORMAT, ...header });
}

export function checkpointLine(checkpoint: SignedCheckpoint): string {
  const { treeSize, rootHash, note } = checkpoint;
  return line({ type: 'checkpoint', treeSize, rootHash, note });
}

/** A record line; `proof` (an inclusion proof against the export's checkpoint) when filtered. */
export function recordLine(row: RecordRow, proof?: readonly Buffer[]): string {
  let record: unknown;
  try {
    record = JSON.parse(row.record_json);
  } catch {
    // Exported as found: the verifier reports it, the exporter does not hide it.
    record = row.record_json;
  }
  return line({
    type: 'record',
    seq: row.seq,
    leafHash: row.leaf_hash,
    chainHash: row.chain_hash,
    record,
    ...(proof === undefined ? {} : { proof: proof.map((p) => p.toString('hex')) }),
  });
}

const CSV_COLUMNS = [
  'seq',
  'time',
  'tenantId',
  'actorId',
  'actorKind',
  'actorName',
  'action',
  'resourceType',
  'resourceId',
  'outcome',
  'requestId',
  'sourceAddress',
  'userAgent',
  'details',
  'sensitive',
  'leafHash',
  'chainHash',
] as const;

export function csvHeaderLine(): string {
  return `${CSV_COLUMNS.join(',')}\n`;
}

/** A CSV row (RFC 4180 quoting) of the record's document. */
export function csvLine(row: RecordRow): string {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(row.record_json) as Record<string, unknown>;
  } catch {
    doc = {};
  }
  const actor = (doc.actor ?? {}) as Record<string, unknown>;
  const resource = (doc.resource ?? {}) as Record<string, unknown>;
  const json = (v: unknown): string => (v === undefined ? '' : JSON.stringify(v));
  const cells: unknown[] = [
    row.seq,
    doc.time,
    doc.tenantId,
    actor.id,
    actor.kind,
    actor.name,
    doc.action,
    resource.type,
    resource.id,
    doc.outcome,
    doc.requestId,
    doc.sourceAddress,
    doc.userAgent,
    json(doc.details),
    json(doc.sensitive),
    row.leaf_hash,
    row.chain_hash,
  ];
  return `${cells.map(csvCell).join(',')}\n`;
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  // A leading = + - @ (or tab, CR) makes spreadsheets evaluate the cell: neutralise it (OWASP).
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
