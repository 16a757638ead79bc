export { createSiem } from './create-siem.ts';
export type { Siem, SiemDeps, SyslogListenOptions } from './create-siem.ts';
export type { SyslogServer, SyslogStats } from './inputs/syslog/index.ts';
export { SiemError } from './errors.ts';
export type { SiemErrorCode } from './errors.ts';
export { siemMigrations } from './sources/migrations.ts';
export {
  TOKEN_PREFIX as SOURCE_TOKEN_PREFIX,
  createSourceRegistry,
} from './sources/source-registry.ts';
export type { SourceRecord, SourceRegistry } from './sources/source-registry.ts';
export { createSqliteEventStore } from './adapters/sqlite/sqlite-event-store.ts';
export type { SqliteEventStoreOptions } from './adapters/sqlite/sqlite-event-store.ts';
export type {
  EventStore,
  PreparedEvent,
  StoredEvent,
  EventFilter,
  EventSearchRequest,
  EventSearchResult,
  TermsResult,
  DateHistogramBucket,
  RetentionResult,
  AppendStatus,
  OutboxRecord,
  OutboxEntry,
} from './events/event-store.ts';
export { createIngestPipeline } from './ingest/ingest-pipeline.ts';
export type {
  HookResult,
  IngestHook,
  IngestItem,
  IngestOptions,
  IngestPipeline,
  IngestSource,
  ItemResult,
  ItemStatus,
} from './ingest/ingest-pipeline.ts';
export { ndjsonItem } from './http/ingest-routes.ts';
export { readBodyLines } from './http/body-lines.ts';
export {
  AUDIT_DATASET,
  auditEvent,
  auditEventId,
  createAuditShipper,
} from './inputs/platform-audit/audit-shipper.ts';
export type { AuditShipper, AuditShipperDeps } from './inputs/platform-audit/audit-shipper.ts';
export { readFileRecords } from './inputs/file/record-reader.ts';
export type { FileRecord, FileLayout } from './inputs/file/record-reader.ts';
export type { BodyLine } from './http/body-lines.ts';
export { parseKql, formatKql } from './search/kql/index.ts';
export type { KqlNode } from './search/kql/index.ts';
export { parseDateValue } from './search/date-values.ts';
export { parsers, parseRecord } from './parsers/index.ts';
export type { ParserId, EcsDocument, RawRecord } from './parsers/index.ts';
