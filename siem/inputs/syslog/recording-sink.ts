// Test support: a real in-memory SyslogSink whose speed and failures a test controls.
import type { SyslogMessage, SyslogSink } from './syslog-message.ts';

/** An in-memory sink recording what it accepted, which a test can hold back or make fail. */
export interface RecordingSink extends SyslogSink {
  /** Messages accepted, in acceptance order. */
  readonly accepted: SyslogMessage[];
  /** Sizes of the batches accepted. */
  readonly batchSizes: number[];
  /** Every `submit` call, accepted or not. */
  readonly calls: () => number;
  /** From now on `submit` waits until `release()`. */
  hold(): void;
  release(): void;
  /** The next `count` calls reject with `error` (`count` Infinity: all of them). */
  rejectNext(count: number, error: Error): void;
}

export function createRecordingSink(): RecordingSink {
  const accepted: SyslogMessage[] = [];
  const batchSizes: number[] = [];
  let calls = 0;
  let gate: { promise: Promise<void>; open: () => void } | undefined;
  let rejections = 0;
  let rejection: Error | undefined;
  return {
    accepted,
    batchSizes,
    calls: () => calls,
    async submit(messages) {
      calls++;
      if (gate) await gate.promise;
      if (rejections > 0 && rejection) {
        rejections--;
        throw rejection;
      }
      accepted.push(...messages);
      batchSizes.push(messages.length);
    },
    hold() {
      if (gate) return;
      let open = (): void => undefined;
      const promise = new Promise<void>((resolve) => {
        open = resolve;
      });
      gate = { promise, open };
    },
    release() {
      gate?.open();
      gate = undefined;
    },
    rejectNext(count, error) {
      rejections = count;
      rejection = error;
    },
  };
}

/** Polls `condition` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
