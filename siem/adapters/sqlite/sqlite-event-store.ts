import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Clock } from '../../../platform/clock/index.ts';
import { systemClock } from '../../../platform/clock/index.ts';
import { SiemError } from '../../errors.ts';
import type {
  AppendStatus,
  DateHistogramBucket,
  EventStore,
  EventStoreHealth,
  EventSearchResult,
  OutboxEntry,
  OutboxRecord,
  PreparedEvent,
  RetentionResult,
  StoredEvent,
  TermsResult,
} from '../../events/event-store.ts';
import { createStoreCore, fromWireError } from './event-store-core.ts';
import type { CoreOptions, CoreRequest, WireError } from './event-store-core.ts';
import type { AppendBatch } from './event-writer.ts';
import { indexFields } from './index-fields.ts';
import { PROMOTED_FIELDS } from './layout.ts';

export interface SqliteEventStoreOptions {
  /** The event database file (its own file, beside the relational one). */
  readonly path: string;
  readonly durability?: 'full' | 'normal';
  /**
   * `true` (default): writes and reads run on two worker threads, so SQLite never blocks the
   * event loop and ingest parsing overlaps with storage. `false`: in the calling thread (CLI).
   */
  readonly threads?: boolean;
  readonly promotedFields?: readonly string[];
  /** Most events committed in one group transaction. */
  readonly maxGroupEvents?: number;
  readonly clock?: Clock;
  readonly cacheMiB?: number;
  /**
   * `read-only` opens only a reader (no lock, no writes): for CLI searches while a server is
   * writing to the same store.
   */
  readonly mode?: 'read-write' | 'read-only';
}

interface Backend {
  call(request: CoreRequest): Promise<unknown>;
  close(): Promise<void>;
  readonly healthy: () => boolean;
}

/**
 * The embedded event store: SQLite + FTS5 in day partitions (see layout.ts). Concurrent appends
 * are group-committed: while one transaction commits, the next ones queue and go together.
 */
