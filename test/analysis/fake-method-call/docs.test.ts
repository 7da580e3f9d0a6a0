import { join } from 'node:path';
import { fakeMethodCallRule } from '../../../src/analysis/fake-method-call';
import { runDocExamples } from '../deceptive-import/docs-examples';

runDocExamples(join(__dirname, '../../../docs/checks/fake-method-call.md'), fakeMethodCallRule);
