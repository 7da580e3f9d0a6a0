import { deceptiveImportRule } from '../../../src/analysis/deceptive-import';
import { runRuleTests } from '../rule-tester';

const esm = { 'src/model.ts': 'export class Model {}\nexport function train() {}\nexport type Options = { rate: number };\nexport default Model;\n' };
const cjs = { 'src/legacy.js': "exports.load = () => 1;\nmodule.exports.save = function () {};\nObject.defineProperty(exports, 'version', { value: 1 });\n" };
const cjsObject = { 'src/config.js': 'const a = 1;\nmodule.exports = { a, b: 2, run() {} };\n' };
const dynamicCjs = { 'src/built.js': 'module.exports = build();\nfunction build() { return { x: 1 }; }\n' };
const reexports = {
  'src/lib/a.ts': 'export const alpha = 1;\nexport default 7;\n',
  'src/lib/b.js': 'exports.beta = 2;\n',
  'src/lib/index.ts': "export * from './a';\nexport * from './b';\nexport { alpha as first } from './a';\nexport * as ns from './a';\n",
  'src/lib/broken.ts': "export { gamma } from './a';\n",
};
const pkg = {
  'node_modules/mlkit/package.json': JSON.stringify({
    name: 'mlkit',
    exports: {
      '.': { types: './types/index.d.ts', import: './esm/index.mjs', require: './cjs/index.cjs' },
      './metrics/*': './esm/metrics/*.mjs',
      './internal/*': null,
    },
  }),
  'node_modules/mlkit/esm/index.mjs': 'export function fit() {}\nexport const version = "1";\n',
  'node_modules/mlkit/cjs/index.cjs': 'exports.fit = function () {};\nexports.fitSync = function () {};\n',
  'node_modules/mlkit/esm/metrics/accuracy.mjs': 'export default function accuracy() {}\nexport const name = "accuracy";\n',
  'node_modules/mlkit/esm/internal/secret.mjs': 'export const hidden = 1;\n',
  'node_modules/mlkit/types/index.d.ts': 'export declare function fit(): void;\n',
  'node_modules/typesonly/package.json': JSON.stringify({ name: 'typesonly', types: 'index.d.ts' }),
  'node_modules/typesonly/index.d.ts': 'export interface Shape { id: string }\nexport declare const shape: Shape;\n',
  'node_modules/plain/package.json': JSON.stringify({ name: 'plain', main: 'lib/main.js' }),
  'node_modules/plain/lib/main.js': 'module.exports = { open: function () {}, close: function () {} };\n',
};
const withImportsMap = {
  'package.json': JSON.stringify({ name: 'app', imports: { '#db': './src/db.js' }, exports: { './tools': './src/tools.mjs' } }),
  'src/db.js': 'exports.connect = () => {};\n',
  'src/tools.mjs': 'export const sharpen = 1;\n',
};