export async function createSqliteEventStore(
  options: SqliteEventStoreOptions,
): Promise<EventStore> {
  const promotedFields = options.promotedFields ?? PROMOTED_FIELDS;
  const clock = options.clock ?? systemClock;
  const maxGroup = options.maxGroupEvents ?? 20_000;
  const base: Omit<CoreOptions, 'role'> = {
    path: options.path,
    durability: options.durability ?? 'full',
    promotedFields,
    ...(options.cacheMiB === undefined ? {} : { cacheMiB: options.cacheMiB }),
  };
  mkdirSync(dirname(options.path), { recursive: true });
  const readOnly = options.mode === 'read-only';
  const lock = readOnly ? { release: () => undefined } : acquireWriterLock(`${options.path}.lock`);
  let writer: Backend;
  let reader: Backend;
  try {
    if (readOnly) {
      reader = inThread({ ...base, role: 'reader' });
      writer = refusingWriter();
    } else if (options.threads ?? true) {
      writer = await startWorker({ ...base, role: 'writer' });
      reader = await startWorker({ ...base, role: 'reader' });
    } else {
      writer = inThread({ ...base, role: 'both' });
      reader = writer;
    }
  } catch (err) {
    lock.release();
    throw err;
  }

  interface Pending {
    readonly batch: AppendBatch;
    readonly resolve: (statuses: AppendStatus[]) => void;
    readonly reject: (err: unknown) => void;
  }
  let queue: Pending[] = [];
  let writing = false;
  let closed = false;

  const flush = (): void => {
    if (writing || queue.length === 0) return;
    const group: Pending[] = [];
    let size = 0;
    while (queue.length > 0) {
      const next = queue[0];
      if (next === undefined || (group.length > 0 && size + next.batch.ids.length > maxGroup))
        break;
      group.push(next);
      size += next.batch.ids.length;
      queue.shift();
    }
    writing = true;
    const merged = mergeBatches(group.map((g) => g.batch));
    writer
      .call({ op: 'append', batch: merged })
      .then(
        (result) => {
          const statuses = result as AppendStatus[];
          let offset = 0;
          for (const g of group) {
            g.resolve(statuses.slice(offset, offset + g.batch.ids.length));
            offset += g.batch.ids.length;
          }
        },
        (err: unknown) => {
          for (const g of group) g.reject(err);
        },
      )
      .finally(() => {
        writing = false;
        flush();
      });
  };

  const guard = (): void => {
    if (closed) throw new SiemError('SIEM_STORE_CLOSED', 'the event store is closed');
  };
  /** Reads are refused without a tenant (callers outside TypeScript could pass none). */
  const scoped = (tenantId: string): string => {
    guard();
    if (typeof tenantId !== 'string' || tenantId === '')
      throw new SiemError('SIEM_INVALID_REQUEST', 'every event read names its tenant');
    return tenantId;
  };

  return {
    append(
      events: readonly PreparedEvent[],
      outbox: readonly OutboxRecord[] = [],
    ): Promise<AppendStatus[]> {
      guard();
      if (events.length === 0 && outbox.length === 0) return Promise.resolve([]);
      // Refused here, alone, rather than failing the group commit it would join.
      if (events.some((e) => typeof e.tenantId !== 'string' || e.tenantId === ''))
        return Promise.reject(
          new SiemError('SIEM_INVALID_EVENT', 'every event must carry its tenant'),
        );
      const batch = toBatch(events, promotedFields, outbox);
      return new Promise((resolve, reject) => {
        queue.push({ batch, resolve, reject });
        flush();
      });
    },
    async get(tenantId, id, timestamp): Promise<StoredEvent | undefined> {
      return (await reader.call({ op: 'get', tenantId: scoped(tenantId), id, timestamp })) as
        StoredEvent | undefined;
    },
    async search(tenantId, request): Promise<EventSearchResult> {
      return (await reader.call({
        op: 'search',
        tenantId: scoped(tenantId),
        request,
        now: clock.now(),
      })) as EventSearchResult;
    },
    async count(tenantId, filter): Promise<number> {
      return (await reader.call({
        op: 'count',
        tenantId: scoped(tenantId),
        filter,
        now: clock.now(),
      })) as number;
    },
    async terms(tenantId, request): Promise<TermsResult> {
      return (await reader.call({
        op: 'terms',
        tenantId: scoped(tenantId),
        request,
        now: clock.now(),
      })) as TermsResult;
    },
    async dateHistogram(tenantId, request): Promise<DateHistogramBucket[]> {
      return (await reader.call({
        op: 'dateHistogram',
        tenantId: scoped(tenantId),
        request,
        now: clock.now(),
      })) as DateHistogramBucket[];
    },
    async readOutbox(topic, limit): Promise<OutboxEntry[]> {
      guard();
      return (await writer.call({ op: 'readOutbox', topic, limit })) as OutboxEntry[];
    },
    async ackOutbox(topic, seqs): Promise<void> {
      guard();
      if (seqs.length > 0) await writer.call({ op: 'ackOutbox', topic, seqs });
    },
    async deleteBefore(cutoff): Promise<RetentionResult> {
      guard();
      return (await writer.call({ op: 'deleteBefore', cutoff })) as RetentionResult;
    },
    async health(): Promise<EventStoreHealth> {
      if (closed) return { ok: false, detail: 'closed' };
      if (!writer.healthy() || !reader.healthy())
        return { ok: false, detail: 'a store thread has stopped' };
      try {
        await reader.call({ op: 'ping' });
        return { ok: true, detail: `${options.path} (queued appends: ${String(queue.length)})` };
      } catch (err) {
        return { ok: false, detail: (err as Error).message };
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // Finish what was accepted before closing: nothing queued is dropped.
      while (writing || queue.length > 0) await new Promise((r) => setTimeout(r, 5));
      if (reader !== writer) await reader.close();
      await writer.close();
      lock.release();
      queue = [];
    },
  };
}

function toBatch(
  events: readonly PreparedEvent[],
  promotedFields: readonly string[],
  outbox: readonly OutboxRecord[],
): AppendBatch {
  const tenants: string[] = [];
  const ids: string[] = [];
  const timestamps: number[] = [];
  const json: string[] = [];
  const text: string[] = [];
  const stampedOnReceipt: boolean[] = [];
  const promoted: (string | null)[] = [];
  for (const e of events) {
    const fields = indexFields(e.doc, promotedFields);
    tenants.push(e.tenantId);
    ids.push(e.id);
    timestamps.push(e.timestamp);
    json.push(e.json);
    text.push(fields.text);
    stampedOnReceipt.push(e.stampedOnReceipt === true);
    for (const v of fields.promoted) promoted.push(v);
  }
  return { tenants, ids, timestamps, json, text, stampedOnReceipt, promoted, outbox };
}

function mergeBatches(batches: readonly AppendBatch[]): AppendBatch {
  if (batches.length === 1 && batches[0]) return batches[0];
  return {
    tenants: batches.flatMap((b) => b.tenants),
    ids: batches.flatMap((b) => b.ids),
    timestamps: batches.flatMap((b) => b.timestamps),
    json: batches.flatMap((b) => b.json),
    text: batches.flatMap((b) => b.text),
    stampedOnReceipt: batches.flatMap((b) => b.stampedOnReceipt),
    promoted: batches.flatMap((b) => b.promoted),
    outbox: batches.flatMap((b) => b.outbox),
  };
}

function refusingWriter(): Backend {
  return {
    call: () =>
      Promise.reject(
        new SiemError('SIEM_STORE_UNAVAILABLE', 'this event store was opened read-only'),
      ),
    close: () => Promise.resolve(),
    healthy: () => true,
  };
}

function inThread(options: CoreOptions): Backend {
  const core = createStoreCore(options);
  let open = true;
  return {
    call: (request) => {
      try {
        return Promise.resolve(core.handle(request));
      } catch (err) {
        return Promise.reject(
          err instanceof SiemError
            ? err
            : fromWireError({ code: 'SIEM_STORE_UNAVAILABLE', message: (err as Error).message }),
        );
      }
    },
    close: () => {
      if (open) {
        open = false;
        core.handle({ op: 'close' });
      }
      return Promise.resolve();
    },
    healthy: () => open,
  };
}

type Reply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError };

