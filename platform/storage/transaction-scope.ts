import { AsyncLocalStorage } from 'node:async_hooks';
import { PlatformError } from '../errors/index.ts';

import type { SqlExecutor } from './relational-store.ts';

interface Scope {
  readonly owner: object;
  active: boolean;
  /** In a unit of work: the open transaction that calls on the store itself join. */
  readonly ambient: SqlExecutor | undefined;
  /** Run if the transaction rolls back (after the rollback), newest first. */
  readonly rollbacks: (() => void)[];
  /** Run once the transaction has committed, oldest first. */
  readonly commits: (() => void)[];
}

const current = new AsyncLocalStorage<Scope>();

/**
 * Runs `fn` marked as inside a transaction of `owner`. While it runs, `assertOutsideTransaction`
 * for the same owner throws: on SQLite that call would wait for the transaction forever, on
 * PostgreSQL it would silently run outside it.
 */
export async function runInTransactionScope<T>(
  owner: object,
  fn: () => Promise<T>,
  ambient?: SqlExecutor,
): Promise<T> {
  const scope: Scope = { owner, active: true, ambient, rollbacks: [], commits: [] };
  try {
    const result = await current.run(scope, fn);
    scope.active = false;
    for (const then of scope.commits) {
      try {
        then();
      } catch {
        // A follow-up must not turn a committed transaction into an error for its caller.
      }
    }
    return result;
  } catch (err) {
    scope.active = false;
    // Undo in-memory effects of work the rollback discarded; one failing undo stops no other.
    for (const undo of scope.rollbacks.reverse()) {
      try {
        undo();
      } catch {
        // The transaction's own error is what the caller must see.
      }
    }
    throw err;
  } finally {
    scope.active = false;
  }
}

/**
 * Registers `undo` to run if the transaction of `owner` this call runs in rolls back (for state
 * kept outside the database that a change already updated). Outside a transaction, nothing can
 * roll back, so nothing is registered.
 */
export function onRollback(owner: object, undo: () => void): void {
  const scope = current.getStore();
  if (scope?.active === true && scope.owner === owner) scope.rollbacks.push(undo);
}

/**
 * Registers `then` to run after the transaction of `owner` this call runs in commits (to hand
 * work to something outside the database, such as a Redis queue, only once it is durable).
 * Outside a transaction it runs at once. It does not run if the transaction rolls back.
 */
export function onCommit(owner: object, then: () => void): void {
  const scope = current.getStore();
  if (scope?.active === true && scope.owner === owner) scope.commits.push(then);
  else then();
}

/** The transaction of the unit of work of `owner` this call runs in, if any. */
export function ambientExecutor(owner: object): SqlExecutor | undefined {
  const scope = current.getStore();
  return scope?.active === true && scope.owner === owner ? scope.ambient : undefined;
}

export function assertOutsideTransaction(owner: object): void {
  const scope = current.getStore();
  if (scope?.active === true && scope.owner === owner && scope.ambient === undefined) {
    throw new PlatformError(
      'STORAGE_TX_MISUSE',
      'the store was used directly inside one of its own transactions; use the transaction executor passed to the callback',
    );
  }
}

/** A FIFO async mutex: one holder at a time, in arrival order. */
export function createMutex(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * A rejection when called inside a unit of work of `owner` (for operations that cannot join one:
 * migrating, closing), otherwise undefined.
 */
export function outsideUnitOfWork(owner: object, operation: string): Promise<never> | undefined {
  if (ambientExecutor(owner) === undefined) return undefined;
  return Promise.reject(
    new PlatformError('STORAGE_TX_MISUSE', `${operation} cannot run inside a unit of work`),
  );
}
