// `governed(fn)`: each call of the wrapped function is a `function_call` action, decided and audited.
import nodePath = require('node:path');
import { captureCaller } from './caller';
import { checkAction } from './gate';

// Captured at load: user code can replace these modules' functions.
const { relative } = nodePath;

type AnyFunction = (...args: never[]) => unknown;

/** Wraps `fn`; the action target is `module#name` (module: the file that called `governed`, relative to cwd). */
export function governed<F extends AnyFunction>(fn: F, name?: string): F;
/** TC39 method decorator: `@governed`. */
export function governed<F extends AnyFunction>(fn: F, context: ClassMethodDecoratorContext): F;
/** Legacy (experimentalDecorators) method decorator. */
export function governed(target: object, key: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
export function governed(first: unknown, second?: unknown, third?: unknown): unknown {
  if (third !== undefined && typeof third === 'object' && third !== null) {
    const descriptor = third as PropertyDescriptor;
    const owner = (first as { constructor?: { name?: string } }).constructor?.name ?? 'anonymous';
    if (typeof descriptor.value !== 'function') throw new TypeError('@governed can only decorate methods');
    descriptor.value = wrap(descriptor.value as AnyFunction, `${moduleOfCaller()}#${owner}.${String(second)}`);
    return descriptor;
  }
  if (typeof first !== 'function') throw new TypeError('governed() needs a function');
  const fn = first as AnyFunction;
  if (second !== null && typeof second === 'object' && 'kind' in second) {
    const context = second as ClassMethodDecoratorContext;
    return wrap(fn, `${moduleOfCaller()}#${String(context.name)}`);
  }
  return wrap(fn, typeof second === 'string' ? second : `${moduleOfCaller()}#${fn.name || 'anonymous'}`);
}

function wrap(fn: AnyFunction, target: string): AnyFunction {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const denied = checkAction('function_call', target);
    if (denied) throw denied;
    return Reflect.apply(fn, this, args);
  };
  Object.defineProperty(wrapper, 'name', { value: fn.name });
  Object.defineProperty(wrapper, 'length', { value: fn.length });
  return wrapper;
}

function moduleOfCaller(): string {
  const caller = captureCaller();
  if (!caller) return 'unknown';
  const file = caller.slice(0, caller.lastIndexOf(':'));
  return relative(process.cwd(), file.startsWith('file://') ? new URL(file).pathname : file) || file;
}