function startWorker(options: CoreOptions): Promise<Backend> {
  const worker = new Worker(new URL('./event-store-worker.ts', import.meta.url), {
    workerData: options,
  });
  const waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void }
  >();
  let nextId = 1;
  let alive = true;
  let failure: SiemError | undefined;

  const failAll = (err: SiemError): void => {
    alive = false;
    failure = err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };

  return new Promise((resolveStart, rejectStart) => {
    worker.on('message', (reply: Reply) => {
      if (reply.id === 0) {
        if (reply.ok) resolveStart(backend);
        else {
          rejectStart(fromWireError(reply.error));
          void worker.terminate();
        }
        return;
      }
      const w = waiting.get(reply.id);
      if (!w) return;
      waiting.delete(reply.id);
      if (reply.ok) w.resolve(reply.result);
      else w.reject(fromWireError(reply.error));
    });
    worker.on('error', (err: Error) => {
      const wrapped = new SiemError(
        'SIEM_STORE_UNAVAILABLE',
        `event store thread failed: ${err.message}`,
        { cause: err },
      );
      rejectStart(wrapped);
      failAll(wrapped);
    });
    worker.on('exit', (code) => {
      if (alive)
        failAll(
          new SiemError(
            'SIEM_STORE_UNAVAILABLE',
            `event store thread exited (code ${String(code)})`,
          ),
        );
    });

    const backend: Backend = {
      call(request) {
        if (!alive)
          return Promise.reject(
            failure ?? new SiemError('SIEM_STORE_CLOSED', 'the event store is closed'),
          );
        const id = nextId++;
        return new Promise((resolve, reject) => {
          waiting.set(id, { resolve, reject });
          worker.postMessage({ id, request });
        });
      },
      async close() {
        if (!alive) return;
        await backend.call({ op: 'close' });
        alive = false;
        await worker.terminate();
      },
      healthy: () => alive,
    };
  });
}

/**
 * One writing process per event database: a lock file holding the writer's pid. A lock left by
 * a process that no longer exists (killed) is taken over.
 */
function acquireWriterLock(file: string): { release(): void } {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let held = true;
      return {
        release() {
          if (held) {
            held = false;
            rmSync(file, { force: true });
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new SiemError(
          'SIEM_STORE_UNAVAILABLE',
          `the event store ${file.replace(/\.lock$/, '')} is in use by process ${String(pid)}`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new SiemError('SIEM_STORE_UNAVAILABLE', `could not lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
