import { isSecOpsError } from '../../platform/errors/index.ts';

/** The code of the platform error `fn` throws, undefined when it returns; other errors rethrow. */
export function errorCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (isSecOpsError(err)) return err.code;
    throw err;
  }
  return undefined;
}
