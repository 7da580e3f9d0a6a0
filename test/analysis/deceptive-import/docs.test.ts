import { join } from 'node:path';
import { deceptiveImportRule } from '../../../src/analysis/deceptive-import';
import { runDocExamples } from './docs-examples';

runDocExamples(join(__dirname, '../../../docs/checks/deceptive-import.md'), deceptiveImportRule);
