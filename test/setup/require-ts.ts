// Source modules load some dependencies lazily with require() (to keep heavy code out of start-up).
// Vitest transforms imports, not Node's own require, so teach require to compile TypeScript for tests.
import Module from 'node:module';
import { readFileSync } from 'node:fs';

type Compilable = { _compile(code: string, filename: string): void };
const extensions = (Module as unknown as { _extensions: Record<string, (m: Compilable, filename: string) => void> })._extensions;

if (!extensions['.ts']) {
  extensions['.ts'] = (module, filename) => {
    // Loaded on first use: most test files never need it, and typescript takes a second to load.
    const ts = require('typescript') as typeof import('typescript');
    const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true },
    });
    module._compile(outputText, filename);
  };
}
