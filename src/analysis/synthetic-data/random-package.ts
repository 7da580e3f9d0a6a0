// synthetic_data/random-package: importing or requiring a random or mock-data package.
import type { AstRule } from '../types';
import { rangeOf } from '../engine/location';
import { moduleReferenceVisitor } from '../engine/module-references';
import { isExempt } from './exempt';
import { mayReportSpecifier } from './file-words';
import { mayHoldSyntheticData, randomPackageOf } from './libraries';

export const randomPackageRule: AstRule = {
  meta: {
    id: 'synthetic_data/random-package',
    check: 'synthetic_data',
    docs: { description: 'Random and mock-data packages (faker, chance, seedrandom, ...) belong in tests, not in pipeline code.' },
    severity: 'error',
    messages: {
      imported: '"{{name}}" is a random or mock-data package; synthetic data is not allowed outside tests.',
    },
  },
  mayApply: mayHoldSyntheticData,
  mayReport: mayReportSpecifier((specifier) => randomPackageOf(specifier) !== null),
  create(context) {
    if (isExempt(context)) return {};
    return moduleReferenceVisitor((specifier, node) => {
      const name = randomPackageOf(specifier);
      if (name !== null) context.report({ messageId: 'imported', data: { name }, ...rangeOf(node) });
    });
  },
};
