import { Worker } from 'node:worker_threads';
import type { ParserId } from '../../siem/index.ts';
import { DetectionError } from '../errors.ts';
import type { RuleTestResult } from './rule-test.ts';

/** What a rule test needs, as plain data (it crosses into a worker thread). */
export interface RuleTestJob {
  readonly text: string;
  readonly events: readonly unknown[];
  /** The mapping files' directory (the shipped one when undefined). */
  readonly mappingsDir: string | undefined;
  readonly placeholders: readonly (readonly [string, readonly string[]])[];
  readonly receivedAt: number;
  readonly parser?: ParserId;
}

/** How long a rule test may run before it is stopped. */
export const RULE_TEST_TIMEOUT_MS = 5000;

/**
 * Runs a rule test in a worker thread of its own, stopped after `timeoutMs`: the rule comes from
 * the request, and one regular expression with catastrophic backtracking must not hold the
 * server's event loop. Throws `DETECTION_INVALID_REQUEST` when the test runs out of time.
 */
export function testRuleIsolated(
  job: RuleTestJob,
  timeoutMs: number = RULE_TEST_TIMEOUT_MS,
): Promise<RuleTestResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./rule-test-worker.ts', import.meta.url), {
      workerData: job,
    });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(() => {
      settle(() => {
        reject(
          new DetectionError(
            'DETECTION_INVALID_REQUEST',
            `the rule test ran longer than ${String(timeoutMs / 1000)} s and was stopped (a regular expression with catastrophic backtracking, or too much work for one request)`,
          ),
        );
      });
    }, timeoutMs);
    worker.once(
      'message',
      (reply: { ok: true; result: RuleTestResult } | { ok: false; message: string }) => {
        settle(() => {
          if (reply.ok) resolve(reply.result);
          else reject(new DetectionError('DETECTION_INVALID_REQUEST', reply.message));
        });
      },
    );
    worker.once('error', (err: Error) => {
      settle(() => {
        reject(err);
      });
    });
    worker.once('exit', (code) => {
      settle(() => {
        reject(new Error(`the rule test worker exited (code ${String(code)})`));
      });
    });
  });
}
