import { PlatformError } from '../errors/index.ts';

const QUEUE_NAME = /^[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*$/;
const JOB_ID = /^[A-Za-z0-9._#@-]{1,200}$/;

/** Queue names are `<module>.<name>` in lower case (`soar.step`, `evidence.collect`). */
export function assertQueueName(queue: string): void {
  if (!QUEUE_NAME.test(queue) || queue.length > 100)
    throw new PlatformError('QUEUE_INVALID', `not a queue name: ${JSON.stringify(queue)}`, {
      issues: [{ path: 'queue', message: 'lower-case words separated by dots, e.g. soar.step' }],
    });
}

/** Job ids: letters, digits and `._#@-`, at most 200 characters (BullMQ gives `:` a meaning). */
export function assertJobId(id: string): void {
  if (!JOB_ID.test(id))
    throw new PlatformError('QUEUE_INVALID', `not a job id: ${JSON.stringify(id.slice(0, 60))}`, {
      issues: [{ path: 'jobId', message: 'letters, digits and ._#@- only, 1 to 200 characters' }],
    });
}

/** Concurrency must be a whole number of at least 1. */
export function assertConcurrency(concurrency: number): void {
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000)
    throw new PlatformError(
      'QUEUE_INVALID',
      `concurrency must be 1..1000, got ${String(concurrency)}`,
      {
        issues: [{ path: 'concurrency', message: 'a whole number from 1 to 1000' }],
      },
    );
}

/** Delay before the try after `attemptsMade` failed ones. */
export function backoffDelay(
  backoff: { readonly type: 'fixed' | 'exponential'; readonly delayMs: number } | undefined,
  attemptsMade: number,
): number {
  if (backoff === undefined) return 0;
  if (backoff.type === 'fixed') return backoff.delayMs;
  return Math.round(backoff.delayMs * 2 ** Math.max(0, attemptsMade - 1));
}
