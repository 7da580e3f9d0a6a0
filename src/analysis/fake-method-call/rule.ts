// fake_method_call/missing-method: a call of a method that the receiver does not have, where the receiver's
// shape is known: an instance of a project class (`new C().m()`, `const c = new C(); c.m()`, `this.f.m()` for a
// field that always holds `new C()`), a class's static method (`C.m()`), or a `const` object literal that nothing
// else changes. Inherited members count; classes
// that can gain members in ways this does not follow, and every receiver of unknown type, are left alone.
import type { NodePath } from '@babel/traverse';
import { dirname, relative } from 'node:path';
import { rangeOf } from '../engine/location';
import { staticKeyName } from '../modules/ast-names';
import { toPosix } from '../engine/paths';
import type { AstRule, AstRuleContext, ClassMembers } from '../types';
import { hasInstanceMember, hasStaticMember, OBJECT_MEMBERS } from './always-present';
import { instanceOfBinding, isTopLevelBinding, topLevelClassName } from './instance-shape';
import { mayReportMethodCalls } from './may-report';
import { objectLiteralMembers } from './object-shape';
import { namesWrittenElsewhere, thisFieldClassName } from './this-field';

type Receiver =
  | { kind: 'instance'; members: ClassMembers; added: ReadonlySet<string> }
  | { kind: 'static'; members: ClassMembers }
  | { kind: 'object'; name: string; keys: ReadonlySet<string> };

function receiverOf(context: AstRuleContext, object: NodePath, writtenElsewhere: () => ReadonlySet<string>): Receiver | null {
  if (object.isMemberExpression()) {
    const className = thisFieldClassName(object, writtenElsewhere);
    const members = className === null || !isTopLevelBinding(object, className) ? null : context.modules.classMembers(context.file, className);
    return members ? { kind: 'instance', members, added: new Set() } : null;
  }
  if (object.isNewExpression()) {
    const className = topLevelClassName(object.get('callee'));
    const members = className === null ? null : context.modules.classMembers(context.file, className);
    return members ? { kind: 'instance', members, added: new Set() } : null;
  }
  if (!object.isIdentifier()) return null;
  const binding = object.scope.getBinding(object.node.name);
  if (!binding) return null;
  const instance = instanceOfBinding(binding);
  if (instance) {
    const members = context.modules.classMembers(context.file, instance.className);
    return members ? { kind: 'instance', members, added: instance.added } : null;
  }
  const keys = objectLiteralMembers(binding);
  if (keys) return { kind: 'object', name: object.node.name, keys };
  const className = topLevelClassName(object);
  const members = className === null ? null : context.modules.classMembers(context.file, className);
  return members ? { kind: 'static', members } : null;
}

function exists(receiver: Receiver, name: string): boolean {
  switch (receiver.kind) {
    case 'instance':
      return hasInstanceMember(receiver.members, name) || receiver.added.has(name);
    case 'static':
      return hasStaticMember(receiver.members, name);
    case 'object':
      return OBJECT_MEMBERS.has(name) || receiver.keys.has(name);
  }
}

export const fakeMethodCallRule: AstRule = {
  meta: {
    id: 'fake_method_call/missing-method',
    check: 'fake_method_call',
    docs: { description: 'Calls must name methods that exist on the receiver: project class instances, static methods, fixed object literals.' },
    severity: 'error',
    messages: {
      instance: "'{{method}}' does not exist on instances of {{className}} (declared in {{file}}, inherited members included).",
      static: "'{{method}}' is not a static member of {{className}} (declared in {{file}}, inherited members included).",
      object: "'{{method}}' does not exist on the object literal '{{object}}'.",
    },
  },
  mayReport: mayReportMethodCalls,
  create(context) {
    let written: ReadonlySet<string> | null = null;
    const writtenElsewhere = (): ReadonlySet<string> => (written ??= namesWrittenElsewhere(context.ast));
    const where = (members: ClassMembers): string => {
      if (members.file === context.file) return 'this file';
      const path = toPosix(relative(dirname(context.file), members.file));
      return path.startsWith('.') ? path : `./${path}`;
    };
    return {
      CallExpression(path) {
        const callee = path.get('callee');
        if (!callee.isMemberExpression()) return;
        const method = staticKeyName(callee.node.property, callee.node.computed);
        if (method === null) return;
        const receiver = receiverOf(context, callee.get('object'), writtenElsewhere);
        if (!receiver || exists(receiver, method)) return;
        const range = rangeOf(callee.node.property);
        if (receiver.kind === 'object') {
          context.report({ messageId: 'object', data: { method, object: receiver.name }, ...range });
        } else {
          const data = { method, className: receiver.members.name, file: where(receiver.members) };
          context.report({ messageId: receiver.kind, data, ...range });
        }
      },
    };
  },
};
