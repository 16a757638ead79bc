import { randomUUID } from 'node:crypto';
import { PlatformError } from '../../../errors/index.ts';
import { sql } from '../../../storage/index.ts';
import type { RelationalStore, Row } from '../../../storage/index.ts';
import type {
  FailedJob,
  Job,
  JobBackoff,
  JobData,
  JobHandler,
  JobOptions,
  JobQueue,
  QueueCounts,
  QueueWorker,
  WorkOptions,
} from '../../job-queue.ts';
import {
  assertConcurrency,
  assertJobId,
  assertQueueName,
  backoffDelay,
} from '../../queue-names.ts';

export interface RelationalJobQueueOptions {
  /** The store holding `platform_jobs` (migrated with `queueMigrations`). */
  readonly store: RelationalStore;
  /** How often an idle worker looks for due jobs. Jobs added in this process wake it at once. Default 250 ms. */
  readonly pollMs?: number;
  /** How long a taken job stays reserved without its worker renewing it. Default 30 s. */
  readonly leaseMs?: number;
  /** Redeliveries after stalls before a job is failed. Default 3. */
  readonly maxStalls?: number;
  /** Called when the store fails while polling (the worker keeps polling). */
  readonly onError?: (error: unknown) => void;
  readonly now?: () => number;
}

interface JobRow extends Row {
  readonly queue: string;
  readonly id: string;
  readonly data: string;
  readonly state: string;
  readonly attempts_made: number | string;
  readonly max_attempts: number | string;
  readonly backoff: string | null;
  readonly stalls: number | string;
  readonly error: string | null;
}

/**
 * The embedded queue: jobs are rows of `platform_jobs` in the relational store (SQLite by default,
 * PostgreSQL works too and then several processes may share it), taken with a lease that the
 * worker renews while the handler runs. A lapsed lease means the worker died: the next poll takes
 * the job again. In PostgreSQL, workers skip rows another worker has locked.
 */
