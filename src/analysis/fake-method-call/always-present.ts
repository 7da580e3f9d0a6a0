// Members every object has (Object.prototype) and, for static calls, every class has (Function.prototype).

function ownNames(value: object): string[] {
  return Object.getOwnPropertyNames(value);
}

export const OBJECT_MEMBERS: ReadonlySet<string> = new Set(ownNames(Object.prototype));

export const CLASS_STATIC_MEMBERS: ReadonlySet<string> = new Set([...ownNames(Object.prototype), ...ownNames(Function.prototype), 'prototype', 'name', 'length']);