runRuleTests(deceptiveImportRule, {
  valid: [
    { code: "import Model, { Model as M, train, type Options } from './model';\nexport { train };", files: esm },
    { code: "import type { Missing } from './model';\nimport { type AlsoMissing } from './model';", files: esm, name: 'type-only imports are not runtime imports' },
    { code: "export type { Missing } from './model';", files: esm },
    { code: "import * as model from './model';\nmodel.train();\nnew model.Model();\nmodel.default;", files: esm },
    { code: "import legacy, { load, save, version } from './legacy.js';", files: cjs, name: 'CommonJS: exports.x, module.exports.x, defineProperty, and a default' },
    { code: "const { load, save } = require('./legacy');", filename: 'src/case.js', files: cjs },
    { code: "import { a, b, run } from './config';\nconst { a: x } = require('./config');", files: cjsObject },
    { code: "import { anything } from './built';\nconst { whatever } = require('./built');", files: dynamicCjs, name: 'module.exports = call(): shape unknown, silent' },
    { code: "import { alpha, beta, first, ns } from './lib';", files: reexports, name: 're-exports and export *' },
    { code: "import { anything } from './mixed';", files: { 'src/mixed.js': "Object.assign(exports, require('./parts'));\n", 'src/parts.js': 'exports.x = 1;\n' }, name: 'Object.assign(exports, …) is dynamic' },
    { code: "import { anything } from './star';", files: { 'src/star.ts': "export const own = 1;\nexport * from 'not-installed';\n" }, name: 'export * from an unresolvable module is dynamic' },
    { code: "import alphaDefault from './lib/a';", files: reexports },
    { code: "import { fit, version } from 'mlkit';\nimport accuracy, { name } from 'mlkit/metrics/accuracy';", files: pkg, name: 'package exports map, import condition, subpath pattern' },
    { code: "const { fit, fitSync } = require('mlkit');", filename: 'src/case.js', files: pkg, name: 'require condition picks the CommonJS entry' },
    { code: "import type { Shape } from 'typesonly';\nimport { shape } from 'typesonly';", files: pkg, name: 'a types-only package resolves to its declarations' },
    { code: "import plain, { open, close } from 'plain';", files: pkg, name: 'main field' },
    { code: "import { readFile, promises } from 'node:fs';\nimport path, { join } from 'path';\nconst { spawn } = require('child_process');" },
    { code: "import data from './data.json';\nconst { rows } = require('./data.json');", files: { 'src/data.json': '{"rows": []}' } },
    { code: "import { connect } from '#db';\nimport { sharpen } from 'app/tools';", files: withImportsMap, name: 'package imports map and self-reference' },
    { code: "import { thing } from './styles.css';\nimport logo from 'https://example.com/logo.js';", files: { 'src/styles.css': '.a{}' }, name: 'files of unknown type and URLs are left alone' },
    { code: "let optional;\ntry { const { x } = require('not-installed'); optional = x; } catch {}", filename: 'src/case.js', name: 'optional require inside try' },
    { code: "import { source } from './helper.js';", files: { 'src/helper.ts': 'export const source = 1;\n' }, name: 'a .js specifier finds the .ts source' },
    { code: "import { me, soGreat } from './self';", files: { 'src/self.js': "export const me = 1;\nexport { me as soGreat } from './self';\n" }, name: 'a module re-exporting from itself' },
    { code: "import { ns } from './ts-ns';", files: { 'src/ts-ns.d.ts': 'export = Lib;\ndeclare namespace Lib { const ns: number; }\n' } },
  ],
  invalid: [
    { code: "import { trian } from './model';", files: esm, errors: [{ messageId: 'missingExport', line: 1, column: 10 }] },
    { code: "import model from './lib/b.js';\nimport nothing from './lib/index';", files: reexports, errors: [{ messageId: 'missingDefault', line: 2 }] },
    { code: "import * as model from './model';\nmodel.tran();", files: esm, errors: [{ messageId: 'missingMember', line: 2, column: 7 }] },
    { code: "export { evaluate } from './model';", files: esm, errors: [{ messageId: 'missingExport' }] },
    { code: "import { unload } from './legacy';", files: cjs, errors: [{ messageId: 'missingExport' }] },
    { code: "const { unload, load } = require('./legacy');", filename: 'src/case.js', files: cjs, errors: [{ messageId: 'missingExport', column: 9 }] },
    { code: "const { default: d } = require('./legacy');", filename: 'src/case.js', files: cjs, name: 'require() of CommonJS has no default unless set', errors: [{ messageId: 'missingDefault' }] },
    { code: "import { c } from './config';", files: cjsObject, errors: [{ messageId: 'missingExport' }] },
    { code: "import { gamma } from './lib';\nimport { gamma as g } from './lib/broken';", files: reexports, errors: [{ messageId: 'missingExport', line: 1 }, { messageId: 'missingExport', line: 2 }] },
    { code: "import { fitSync } from 'mlkit';", files: pkg, name: 'the import condition does not export what the require entry has', errors: [{ messageId: 'missingExport' }] },
    { code: "import { hidden } from 'mlkit/internal/secret';", files: pkg, name: 'a subpath the exports map excludes does not resolve', errors: [{ messageId: 'unresolved' }] },
    { code: "import { readFileAsync } from 'node:fs';", errors: [{ messageId: 'missingExport' }] },
    { code: "const { spawnAsync } = require('child_process');", filename: 'src/case.js', errors: [{ messageId: 'missingExport' }] },
    { code: "import { rows } from './data.json';", files: { 'src/data.json': '{"rows": []}' }, name: 'JSON modules only have a default export', errors: [{ messageId: 'missingExport' }] },
    { code: "import { predict } from './ml-engine';", errors: [{ messageId: 'unresolved' }] },
    { code: "import 'left-pad';\nexport * from './gone';", errors: [{ messageId: 'unresolved', line: 1 }, { messageId: 'unresolved', line: 2 }] },
    { code: "const { x } = require('not-installed');", filename: 'src/case.js', errors: [{ messageId: 'unresolved' }] },
    { code: "import { 'spaced name' as s } from './model';", files: esm, errors: [{ messageId: 'missingExport' }] },
    { code: "import { value } from './ts-assign';", files: { 'src/ts-assign.ts': 'const config = { value: 1 };\nexport = config;\n' }, name: 'TypeScript export = of a value allows only a default import', errors: [{ messageId: 'missingExport' }] },
  ],
});
