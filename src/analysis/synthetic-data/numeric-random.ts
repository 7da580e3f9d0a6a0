// synthetic_data/numeric-random: random tensors and arrays from numeric libraries (tf.randomNormal, mathjs random, ...).
import type { NodePath } from '@babel/traverse';
import type { CallExpression, OptionalCallExpression } from '@babel/types';
import type { AstRule } from '../types';
import { rangeOf } from '../engine/location';
import { isExempt } from './exempt';
import { mayReportSpecifier, mayReportWord } from './file-words';
import { LIBRARY_FACTORIES, mayHoldSyntheticData, NUMERIC_RANDOM_FUNCTIONS, packageOf } from './libraries';

const RANDOM_FUNCTION_NAMES: ReadonlySet<string> = new Set([...NUMERIC_RANDOM_FUNCTIONS.values()].flatMap((names) => [...names]));
const mayNameFunction = mayReportWord((word) => RANDOM_FUNCTION_NAMES.has(word));
const mayNameLibrary = mayReportSpecifier((specifier) => {
  const pkg = packageOf(specifier);
  return pkg !== null && NUMERIC_RANDOM_FUNCTIONS.has(pkg);
});
import { CALL_RESULT, originOf, type Origin } from './origin';

/** `create(all)` from mathjs returns the library, so `math.random()` is mathjs random. */
function throughFactory(origin: Origin, pkg: string): readonly string[] {
  const factory = LIBRARY_FACTORIES.get(pkg);
  const members = origin.members;
  for (let i = members.length - 2; i >= 0; i--) {
    if (members[i] === factory && members[i + 1] === CALL_RESULT) return members.slice(i + 2);
  }
  return members;
}

function randomFunctionOf(path: NodePath): string | null {
  const origin = originOf(path);
  if (!origin || origin.module === null) return null;
  const pkg = packageOf(origin.module);
  const names = pkg === null ? undefined : NUMERIC_RANDOM_FUNCTIONS.get(pkg);
  if (!names) return null;
  const members = throughFactory(origin, pkg!);
  const last = members[members.length - 1];
  return last !== undefined && names.has(last) ? [pkg, ...members].join('.') : null;
}

export const numericRandomRule: AstRule = {
  meta: {
    id: 'synthetic_data/numeric-random',
    check: 'synthetic_data',
    docs: { description: 'Random tensors and arrays from numeric libraries are synthetic data.' },
    severity: 'error',
    messages: {
      call: '{{name}}() generates random numbers; synthetic data is not allowed outside tests.',
    },
  },
  mayApply: mayHoldSyntheticData,
  // A numeric library is imported or required, and one of its random functions' names appears.
  mayReport: (context) => mayNameLibrary(context) && mayNameFunction(context),
  create(context) {
    if (isExempt(context)) return {};
    const onCall = (path: NodePath<CallExpression | OptionalCallExpression>): void => {
      const name = randomFunctionOf(path.get('callee'));
      if (name !== null) context.report({ messageId: 'call', data: { name }, ...rangeOf(path.node) });
    };
    return { CallExpression: onCall, OptionalCallExpression: onCall };
  },
};
