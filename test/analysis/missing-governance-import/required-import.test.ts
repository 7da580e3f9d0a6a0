import { requiredImportRule } from '../../../src/analysis/missing-governance-import';
import { runRuleTests } from '../rule-tester';

const pipelines = { requireImport: [{ glob: 'pipelines/**', module: '@mltrainer/governance' }] };

runRuleTests(requiredImportRule, {
  valid: [
    { code: "import '@mltrainer/governance';\nrun();", filename: 'pipelines/train.ts', settings: pipelines },
    { code: "import { withApprovedActions } from '@mltrainer/governance';", filename: 'pipelines/train.ts', settings: pipelines },
    { code: "require('@mltrainer/governance');", filename: 'pipelines/train.js', settings: pipelines },
    { code: "const g = require(`@mltrainer/governance`);", filename: 'pipelines/train.cjs', settings: pipelines },
    { code: "await import('@mltrainer/governance');", filename: 'pipelines/train.mjs', settings: pipelines },
    { code: "export * from '@mltrainer/governance';", filename: 'pipelines/index.ts', settings: pipelines },
    { code: 'run();', filename: 'src/other.ts', settings: pipelines, name: 'a file outside the globs' },
    { code: "import blah from 'foo';", filename: 'src/a.test.js', settings: { requireImport: [{ glob: '**/*.test.js', module: 'foo' }] } },
  ],
  invalid: [
    { code: 'run();', filename: 'pipelines/train.ts', settings: pipelines, errors: [{ messageId: 'missing', line: 1, column: 1 }] },
    { code: "import '@mltrainer/governance/analysis';", filename: 'pipelines/train.ts', settings: pipelines, name: 'a subpath does not activate governance', errors: [{ messageId: 'missing' }] },
    { code: "const require = (x) => x;\nrequire('@mltrainer/governance');", filename: 'pipelines/train.js', settings: pipelines, name: 'a local function called require', errors: [{ messageId: 'missing' }] },
    { code: "// import '@mltrainer/governance';\nrun();", filename: 'pipelines/train.js', settings: pipelines, name: 'a comment is not an import', errors: [{ messageId: 'missing' }] },
    { code: "import blah from './foo';", filename: 'src/x.js', settings: { requireImport: [{ glob: '**/*', module: 'foo' }] }, errors: [{ messageId: 'missing' }] },
    {
      code: "import 'a';",
      filename: 'pipelines/train.ts',
      settings: { requireImport: [...pipelines.requireImport, { glob: '**/*.ts', module: 'b' }] },
      name: 'one finding per missing module',
      errors: [{ messageId: 'missing' }, { messageId: 'missing' }],
    },
  ],
});