export function createRelationalJobQueue(options: RelationalJobQueueOptions): JobQueue {
  const { store } = options;
  const pollMs = options.pollMs ?? 250;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxStalls = options.maxStalls ?? 3;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => undefined);
  const workers = new Set<RelationalWorker>();
  let closed = false;

  const wake = (queue: string): void => {
    for (const worker of workers) if (worker.queue === queue) worker.wake();
  };

  class RelationalWorker implements QueueWorker {
    readonly queue: string;
    readonly #owner = randomUUID();
    readonly #handler: JobHandler;
    readonly #running = new Set<Promise<void>>();
    #concurrency: number;
    #closed = false;
    #abandoned = false;
    #polling = false;
    #again = false;
    #timer: NodeJS.Timeout | undefined;
    readonly #heartbeat: NodeJS.Timeout;

    constructor(queue: string, handler: JobHandler, concurrency: number) {
      this.queue = queue;
      this.#handler = handler;
      this.#concurrency = concurrency;
      this.#heartbeat = setInterval(() => void this.#renew(), Math.max(50, leaseMs / 3));
      this.#heartbeat.unref();
      this.wake();
    }

    get concurrency(): number {
      return this.#concurrency;
    }

    set concurrency(value: number) {
      assertConcurrency(value);
      this.#concurrency = value;
      this.wake();
    }

    wake(): void {
      if (this.#closed) return;
      if (this.#polling) {
        this.#again = true;
        return;
      }
      void this.#poll();
    }

    async #poll(): Promise<void> {
      this.#polling = true;
      clearTimeout(this.#timer);
      try {
        do {
          this.#again = false;
          const free = this.#concurrency - this.#running.size;
          if (free <= 0) break;
          const rows = await this.#claim(free);
          for (const row of rows) this.#dispatch(row);
          if (rows.length === free) this.#again = true;
        } while (this.#again && !this.#closed);
      } catch (err) {
        onError(err);
      } finally {
        this.#polling = false;
        if (!this.#closed) {
          this.#timer = setTimeout(() => {
            this.wake();
          }, pollMs);
          this.#timer.unref();
        }
      }
    }

    async #claim(limit: number): Promise<JobRow[]> {
      const at = now();
      const lock = store.dialect === 'postgres' ? sql.raw('FOR UPDATE SKIP LOCKED') : sql.raw('');
      return store.query<JobRow>(sql`
        UPDATE platform_jobs
           SET lease_owner = ${this.#owner}, lease_until = ${at + leaseMs},
               stalls = stalls + CASE WHEN state = 'active' THEN 1 ELSE 0 END,
               state = 'active'
         WHERE (queue, id) IN (
           SELECT queue, id FROM platform_jobs
            WHERE queue = ${this.queue}
              AND ((state = 'waiting' AND run_at <= ${at})
                OR (state = 'active' AND lease_until < ${at}))
            ORDER BY run_at, created_at
            LIMIT ${limit} ${lock})
        RETURNING queue, id, data, state, attempts_made, max_attempts, backoff, stalls, error`);
    }

    #dispatch(row: JobRow): void {
      const task = this.#run(row).finally(() => {
        this.#running.delete(task);
        this.wake();
      });
      this.#running.add(task);
    }

    async #run(row: JobRow): Promise<void> {
      const stalls = Number(row.stalls);
      if (stalls > maxStalls) {
        await this.#finish(row, `job stalled ${String(stalls)} times (its worker stopped)`, true);
        return;
      }
      const job: Job = {
        id: row.id,
        queue: row.queue,
        data: JSON.parse(row.data) as JobData,
        attempt: Number(row.attempts_made) + 1,
        maxAttempts: Number(row.max_attempts),
      };
      let failure: string | undefined;
      try {
        await this.#handler(job);
      } catch (err) {
        failure = err instanceof Error ? err.message : String(err);
      }
      // An abandoned worker acts as a dead one: its lease lapses and the job is delivered again.
      if (this.#abandoned) return;
      try {
        if (failure === undefined) {
          await store.execute(sql`
            DELETE FROM platform_jobs
             WHERE queue = ${row.queue} AND id = ${row.id} AND lease_owner = ${this.#owner}`);
        } else {
          await this.#finish(row, failure, job.attempt >= job.maxAttempts);
        }
      } catch (err) {
        // The lease lapses and the job is delivered again: at-least-once.
        onError(err);
      }
    }

    async #finish(row: JobRow, error: string, final: boolean): Promise<void> {
      const attemptsMade = Number(row.attempts_made) + 1;
      const backoff = row.backoff === null ? undefined : (JSON.parse(row.backoff) as JobBackoff);
      const runAt = now() + backoffDelay(backoff, attemptsMade);
      await store.execute(sql`
        UPDATE platform_jobs
           SET state = ${final ? 'failed' : 'waiting'}, attempts_made = ${attemptsMade},
               run_at = ${runAt}, error = ${error.slice(0, 2000)},
               lease_owner = NULL, lease_until = NULL
         WHERE queue = ${row.queue} AND id = ${row.id} AND lease_owner = ${this.#owner}`);
    }

    async #renew(): Promise<void> {
      if (this.#running.size === 0) return;
      try {
        await store.execute(sql`
          UPDATE platform_jobs SET lease_until = ${now() + leaseMs}
           WHERE queue = ${this.queue} AND lease_owner = ${this.#owner} AND state = 'active'`);
      } catch (err) {
        onError(err);
      }
    }

    async close(closeOptions: { readonly abandon?: boolean } = {}): Promise<void> {
      this.#closed = true;
      this.#abandoned = closeOptions.abandon === true;
      clearTimeout(this.#timer);
      workers.delete(this);
      if (this.#abandoned) {
        clearInterval(this.#heartbeat);
        return;
      }
      await Promise.allSettled([...this.#running]);
      clearInterval(this.#heartbeat);
    }
  }

  const assertOpen = (): void => {
    if (closed) throw new PlatformError('QUEUE_CLOSED', 'the job queue is closed');
  };

  return {
    kind: 'relational',

    async add(queue: string, data: JobData, jobOptions: JobOptions = {}) {
      assertOpen();
      assertQueueName(queue);
      const id = jobOptions.jobId ?? randomUUID();
      assertJobId(id);
      const attempts = jobOptions.attempts ?? 1;
      const at = now();
      await store.execute(sql`
        INSERT INTO platform_jobs
          (queue, id, data, state, attempts_made, max_attempts, backoff, run_at, stalls, created_at)
        VALUES (${queue}, ${id}, ${JSON.stringify(data)}, 'waiting', 0, ${Math.max(1, attempts)},
                ${jobOptions.backoff === undefined ? null : JSON.stringify(jobOptions.backoff)},
                ${at + Math.max(0, jobOptions.delayMs ?? 0)}, 0, ${at})
        ON CONFLICT (queue, id) DO NOTHING`);
      if ((jobOptions.delayMs ?? 0) <= 0) wake(queue);
      return { id };
    },

    work<T extends JobData = JobData>(
      queue: string,
      handler: JobHandler<T>,
      workOptions: WorkOptions = {},
    ): QueueWorker {
      assertOpen();
      assertQueueName(queue);
      const concurrency = workOptions.concurrency ?? 1;
      assertConcurrency(concurrency);
      const worker = new RelationalWorker(queue, handler as JobHandler, concurrency);
      workers.add(worker);
      return worker;
    },

    async counts(queue: string): Promise<QueueCounts> {
      const at = now();
      const rows = await store.query<{
        state: string;
        due: number | string;
        n: number | string;
      }>(sql`
        SELECT state, CASE WHEN run_at > ${at} THEN 1 ELSE 0 END AS due, COUNT(*) AS n
          FROM platform_jobs WHERE queue = ${queue} GROUP BY state, due`);
      const counts = { waiting: 0, delayed: 0, active: 0, failed: 0 };
      for (const row of rows) {
        const n = Number(row.n);
        if (row.state === 'active') counts.active += n;
        else if (row.state === 'failed') counts.failed += n;
        else if (Number(row.due) === 1) counts.delayed += n;
        else counts.waiting += n;
      }
      return counts;
    },

    async failed(queue: string, limit = 100): Promise<FailedJob[]> {
      const rows = await store.query<JobRow>(sql`
        SELECT queue, id, data, state, attempts_made, max_attempts, backoff, stalls, error
          FROM platform_jobs WHERE queue = ${queue} AND state = 'failed'
         ORDER BY run_at, created_at LIMIT ${limit}`);
      return rows.map((row) => ({
        id: row.id,
        data: JSON.parse(row.data) as JobData,
        attemptsMade: Number(row.attempts_made),
        error: row.error ?? '',
      }));
    },

    async retry(queue: string, jobId: string): Promise<boolean> {
      const { rowCount } = await store.execute(sql`
        UPDATE platform_jobs
           SET state = 'waiting', attempts_made = 0, stalls = 0, run_at = ${now()}, error = NULL
         WHERE queue = ${queue} AND id = ${jobId} AND state = 'failed'`);
      if (rowCount > 0) wake(queue);
      return rowCount > 0;
    },

    async close() {
      closed = true;
      await Promise.all([...workers].map((worker) => worker.close()));
    },
  };
}
