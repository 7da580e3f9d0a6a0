// synthetic_data/pseudo-random-bytes: any use of crypto.pseudoRandomBytes (non-cryptographic random bytes).
import type { NodePath } from '@babel/traverse';
import type { MemberExpression, OptionalMemberExpression } from '@babel/types';
import type { AstRule } from '../types';
import { rangeOf } from '../engine/location';
import { isExempt } from './exempt';
import { mayReportWord } from './file-words';
import { mayHoldSyntheticData } from './libraries';
import { originOf } from './origin';

const NAME = 'pseudoRandomBytes';

function isPseudoRandomBytes(path: NodePath): boolean {
  const origin = originOf(path);
  if (!origin) return false;
  const { module, members } = origin;
  if (module === 'crypto') return members.length === 1 && members[0] === NAME;
  return module === null && members.length === 2 && members[0] === 'crypto' && members[1] === NAME;
}

function namesIt(node: MemberExpression | OptionalMemberExpression): boolean {
  const property = node.property;
  return (property.type === 'Identifier' && !node.computed && property.name === NAME) || (property.type === 'StringLiteral' && property.value === NAME);
}

/** `const p = crypto.pseudoRandomBytes`: reported where `p` is called instead, so once. */
function isPlainAlias(path: NodePath): boolean {
  return path.parentPath?.isVariableDeclarator({ init: path.node }) === true && path.parentPath.get('id').isIdentifier();
}

export const pseudoRandomBytesRule: AstRule = {
  meta: {
    id: 'synthetic_data/pseudo-random-bytes',
    check: 'synthetic_data',
    docs: { description: 'crypto.pseudoRandomBytes produces random bytes that are neither real data nor cryptographically strong.' },
    severity: 'error',
    messages: {
      use: 'crypto.pseudoRandomBytes produces synthetic, non-cryptographic random bytes; use real data, or crypto.randomBytes for keys.',
    },
  },
  mayApply: mayHoldSyntheticData,
  mayReport: mayReportWord((word) => word === NAME),
  create(context) {
    if (isExempt(context)) return {};
    const onMember = (path: NodePath<MemberExpression | OptionalMemberExpression>): void => {
      if (!namesIt(path.node) || isPlainAlias(path) || !isPseudoRandomBytes(path)) return;
      context.report({ messageId: 'use', ...rangeOf(path.node) });
    };
    return {
      MemberExpression: onMember,
      OptionalMemberExpression: onMember,
      CallExpression(path) {
        const callee = path.get('callee');
        if (callee.isIdentifier() && isPseudoRandomBytes(callee)) context.report({ messageId: 'use', ...rangeOf(path.node) });
      },
    };
  },
};
