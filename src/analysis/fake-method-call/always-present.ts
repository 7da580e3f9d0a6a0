// Members every object has (Object.prototype) and, for static calls, every class has (Function.prototype).
import type { ClassMembers } from '../types';

function ownNames(value: object): string[] {
  return Object.getOwnPropertyNames(value);
}

export const OBJECT_MEMBERS: ReadonlySet<string> = new Set(ownNames(Object.prototype));

export const CLASS_STATIC_MEMBERS: ReadonlySet<string> = new Set([...ownNames(Object.prototype), ...ownNames(Function.prototype), 'prototype', 'name', 'length']);

/** Whether instances of the class have `name` (own, inherited or from Object.prototype). */
export function hasInstanceMember(members: ClassMembers, name: string): boolean {
  return OBJECT_MEMBERS.has(name) || members.instance.has(name);
}

/** Whether the class itself has `name` (a static member, or one every class has). */
export function hasStaticMember(members: ClassMembers, name: string): boolean {
  return CLASS_STATIC_MEMBERS.has(name) || members.statics.has(name);
}
