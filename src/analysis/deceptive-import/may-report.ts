// The deceptive_import rule's mayReport: the same lookups as the rule, without scopes. Every `require` is
// taken for Node's and every `ns.x` whose object is named like a namespace import for a use of it unless a
// parameter or variable of a nested scope surely hides the import there, so this says yes wherever the rule
// could report (and sometimes where it will not).
import { requireCallSpecifier, staticKeyName } from '../modules/ast-names';
import { isHiddenAt } from '../modules/local-scopes';
import { nodesOfType } from '../modules/nodes-by-type';
import type { AstFileContext, ModuleLoadKind } from '../types';
import { destructuredNames, hasExport, importedNames, importsValues, isTypeOnly, reexportedNames, targetOf, type TakenName, type Target } from './imported-names';

export function mayReportImports(context: AstFileContext): boolean {
  const program = context.ast.program;
  const namespaces = new Map<string, Target>();
  const lacks = (specifier: string, kind: ModuleLoadKind, names: readonly TakenName[]): boolean => {
    const target = targetOf(context, specifier, kind);
    if (target === 'unresolved') return true;
    return target !== null && names.some(({ name }) => !hasExport(target.exports, name));
  };
  for (const node of nodesOfType(program, 'ImportDeclaration')) {
    if (!importsValues(node)) continue;
    if (lacks(node.source.value, 'import', importedNames(node))) return true;
    const namespace = node.specifiers.find((part) => part.type === 'ImportNamespaceSpecifier');
    const target = namespace ? targetOf(context, node.source.value, 'import') : null;
    if (namespace && target && target !== 'unresolved') namespaces.set(namespace.local.name, target);
  }
  for (const node of nodesOfType(program, 'ExportNamedDeclaration')) {
    if (node.source && !isTypeOnly(node.exportKind) && lacks(node.source.value, 'import', reexportedNames(node))) return true;
  }
  for (const node of nodesOfType(program, 'ExportAllDeclaration')) {
    if (!isTypeOnly(node.exportKind) && lacks(node.source.value, 'import', [])) return true;
  }
  for (const { id, init } of nodesOfType(program, 'VariableDeclarator')) {
    const specifier = id.type === 'ObjectPattern' ? requireCallSpecifier(init) : null;
    if (specifier !== null && id.type === 'ObjectPattern' && lacks(specifier, 'require', destructuredNames(id))) return true;
  }
  if (namespaces.size === 0) return false;
  return nodesOfType(program, 'MemberExpression').some((member) => {
    const { object, property, computed } = member;
    if (object.type !== 'Identifier') return false;
    const target = namespaces.get(object.name);
    const name = target ? staticKeyName(property, computed) : null;
    return target !== undefined && name !== null && !hasExport(target.exports, name) && !isHiddenAt(program, object.name, member, program);
  });
}
