import type { DatabaseSync } from 'node:sqlite';
import { isSecOpsError } from '../../../platform/errors/index.ts';
import { SiemError } from '../../errors.ts';
import type { SiemErrorCode } from '../../errors.ts';
import { createEventReader } from './event-reader.ts';
import { createEventWriter } from './event-writer.ts';
import type { AppendBatch } from './event-writer.ts';
import { createPartitionCatalog, openEventDb } from './partition-catalog.ts';
import type {
  DateHistogramRequest,
  EventFilter,
  EventSearchRequest,
  TermsRequest,
} from '../../events/event-store.ts';

/**
 * Requests the store core answers, in or out of a worker thread. `now` feeds date math. Every
 * read names its tenant.
 */
export type CoreRequest =
  | { readonly op: 'append'; readonly batch: AppendBatch }
  | { readonly op: 'deleteBefore'; readonly cutoff: number }
  | { readonly op: 'readOutbox'; readonly topic: string; readonly limit: number }
  | { readonly op: 'ackOutbox'; readonly topic: string; readonly seqs: readonly number[] }
  | {
      readonly op: 'search';
      readonly tenantId: string;
      readonly request: EventSearchRequest;
      readonly now: number;
    }
  | {
      readonly op: 'count';
      readonly tenantId: string;
      readonly filter: EventFilter;
      readonly now: number;
    }
  | {
      readonly op: 'terms';
      readonly tenantId: string;
      readonly request: TermsRequest;
      readonly now: number;
    }
  | {
      readonly op: 'dateHistogram';
      readonly tenantId: string;
      readonly request: DateHistogramRequest;
      readonly now: number;
    }
  | {
      readonly op: 'get';
      readonly tenantId: string;
      readonly id: string;
      readonly timestamp: number | undefined;
    }
  | { readonly op: 'ping' }
  | { readonly op: 'close' };

export interface CoreOptions {
  readonly path: string;
  readonly durability: 'full' | 'normal';
  readonly promotedFields: readonly string[];
  readonly role: 'writer' | 'reader' | 'both';
  readonly cacheMiB?: number;
}

/** A store error as plain data, to cross a thread boundary. */
export interface WireError {
  readonly code: SiemErrorCode;
  readonly message: string;
}

export function toWireError(err: unknown): WireError {
  if (isSecOpsError(err) && err.code.startsWith('SIEM_'))
    return { code: err.code as SiemErrorCode, message: err.message };
  return {
    code: 'SIEM_STORE_UNAVAILABLE',
    message: `event store failure: ${err instanceof Error ? err.message : String(err)}`,
  };
}

export function fromWireError(wire: WireError): SiemError {
  return new SiemError(wire.code, wire.message);
}

/** The synchronous store: one connection, answering requests one at a time. */
export function createStoreCore(options: CoreOptions) {
  const db: DatabaseSync = openEventDb({
    path: options.path,
    durability: options.durability,
    cacheMiB: options.cacheMiB ?? 64,
    upgrade: options.role !== 'reader',
  });
  const catalog = createPartitionCatalog(db);
  let now = Date.now();
  const writer =
    options.role === 'reader' ? undefined : createEventWriter(db, catalog, options.promotedFields);
  const reader = options.role === 'writer' ? undefined : createEventReader(db, catalog, () => now);
  const needWriter = () => {
    if (!writer) throw new SiemError('SIEM_STORE_UNAVAILABLE', 'this connection does not write');
    return writer;
  };
  const needReader = () => {
    if (!reader) throw new SiemError('SIEM_STORE_UNAVAILABLE', 'this connection does not read');
    return reader;
  };
  return {
    handle(request: CoreRequest): unknown {
      switch (request.op) {
        case 'append':
          return needWriter().append(request.batch);
        case 'deleteBefore':
          return needWriter().deleteBefore(request.cutoff);
        case 'readOutbox':
          return needWriter().outbox.read(request.topic, request.limit);
        case 'ackOutbox':
          needWriter().outbox.ack(request.topic, request.seqs);
          return null;
        case 'search':
          now = request.now;
          return needReader().search(request.tenantId, request.request);
        case 'count':
          now = request.now;
          return needReader().count(request.tenantId, request.filter);
        case 'terms':
          now = request.now;
          return needReader().terms(request.tenantId, request.request);
        case 'dateHistogram':
          now = request.now;
          return needReader().dateHistogram(request.tenantId, request.request);
        case 'get':
          return needReader().get(request.tenantId, request.id, request.timestamp);
        case 'ping':
          db.prepare('SELECT 1').get();
          return 'ok';
        case 'close':
          if (writer) db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
          db.close();
          return 'closed';
      }
    },
  };
}

export type StoreCore = ReturnType<typeof createStoreCore>;
