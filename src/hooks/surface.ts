// Hands a denial (or an argument error found while converting a path) to the caller the way Node
// reports its own errors for that API form.
import { primordials } from '../primordials';

const nextTick = process.nextTick;
const { PromiseReject } = primordials;

/** How an API reports failure. */
export type ApiForm = 'sync' | 'callback' | 'promise' | 'exists' | 'existsSync' | 'iterator';

/**
 * The value the wrapper returns instead of calling the original. Sync APIs throw; callback APIs get the
 * error on the next tick (or throw, like Node does, when no callback was passed); promise APIs reject;
 * `exists` reports false, as Node does for any failure; async iterators reject on the first `next()`.
 */
export function surfaceError(form: ApiForm, error: unknown, args: readonly unknown[]): unknown {
  switch (form) {
    case 'sync':
      throw error;
    case 'promise':
      return PromiseReject(error);
    case 'iterator':
      return failingIterator(error);
    case 'existsSync':
      return false;
    case 'callback':
    case 'exists': {
      const callback = args.length > 0 ? args[args.length - 1] : undefined;
      if (typeof callback !== 'function') throw error;
      nextTick(callback as (arg: unknown) => void, form === 'exists' ? false : error);
      return undefined;
    }
  }
}

async function* failingIterator(error: unknown): AsyncGenerator<never> {
  throw error;
}
