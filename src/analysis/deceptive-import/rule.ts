// deceptive_import/missing-export: an import (named, default, namespace member, `export … from`, destructured
// `require`) of a name the resolved module does not export, and module specifiers that do not resolve.
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import { rangeOf } from '../engine/location';
import { requireCallSpecifier, staticKeyName } from '../modules/ast-names';
import type { AstRule, ModuleLoadKind } from '../types';
import { destructuredNames, hasExport, importedNames, importsValues, isTypeOnly, reexportedNames, targetOf, type TakenName, type Target } from './imported-names';
import { mayReportImports } from './may-report';

/** The specifier of `require('x')` when `require` is Node's (not a local binding). */
function requireSpecifier(path: NodePath<t.VariableDeclarator>): string | null {
  return path.scope.hasBinding('require') ? null : requireCallSpecifier(path.node.init);
}

function isInsideTry(path: NodePath): boolean {
  return path.findParent((parent) => parent.isTryStatement()) !== null;
}

export const deceptiveImportRule: AstRule = {
  meta: {
    id: 'deceptive_import/missing-export',
    check: 'deceptive_import',
    docs: { description: 'Imports must name exports that the resolved module really has, and module specifiers must resolve.' },
    severity: 'error',
    messages: {
      missingExport: "'{{name}}' is not exported by '{{source}}'.",
      missingDefault: "'{{source}}' has no default export.",
      missingMember: "'{{name}}' is not exported by '{{source}}' (read through the namespace '{{namespace}}').",
      unresolved: "Cannot resolve '{{source}}' from this file (Node's resolution rules, package exports maps included).",
    },
  },
  mayReport: mayReportImports,
  create(context) {
    const reportNames = (target: Target, names: readonly TakenName[]): void => {
      for (const { node, name } of names) {
        if (hasExport(target.exports, name)) continue;
        const messageId = name === 'default' ? 'missingDefault' : 'missingExport';
        context.report({ messageId, data: { name, source: target.specifier }, ...rangeOf(node) });
      }
    };
    const reportUnresolved = (source: t.Node, specifier: string): void => {
      context.report({ messageId: 'unresolved', data: { source: specifier }, ...rangeOf(source) });
    };
    const lookup = (source: t.StringLiteral, kind: ModuleLoadKind = 'import'): Target | null => {
      const target = targetOf(context, source.value, kind);
      if (target === 'unresolved') {
        reportUnresolved(source, source.value);
        return null;
      }
      return target;
    };

    const checkNamespaceMembers = (path: NodePath<t.ImportNamespaceSpecifier>, target: Target): void => {
      const binding = path.scope.getBinding(path.node.local.name);
      if (!binding || !binding.constant) return;
      for (const reference of binding.referencePaths) {
        const member = reference.parentPath;
        if (!member?.isMemberExpression() || member.node.object !== reference.node) continue;
        const property = member.node.property;
        const name = staticKeyName(property, member.node.computed);
        if (name === null || hasExport(target.exports, name) || member.parentPath?.isUnaryExpression({ operator: 'typeof' })) continue;
        context.report({ messageId: 'missingMember', data: { name, source: target.specifier, namespace: path.node.local.name }, ...rangeOf(property) });
      }
    };

    return {
      ImportDeclaration(path) {
        const { node } = path;
        if (!importsValues(node)) return;
        const target = lookup(node.source);
        if (!target) return;
        reportNames(target, importedNames(node));
        for (const [index, part] of node.specifiers.entries()) {
          if (part.type === 'ImportNamespaceSpecifier') checkNamespaceMembers(path.get(`specifiers.${index}`) as NodePath<t.ImportNamespaceSpecifier>, target);
        }
      },
      ExportNamedDeclaration(path) {
        const { node } = path;
        if (!node.source || isTypeOnly(node.exportKind)) return;
        const target = lookup(node.source);
        if (target) reportNames(target, reexportedNames(node));
      },
      ExportAllDeclaration(path) {
        if (!isTypeOnly(path.node.exportKind)) lookup(path.node.source);
      },
      VariableDeclarator(path) {
        const { id, init } = path.node;
        const specifier = id.type === 'ObjectPattern' ? requireSpecifier(path) : null;
        if (specifier === null || id.type !== 'ObjectPattern' || !init) return;
        const target = targetOf(context, specifier, 'require');
        if (target === 'unresolved') {
          if (!isInsideTry(path)) reportUnresolved(init, specifier);
          return;
        }
        if (target) reportNames(target, destructuredNames(id));
      },
    };
  },
};
