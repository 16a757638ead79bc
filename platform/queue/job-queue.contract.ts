import { afterEach, describe, expect, it, vi } from 'vitest';
import { isSecOpsError } from '../errors/index.ts';
import type { Job, JobData, JobQueue } from './job-queue.ts';

/** A queue with an empty namespace, and how to throw it away. */
export interface QueueUnderTest {
  readonly queue: JobQueue;
  /** A second handle on the same namespace, as another process would have. */
  readonly reopen: () => Promise<JobQueue>;
  readonly close: () => Promise<void>;
}

/** Options the contract needs the adapter to honour: a short lease makes stalls quick to see. */
export interface QueueSettings {
  readonly leaseMs?: number;
}

const WAIT = { timeout: 15_000, interval: 20 };

function gate(): { readonly open: () => void; readonly opened: Promise<void> } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isSecOpsError(err) ? err.code : 'not a SecOpsError';
  }
  return undefined;
}

/**
 * What every job queue adapter must do. `make` returns a queue over a fresh namespace (a new
 * database schema or Redis key prefix).
 */
export function describeJobQueueContract(
  name: string,
  make: (settings: QueueSettings) => Promise<QueueUnderTest>,
): void {
  describe(`JobQueue contract: ${name}`, () => {
    const open: QueueUnderTest[] = [];
    const start = async (settings: QueueSettings = {}): Promise<QueueUnderTest> => {
      const made = await make(settings);
      open.push(made);
      return made;
    };
    afterEach(async () => {
      for (const made of open.splice(0)) await made.close();
    });

    it('delivers jobs added before and after the worker starts, with their data', async () => {
      const { queue } = await start();
      const seen: Job[] = [];
      await queue.add('test.deliver', { n: 1, tags: ['a'] }, { jobId: 'first' });
      const worker = queue.work('test.deliver', (job) => {
        seen.push(job);
        return Promise.resolve();
      });
      const second = await queue.add('test.deliver', { n: 2, nested: { ok: true } });
      await vi.waitFor(() => {
        expect(seen).toHaveLength(2);
      }, WAIT);
      expect(seen.map((job) => job.data)).toEqual([
        { n: 1, tags: ['a'] },
        { n: 2, nested: { ok: true } },
      ]);
      expect(seen.map((job) => job.id)).toEqual(['first', second.id]);
      expect(seen[0]).toMatchObject({ queue: 'test.deliver', attempt: 1, maxAttempts: 1 });
      await worker.close();
      expect(await queue.counts('test.deliver')).toEqual({
        waiting: 0,
        delayed: 0,
        active: 0,
        failed: 0,
      });
    });

    it('ignores a job id that is already waiting, and frees it once the job completes', async () => {
      const { queue } = await start();
      await queue.add('test.idem', { v: 1 }, { jobId: 'step-1' });
      await queue.add('test.idem', { v: 2 }, { jobId: 'step-1' });
      expect((await queue.counts('test.idem')).waiting).toBe(1);
      const seen: JobData[] = [];
      const worker = queue.work('test.idem', (job) => {
        seen.push(job.data);
        return Promise.resolve();
      });
      await vi.waitFor(() => {
        expect(seen).toEqual([{ v: 1 }]);
      }, WAIT);
      await vi.waitFor(async () => {
        expect((await queue.counts('test.idem')).active).toBe(0);
      }, WAIT);
      await queue.add('test.idem', { v: 3 }, { jobId: 'step-1' });
      await vi.waitFor(() => {
        expect(seen).toEqual([{ v: 1 }, { v: 3 }]);
      }, WAIT);
      await worker.close();
    });

    it('retries a failing job with backoff and numbers its attempts', async () => {
      const { queue } = await start();
      const attempts: number[] = [];
      const worker = queue.work('test.retry', (job) => {
        attempts.push(job.attempt);
        return job.attempt < 3 ? Promise.reject(new Error('flaky')) : Promise.resolve();
      });
      await queue.add(
        'test.retry',
        {},
        { jobId: 'r1', attempts: 3, backoff: { type: 'exponential', delayMs: 10 } },
      );
      await vi.waitFor(() => {
        expect(attempts).toEqual([1, 2, 3]);
      }, WAIT);
      await worker.close();
      expect(await queue.failed('test.retry')).toEqual([]);
    });

    it('keeps a job that used its attempts as a dead letter, until it is retried', async () => {
      const { queue } = await start();
      let fail = true;
      const done: string[] = [];
      const worker = queue.work('test.dead', (job) => {
        if (fail) return Promise.reject(new Error(`refused by peer (${job.id})`));
        done.push(job.id);
        return Promise.resolve();
      });
      await queue.add(
        'test.dead',
        { target: 'x' },
        { jobId: 'd1', attempts: 2, backoff: { type: 'fixed', delayMs: 5 } },
      );
      await vi.waitFor(async () => {
        expect(await queue.failed('test.dead')).toEqual([
          { id: 'd1', data: { target: 'x' }, attemptsMade: 2, error: 'refused by peer (d1)' },
        ]);
      }, WAIT);
      expect((await queue.counts('test.dead')).failed).toBe(1);
      // The id stays taken while the job is a dead letter.
      await queue.add('test.dead', { target: 'y' }, { jobId: 'd1' });
      expect((await queue.counts('test.dead')).waiting).toBe(0);
      fail = false;
      expect(await queue.retry('test.dead', 'd1')).toBe(true);
      expect(await queue.retry('test.dead', 'no-such-job')).toBe(false);
      await vi.waitFor(() => {
        expect(done).toEqual(['d1']);
      }, WAIT);
      await worker.close();
      expect(await queue.failed('test.dead')).toEqual([]);
    });

    it('holds a delayed job back until its time', async () => {
      const { queue } = await start();
      await queue.add('test.delay', { later: true }, { delayMs: 60_000 });
      await queue.add('test.delay', { soon: true }, { delayMs: 100 });
      const counts = await queue.counts('test.delay');
      expect(counts.delayed + counts.waiting).toBe(2);
      expect(counts.delayed).toBeGreaterThanOrEqual(1);
      const seen: JobData[] = [];
      const worker = queue.work('test.delay', (job) => {
        seen.push(job.data);
        return Promise.resolve();
      });
      await vi.waitFor(() => {
        expect(seen).toEqual([{ soon: true }]);
      }, WAIT);
      expect((await queue.counts('test.delay')).delayed).toBe(1);
      await worker.close();
    });

    it('runs no more jobs at once than the concurrency, which can change while running', async () => {
      const { queue } = await start();
      let running = 0;
      let peak = 0;
      let finished = 0;
      const gates: (() => void)[] = [];
      const releaseOne = (): void => {
        gates.shift()?.();
      };
      const worker = queue.work(
        'test.conc',
        async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise<void>((resolve) => gates.push(resolve));
          running--;
          finished++;
        },
        { concurrency: 3 },
      );
      try {
        expect(worker.concurrency).toBe(3);
        for (let i = 0; i < 8; i++) await queue.add('test.conc', { i });
        await vi.waitFor(() => {
          expect(running).toBe(3);
        }, WAIT);
        expect(peak).toBe(3);
        // A new concurrency applies from the next job the worker takes (BullMQ waits for a slot).
        worker.concurrency = 5;
        expect(worker.concurrency).toBe(5);
        releaseOne();
        await vi.waitFor(() => {
          expect(running).toBe(5);
        }, WAIT);
        while (finished < 8) {
          releaseOne();
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(peak).toBe(5);
        expect(codeOf(() => (worker.concurrency = 0))).toBe('QUEUE_INVALID');
      } finally {
        while (gates.length > 0) releaseOne();
        await worker.close();
      }
    });

    it('keeps a long job reserved while its worker lives', async () => {
      const { queue } = await start({ leaseMs: 400 });
      let deliveries = 0;
      const worker = queue.work('test.long', async () => {
        deliveries++;
        await new Promise((resolve) => setTimeout(resolve, 1_500));
      });
      const other = queue.work('test.long', () => {
        deliveries++;
        return Promise.resolve();
      });
      await queue.add('test.long', {}, { jobId: 'long' });
      await vi.waitFor(async () => {
        expect(deliveries).toBe(1);
        expect((await queue.counts('test.long')).active).toBe(0);
      }, WAIT);
      await Promise.all([worker.close(), other.close()]);
      expect(deliveries).toBe(1);
    });

    it('delivers again the job of a worker that died, to a worker of another process', async () => {
      const { queue, reopen } = await start({ leaseMs: 400 });
      const started = gate();
      const crashed = queue.work('test.stall', async () => {
        started.open();
        await new Promise<never>(() => undefined);
      });
      await queue.add('test.stall', { step: 'contain' }, { jobId: 'run-1.contain', attempts: 2 });
      await started.opened;
      await crashed.close({ abandon: true });
      const survivor = await reopen();
      const redelivered: Job[] = [];
      const worker = survivor.work('test.stall', (job) => {
        redelivered.push(job);
        return Promise.resolve();
      });
      await vi.waitFor(() => {
        expect(redelivered).toHaveLength(1);
      }, WAIT);
      expect(redelivered[0]).toMatchObject({ id: 'run-1.contain', data: { step: 'contain' } });
      await worker.close();
      await survivor.close();
    });

    it('waits for running jobs when a worker closes', async () => {
      const { queue } = await start();
      const started = gate();
      let completed = false;
      const worker = queue.work('test.drain', async () => {
        started.open();
        await new Promise((resolve) => setTimeout(resolve, 200));
        completed = true;
      });
      await queue.add('test.drain', {});
      await started.opened;
      await worker.close();
      expect(completed).toBe(true);
      await vi.waitFor(async () => {
        expect((await queue.counts('test.drain')).active).toBe(0);
      }, WAIT);
    });

    it('keeps queues apart', async () => {
      const { queue } = await start();
      const a: JobData[] = [];
      const b: JobData[] = [];
      const workers = [
        queue.work('test.a', (job) => {
          a.push(job.data);
          return Promise.resolve();
        }),
        queue.work('test.b', (job) => {
          b.push(job.data);
          return Promise.resolve();
        }),
      ];
      await queue.add('test.a', 'for a', { jobId: 'same' });
      await queue.add('test.b', 'for b', { jobId: 'same' });
      await vi.waitFor(() => {
        expect([a, b]).toEqual([['for a'], ['for b']]);
      }, WAIT);
      for (const worker of workers) await worker.close();
    });

    it('refuses malformed queue names, job ids and concurrency with QUEUE_INVALID', async () => {
      const { queue } = await start();
      const refusal = async (fn: () => Promise<unknown>): Promise<string | undefined> => {
        try {
          await fn();
        } catch (err) {
          return isSecOpsError(err) ? err.code : 'not a SecOpsError';
        }
        return undefined;
      };
      expect(await refusal(() => queue.add('Bad Queue', {}))).toBe('QUEUE_INVALID');
      expect(await refusal(() => queue.add('test.ok', {}, { jobId: 'a:b:c' }))).toBe(
        'QUEUE_INVALID',
      );
      expect(await refusal(() => queue.add('test.ok', {}, { jobId: '' }))).toBe('QUEUE_INVALID');
      expect(codeOf(() => queue.work('test.ok', () => Promise.resolve(), { concurrency: 0 }))).toBe(
        'QUEUE_INVALID',
      );
    });
  });
}
