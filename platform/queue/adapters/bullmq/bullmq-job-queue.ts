import './no-native-msgpack.ts';
import { Queue, Worker } from 'bullmq';
import type { Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import { PlatformError } from '../../../errors/index.ts';
import type {
  FailedJob,
  JobData,
  JobHandler,
  JobOptions,
  JobQueue,
  QueueCounts,
  QueueWorker,
  WorkOptions,
} from '../../job-queue.ts';
import { assertConcurrency, assertJobId, assertQueueName } from '../../queue-names.ts';

export interface BullmqJobQueueOptions {
  /** `redis://` or `rediss://` URL. */
  readonly url: string;
  /** Key prefix of every queue. Default `secops:q`. */
  readonly prefix?: string;
  /** Lock duration of an active job; a worker that stops renewing it loses the job. Default 30 s. */
  readonly leaseMs?: number;
  /** Redeliveries after stalls before a job is failed. Default 3. */
  readonly maxStalls?: number;
  /** Called on connection and worker errors (BullMQ keeps retrying). */
  readonly onError?: (error: unknown) => void;
}

/**
 * The scale adapter: BullMQ on Redis. Completed jobs are removed (so an id is free again once
 * its job completes, as in the embedded queue); failed ones are kept as dead letters. Stalled
 * jobs (their worker's lock lapsed) go back to waiting, up to `maxStalls` times.
 */
export function createBullmqJobQueue(options: BullmqJobQueueOptions): JobQueue {
  const prefix = options.prefix ?? 'secops:q';
  const leaseMs = options.leaseMs ?? 30_000;
  const maxStalls = options.maxStalls ?? 3;
  const onError = options.onError ?? (() => undefined);
  const connection = new Redis(options.url, { maxRetriesPerRequest: null, lazyConnect: false });
  connection.on('error', onError);
  const queues = new Map<string, Queue>();
  const workers = new Set<BullmqWorker>();
  let closed = false;

  const queueOf = (name: string): Queue => {
    if (closed) throw new PlatformError('QUEUE_CLOSED', 'the job queue is closed');
    assertQueueName(name);
    let queue = queues.get(name);
    if (queue === undefined) {
      queue = new Queue(name, { connection, prefix });
      queue.on('error', onError);
      queues.set(name, queue);
    }
    return queue;
  };

  class BullmqWorker implements QueueWorker {
    readonly queue: string;
    readonly #worker: Worker;

    constructor(queue: string, handler: JobHandler, concurrency: number) {
      this.queue = queue;
      this.#worker = new Worker(
        queue,
        async (job: BullJob) => {
          await handler({
            id: job.id ?? '',
            queue,
            data: job.data as JobData,
            attempt: job.attemptsMade + 1,
            maxAttempts: job.opts.attempts ?? 1,
          });
        },
        {
          connection,
          prefix,
          concurrency,
          lockDuration: leaseMs,
          stalledInterval: Math.max(100, Math.floor(leaseMs / 2)),
          maxStalledCount: maxStalls,
        },
      );
      this.#worker.on('error', onError);
    }

    get concurrency(): number {
      return this.#worker.concurrency;
    }

    set concurrency(value: number) {
      assertConcurrency(value);
      this.#worker.concurrency = value;
    }

    async close(closeOptions: { readonly abandon?: boolean } = {}): Promise<void> {
      workers.delete(this);
      await this.#worker.close(closeOptions.abandon === true);
    }
  }

  return {
    kind: 'bullmq',

    async add(queue: string, data: JobData, jobOptions: JobOptions = {}) {
      const target = queueOf(queue);
      if (jobOptions.jobId !== undefined) assertJobId(jobOptions.jobId);
      const job = await target.add(queue, data, {
        ...(jobOptions.jobId === undefined ? {} : { jobId: jobOptions.jobId }),
        ...(jobOptions.delayMs === undefined ? {} : { delay: Math.max(0, jobOptions.delayMs) }),
        attempts: Math.max(1, jobOptions.attempts ?? 1),
        ...(jobOptions.backoff === undefined
          ? {}
          : { backoff: { type: jobOptions.backoff.type, delay: jobOptions.backoff.delayMs } }),
        removeOnComplete: true,
        removeOnFail: false,
      });
      return { id: job.id ?? jobOptions.jobId ?? '' };
    },

    work<T extends JobData = JobData>(
      queue: string,
      handler: JobHandler<T>,
      workOptions: WorkOptions = {},
    ): QueueWorker {
      queueOf(queue);
      const concurrency = workOptions.concurrency ?? 1;
      assertConcurrency(concurrency);
      const worker = new BullmqWorker(queue, handler as JobHandler, concurrency);
      workers.add(worker);
      return worker;
    },

    async counts(queue: string): Promise<QueueCounts> {
      const counts = await queueOf(queue).getJobCounts(
        'waiting',
        'prioritized',
        'delayed',
        'active',
        'failed',
      );
      return {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        delayed: counts.delayed ?? 0,
        active: counts.active ?? 0,
        failed: counts.failed ?? 0,
      };
    },

    async failed(queue: string, limit = 100): Promise<FailedJob[]> {
      const jobs = await queueOf(queue).getFailed(0, Math.max(0, limit - 1));
      return jobs
        .sort((a, b) => (a.finishedOn ?? 0) - (b.finishedOn ?? 0))
        .map((job) => ({
          id: job.id ?? '',
          data: job.data as JobData,
          attemptsMade: job.attemptsMade,
          error: job.failedReason,
        }));
    },

    async retry(queue: string, jobId: string): Promise<boolean> {
      const job = await queueOf(queue).getJob(jobId);
      if (job === undefined || !(await job.isFailed())) return false;
      await job.retry('failed', { resetAttemptsMade: true });
      return true;
    },

    async close() {
      closed = true;
      await Promise.all([...workers].map((worker) => worker.close()));
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      queues.clear();
      await connection.quit().catch(() => undefined);
    },
  };
}
