// missing_governance_import/required-import: files matching the configured globs must import the governance package.
import picomatch from 'picomatch';
import type { AstRule, RequiredImport } from '../types';
import { moduleReferenceVisitor } from '../engine/module-references';
import { settingsPath } from '../engine/settings-path';

export const GOVERNANCE_PACKAGE = '@mltrainer/governance';

const matchers = new WeakMap<RequiredImport, (path: string) => boolean>();

function matches(required: RequiredImport, file: string): boolean {
  let matcher = matchers.get(required);
  if (!matcher) {
    matcher = picomatch(required.glob, { dot: true });
    matchers.set(required, matcher);
  }
  return matcher(file);
}

export const requiredImportRule: AstRule = {
  meta: {
    id: 'missing_governance_import/required-import',
    check: 'missing_governance_import',
    docs: { description: `Files matching analysis.requireGovernanceImport must import ${GOVERNANCE_PACKAGE}, so governance is active when they run.` },
    severity: 'error',
    messages: {
      missing: '{{file}} must import "{{module}}" (it matches "{{glob}}"); add `import \'{{module}}\';` or `require(\'{{module}}\')`.',
    },
  },
  mayReport: (context) => context.settings.requireImport.some((entry) => matches(entry, settingsPath(context))),
  create(context) {
    const path = settingsPath(context);
    const required = context.settings.requireImport.filter((entry) => matches(entry, path));
    if (required.length === 0) return {};
    const imported = new Set<string>();
    return {
      ...moduleReferenceVisitor((specifier) => imported.add(specifier)),
      Program: {
        exit() {
          const reported = new Set<string>();
          for (const { glob, module } of required) {
            if (imported.has(module) || reported.has(module)) continue;
            reported.add(module);
            context.report({ messageId: 'missing', data: { file: context.relativeFile, module, glob }, start: { line: 1, column: 1 } });
          }
        },
      },
    };
  },
};
