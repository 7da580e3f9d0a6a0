// The fake_method_call rule's mayReport, without scopes. The rule only reports on a receiver whose shape it
// knows: an instance or static side of a class the module index knows (reached through `new C`, a variable or
// field holding `new C`, or `C` itself), or a variable bound to an object literal. So a file can only get a
// report when a name it constructs with `new` or calls methods on is such a class, or a receiver of a method
// call shares its name with a variable initialised with an object literal.
import { staticKeyName } from '../modules/ast-names';
import { nodesOfType } from '../modules/nodes-by-type';
import type { AstFileContext } from '../types';

export function mayReportMethodCalls(context: AstFileContext): boolean {
  const program = context.ast.program;
  const receivers = new Set<string>();
  for (const { callee } of nodesOfType(program, 'CallExpression')) {
    if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && staticKeyName(callee.property, callee.computed) !== null) {
      receivers.add(callee.object.name);
    }
  }
  for (const { id, init } of nodesOfType(program, 'VariableDeclarator')) {
    if (id.type === 'Identifier' && init?.type === 'ObjectExpression' && receivers.has(id.name)) return true;
  }
  const candidates = new Set(receivers);
  for (const { callee } of nodesOfType(program, 'NewExpression')) if (callee.type === 'Identifier') candidates.add(callee.name);
  for (const name of candidates) if (context.modules.classMembers(context.file, name) !== null) return true;
  return false;
}
