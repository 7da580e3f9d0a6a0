// synthetic_data/math-random: calls of Math.random, however it is reached or aliased.
import type { NodePath } from '@babel/traverse';
import type { CallExpression, NewExpression, OptionalCallExpression, Program } from '@babel/types';
import type { AstRule } from '../types';
import { rangeOf } from '../engine/location';
import { staticKeyName } from '../modules/ast-names';
import { nodesOfType } from '../modules/nodes-by-type';
import { isExempt } from './exempt';
import { mayReportWord } from './file-words';
import { mayHoldSyntheticData } from './libraries';
import { originOf } from './origin';

const namesMath = mayReportWord((word) => word === 'Math');

/** `random` read as a member (`x.random`, `x['random']`) or a destructured key (`{ random } = x`): how origins reach it. */
function readsRandomMember(program: Program): boolean {
  for (const type of ['MemberExpression', 'OptionalMemberExpression'] as const) {
    for (const { property, computed } of nodesOfType(program, type)) if (staticKeyName(property, computed) === 'random') return true;
  }
  return nodesOfType(program, 'ObjectPattern').some(({ properties }) =>
    properties.some((property) => property.type === 'ObjectProperty' && staticKeyName(property.key, property.computed) === 'random'),
  );
}

function isMathRandom(path: NodePath): boolean {
  const origin = originOf(path);
  return origin !== null && origin.module === null && origin.members.length === 2 && origin.members[0] === 'Math' && origin.members[1] === 'random';
}

export const mathRandomRule: AstRule = {
  meta: {
    id: 'synthetic_data/math-random',
    check: 'synthetic_data',
    docs: { description: 'Math.random() outside tests generates synthetic data.' },
    severity: 'error',
    messages: {
      call: 'Math.random() generates synthetic data; use real data (and crypto.randomUUID() for IDs).',
      passed: 'Math.random is passed as a function here, so it generates synthetic data.',
    },
  },
  mayApply: mayHoldSyntheticData,
  // The origin of a call is followed through names only (identifiers, literal keys): `Math` is a word of the
  // file, and `random` a member or destructured key.
  mayReport: (context) => namesMath(context) && readsRandomMember(context.ast.program),
  create(context) {
    if (isExempt(context)) return {};
    const onCall = (path: NodePath<CallExpression | OptionalCallExpression | NewExpression>): void => {
      if (isMathRandom(path.get('callee'))) context.report({ messageId: 'call', ...rangeOf(path.node) });
      for (const argument of path.get('arguments')) {
        if (isMathRandom(argument)) context.report({ messageId: 'passed', ...rangeOf(argument.node) });
      }
    };
    return { CallExpression: onCall, OptionalCallExpression: onCall, NewExpression: onCall };
  },
};
