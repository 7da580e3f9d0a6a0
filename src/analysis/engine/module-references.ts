// A visitor that reports every static module reference: import and export-from declarations,
// `import x = require()`, `require('x')` and `import('x')` with a literal specifier.
import type { NodePath, Visitor } from '@babel/traverse';
import type { CallExpression, Node } from '@babel/types';

/** `node` is the statement or call that names the module. */
export type ModuleReferenceHandler = (specifier: string, node: Node) => void;

export function literalText(node: Node | undefined): string | null {
  if (!node) return null;
  if (node.type === 'StringLiteral') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? null;
  return null;
}

function isRequireCall(path: NodePath<CallExpression>): boolean {
  const callee = path.node.callee;
  return callee.type === 'Identifier' && callee.name === 'require' && !path.scope.hasBinding('require');
}

export function moduleReferenceVisitor(onReference: ModuleReferenceHandler): Visitor {
  return {
    ImportDeclaration(path) {
      onReference(path.node.source.value, path.node);
    },
    ExportAllDeclaration(path) {
      onReference(path.node.source.value, path.node);
    },
    ExportNamedDeclaration(path) {
      if (path.node.source) onReference(path.node.source.value, path.node);
    },
    TSImportEqualsDeclaration(path) {
      const reference = path.node.moduleReference;
      if (reference.type === 'TSExternalModuleReference') onReference(reference.expression.value, path.node);
    },
    CallExpression(path) {
      const isDynamicImport = path.node.callee.type === 'Import';
      if (!isDynamicImport && !isRequireCall(path)) return;
      const specifier = literalText(path.node.arguments[0]);
      if (specifier !== null) onReference(specifier, path.node);
    },
    ImportExpression(path) {
      const specifier = literalText(path.node.source);
      if (specifier !== null) onReference(specifier, path.node);
    },
  };
}
