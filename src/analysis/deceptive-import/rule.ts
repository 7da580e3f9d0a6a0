// deceptive_import/missing-export: an import (named, default, namespace member, `export … from`, destructured
// `require`) of a name the resolved module does not export, and module specifiers that do not resolve.
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import { rangeOf } from '../engine/location';
import { moduleExportName, requireCallSpecifier, staticKeyName } from '../modules/ast-names';
import { isUrlSpecifier } from '../modules/resolve';
import type { AstRule, AstRuleContext, ModuleExports, ModuleLoadKind } from '../types';

interface Target {
  specifier: string;
  exports: ModuleExports;
}

/** The exports `specifier` offers from this file, or null (unresolved, unknown or dynamic shape: stay silent). */
function targetOf(context: AstRuleContext, specifier: string, kind: ModuleLoadKind): Target | null | 'unresolved' {
  if (isUrlSpecifier(specifier)) return null;
  const resolved = context.modules.resolve(specifier, context.file, kind);
  if (resolved === null) return 'unresolved';
  const file = resolved === 'builtin' ? (specifier.startsWith('node:') ? specifier : `node:${specifier}`) : resolved;
  const exports = context.modules.exportsOf(file, kind);
  return exports && !exports.dynamic ? { specifier, exports } : null;
}

function hasExport(exports: ModuleExports, name: string): boolean {
  return name === 'default' ? exports.hasDefault : exports.names.has(name);
}

function isTypeOnly(kind: string | null | undefined): boolean {
  return kind === 'type' || kind === 'typeof';
}

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
  create(context) {
    const reportName = (node: t.Node, target: Target, name: string): void => {
      if (hasExport(target.exports, name)) return;
      const messageId = name === 'default' ? 'missingDefault' : 'missingExport';
      context.report({ messageId, data: { name, source: target.specifier }, ...rangeOf(node) });
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
        if (isTypeOnly(node.importKind)) return;
        const valueSpecifiers = node.specifiers.filter((part) => part.type !== 'ImportSpecifier' || !isTypeOnly(part.importKind));
        if (node.specifiers.length > 0 && valueSpecifiers.length === 0) return;
        const target = lookup(node.source);
        if (!target) return;
        for (const [index, part] of node.specifiers.entries()) {
          if (part.type === 'ImportSpecifier' && !isTypeOnly(part.importKind)) reportName(part.imported, target, moduleExportName(part.imported));
          else if (part.type === 'ImportDefaultSpecifier') reportName(part, target, 'default');
          else if (part.type === 'ImportNamespaceSpecifier') checkNamespaceMembers(path.get(`specifiers.${index}`) as NodePath<t.ImportNamespaceSpecifier>, target);
        }
      },
      ExportNamedDeclaration(path) {
        const { node } = path;
        if (!node.source || isTypeOnly(node.exportKind)) return;
        const target = lookup(node.source);
        if (!target) return;
        for (const part of node.specifiers) {
          if (part.type === 'ExportSpecifier' && !isTypeOnly(part.exportKind)) reportName(part.local, target, moduleExportName(part.local));
          else if (part.type === 'ExportDefaultSpecifier') reportName(part, target, 'default');
        }
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
        if (!target) return;
        for (const property of id.properties) {
          if (property.type !== 'ObjectProperty') continue;
          const name = staticKeyName(property.key, property.computed);
          if (name !== null) reportName(property.key, target, name);
        }
      },
    };
  },
};
