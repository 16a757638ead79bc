/** Values a job carries: JSON only, and never a secret (pass a reference, resolve it in the handler). */
export type JobData =
  string | number | boolean | null | readonly JobData[] | { readonly [key: string]: JobData };

/** How a failed attempt waits before the next: `fixed` waits `delayMs`, `exponential` doubles it. */
export interface JobBackoff {
  readonly type: 'fixed' | 'exponential';
  readonly delayMs: number;
}

export interface JobOptions {
  /**
   * Makes `add` idempotent: while a job with this id is waiting, delayed, active or failed, adding
   * it again does nothing. Once it completes the id is free again. Letters, digits and `._#@-`.
   */
  readonly jobId?: string;
  /** Runs no earlier than this many milliseconds from now. */
  readonly delayMs?: number;
  /** Tries in all, counting the first. Default 1. */
  readonly attempts?: number;
  readonly backoff?: JobBackoff;
}

/** A job as its handler sees it. */
export interface Job<T extends JobData = JobData> {
  readonly id: string;
  readonly queue: string;
  readonly data: T;
  /** This try, from 1. A redelivery after a stalled worker keeps the number of the try it stalled in. */
  readonly attempt: number;
  readonly maxAttempts: number;
}

/** Resolving completes the job; throwing fails this attempt (retried while attempts remain). */
export type JobHandler<T extends JobData = JobData> = (job: Job<T>) => Promise<void>;

export interface WorkOptions {
  /** Jobs of this queue this worker runs at once. Default 1. */
  readonly concurrency?: number;
}

/** A worker consuming one queue; its concurrency can change while it runs. */
export interface QueueWorker {
  readonly queue: string;
  concurrency: number;
  /**
   * Stops taking jobs and waits for the running ones. With `abandon`, returns at once and leaves
   * running jobs to be recovered as stalled by another worker (what a crash does).
   */
  close(options?: { readonly abandon?: boolean }): Promise<void>;
}

export interface QueueCounts {
  readonly waiting: number;
  readonly delayed: number;
  readonly active: number;
  readonly failed: number;
}

/** A job that used up its attempts (or stalled too often): kept until retried. */
export interface FailedJob {
  readonly id: string;
  readonly data: JobData;
  readonly attemptsMade: number;
  readonly error: string;
}

/**
 * The durable job queue port: playbook steps and collectors run as jobs. Delivery is
 * at-least-once: a job whose worker dies is delivered again once its lease (lock) lapses, so
 * handlers must be idempotent. Adapters: a jobs table in the relational store with in-process
 * workers (embedded), and BullMQ on Redis.
 */
export interface JobQueue {
  readonly kind: 'relational' | 'bullmq';
  /** Adds a job; returns its id (the given `jobId`, or a generated one). */
  add(queue: string, data: JobData, options?: JobOptions): Promise<{ readonly id: string }>;
  work<T extends JobData = JobData>(
    queue: string,
    handler: JobHandler<T>,
    options?: WorkOptions,
  ): QueueWorker;
  counts(queue: string): Promise<QueueCounts>;
  /** Dead letters of a queue, oldest first. */
  failed(queue: string, limit?: number): Promise<FailedJob[]>;
  /** Moves a failed job back to waiting with fresh attempts. False when no such failed job. */
  retry(queue: string, jobId: string): Promise<boolean>;
  /** Closes every worker (gracefully) and the connections. */
  close(): Promise<void>;
}
