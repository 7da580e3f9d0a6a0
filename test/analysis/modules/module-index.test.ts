import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createModuleIndex } from '../../../src/analysis/modules';
import type { ModuleExports } from '../../../src/analysis/types';

const root = mkdtempSync(join(tmpdir(), 'module-index-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 'p-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function shape(exports: ModuleExports | null): { names: string[]; hasDefault: boolean; dynamic: boolean } | null {
  return exports && { names: [...exports.names].sort(), hasDefault: exports.hasDefault, dynamic: exports.dynamic };
}

describe('resolve', () => {
  const dir = project({
    'package.json': JSON.stringify({ name: 'app', type: 'commonjs', imports: { '#utils/*': './src/utils/*.js', '#dep': 'dep' }, exports: { '.': './src/main.js' } }),
    'src/main.js': '',
    'src/a.ts': '',
    'src/b.tsx': '',
    'src/dir/index.js': '',
    'src/utils/strings.js': '',
    'src/data.json': '{}',
    'node_modules/dep/package.json': JSON.stringify({
      name: 'dep',
      exports: {
        '.': { import: './dep.mjs', require: './dep.cjs' },
        './feature/*.js': { node: './lib/feature-*.js' },
        './feature/private/*': null,
        './package.json': './package.json',
      },
    }),
    'node_modules/dep/dep.mjs': '',
    'node_modules/dep/dep.cjs': '',
    'node_modules/dep/lib/feature-x.js': '',
    'node_modules/dep/lib/feature-private/y.js': '',
    'node_modules/@scope/pkg/package.json': JSON.stringify({ main: './lib' }),
    'node_modules/@scope/pkg/lib/index.js': '',
    'node_modules/old/index.js': '',
    'node_modules/old/sub.js': '',
    'node_modules/typed/package.json': JSON.stringify({ exports: { '.': { types: './index.d.ts' } } }),
    'node_modules/typed/index.d.ts': '',
  });
  const from = join(dir, 'src/main.js');
  const index = createModuleIndex({ cwd: dir });

  it('finds relative files with Node and TypeScript extensions, folders and JSON', () => {
    expect(index.resolve('./a', from)).toBe(join(dir, 'src/a.ts'));
    expect(index.resolve('./a.js', from)).toBe(join(dir, 'src/a.ts'));
    expect(index.resolve('./b', from)).toBe(join(dir, 'src/b.tsx'));
    expect(index.resolve('./dir', from)).toBe(join(dir, 'src/dir/index.js'));
    expect(index.resolve('./data.json', from)).toBe(join(dir, 'src/data.json'));
    expect(index.resolve('./missing', from)).toBeNull();
    expect(index.resolve('./a.ts?raw', from)).toBe(join(dir, 'src/a.ts'));
  });

  it('follows package exports conditions, patterns and null targets', () => {
    expect(index.resolve('dep', from, 'import')).toBe(join(dir, 'node_modules/dep/dep.mjs'));
    expect(index.resolve('dep', from, 'require')).toBe(join(dir, 'node_modules/dep/dep.cjs'));
    expect(index.resolve('dep/feature/x.js', from)).toBe(join(dir, 'node_modules/dep/lib/feature-x.js'));
    expect(index.resolve('dep/feature/private/y', from)).toBeNull();
    expect(index.resolve('dep/dep.mjs', from)).toBeNull();
    expect(index.resolve('dep/package.json', from)).toBe(join(dir, 'node_modules/dep/package.json'));
  });

  it('uses main, index, scoped names, subpaths without an exports map, and types as a last resort', () => {
    expect(index.resolve('@scope/pkg', from)).toBe(join(dir, 'node_modules/@scope/pkg/lib/index.js'));
    expect(index.resolve('old', from)).toBe(join(dir, 'node_modules/old/index.js'));
    expect(index.resolve('old/sub', from)).toBe(join(dir, 'node_modules/old/sub.js'));
    expect(index.resolve('typed', from)).toBe(join(dir, 'node_modules/typed/index.d.ts'));
    expect(index.resolve('not-installed', from)).toBeNull();
  });

  it('resolves package imports (#), self-references and builtins', () => {
    expect(index.resolve('#utils/strings', from)).toBe(join(dir, 'src/utils/strings.js'));
    expect(index.resolve('#dep', from, 'require')).toBe(join(dir, 'node_modules/dep/dep.cjs'));
    expect(index.resolve('#nothing', from)).toBeNull();
    expect(index.resolve('app', from)).toBe(join(dir, 'src/main.js'));
    expect(index.resolve('fs', from)).toBe('builtin');
    expect(index.resolve('node:fs/promises', from)).toBe('builtin');
    expect(index.resolve('node:not-a-module', from)).toBeNull();
  });
});

describe('resolve with TypeScript paths', () => {
  const dir = project({
    'tsconfig.base.json': '{\n  // shared settings\n  "compilerOptions": { "baseUrl": "./src", "paths": { "@/*": ["./*", "./generated/*"], "config": ["./config/index.ts"], }, },\n}\n',
    'tsconfig.json': '{ "extends": "./tsconfig.base.json", /* no own paths */ "compilerOptions": { "strict": true } }',
    'src/lib/model.ts': '',
    'src/generated/schema.ts': '',
    'src/config/index.ts': '',
    'src/utils.ts': '',
    'src/app.ts': '',
    'node_modules/config/index.js': '',
  });
  const from = join(dir, 'src/app.ts');
  const index = createModuleIndex({ cwd: dir });

  it('follows paths patterns (all targets), exact paths before packages, and baseUrl after packages', () => {
    expect(index.resolve('@/lib/model', from)).toBe(join(dir, 'src/lib/model.ts'));
    expect(index.resolve('@/schema', from)).toBe(join(dir, 'src/generated/schema.ts'));
    expect(index.resolve('config', from)).toBe(join(dir, 'src/config/index.ts'));
    expect(index.resolve('utils', from)).toBe(join(dir, 'src/utils.ts'));
    expect(index.resolve('@/missing', from)).toBeNull();
  });
});

describe('exportsOf', () => {
  const dir = project({
    'esm.mjs': 'export const a = 1, { b, c: [d] } = {};\nexport function f() {}\nexport default class {}\nexport { a as e };\n',
    'cjs.js': "exports.x = 1;\nmodule.exports.y = 2;\nObject.defineProperty(exports, 'z', { value: 3 });\n",
    'cjs-default.js': 'exports.default = 1;\nexports.other = 2;\n',
    'reexport.cjs': "module.exports = require('./cjs');\n",
    'star-cjs.mjs': "export * from './cjs.js';\n",
    'dynamic.js': 'module.exports = build();\n',
    'computed.js': 'for (const k of keys) exports[k] = 1;\n',
    'cycle-a.mjs': "export * from './cycle-b.mjs';\nexport const a = 1;\n",
    'cycle-b.mjs': "export * from './cycle-a.mjs';\nexport const b = 1;\n",
    'broken.mjs': "export { nope } from './esm.mjs';\nexport { f as g } from './esm.mjs';\n",
    'types.ts': 'export type T = string;\nexport interface I {}\nexport enum E { A }\nexport namespace N {}\nexport declare const v: number;\n',
    'global.d.ts': 'declare const g: number;\n',
    'data.json': '{"k": 1, "default": 2}',
    'list.json': '[1, 2]',
    'module-pkg/package.json': JSON.stringify({ type: 'module' }),
    'module-pkg/plain.js': 'const local = 1;\n',
    'broken-syntax.js': 'export const = ;;;(',
  });
  const index = createModuleIndex({ cwd: dir });
  const at = (name: string): string => join(dir, name);

  it('reads ESM declarations, patterns, default and local renames', () => {
    expect(shape(index.exportsOf(at('esm.mjs')))).toEqual({ names: ['a', 'b', 'd', 'e', 'f'], hasDefault: true, dynamic: false });
    expect(shape(index.exportsOf(at('esm.mjs'), 'require'))).toEqual({ names: ['a', 'b', 'd', 'default', 'e', 'f'], hasDefault: true, dynamic: false });
  });

  it('gives CommonJS an import view (lexer names + default) and a require view (module.exports keys)', () => {
    expect(shape(index.exportsOf(at('cjs.js')))).toEqual({ names: ['x', 'y', 'z'], hasDefault: true, dynamic: false });
    expect(shape(index.exportsOf(at('cjs.js'), 'require'))).toEqual({ names: ['x', 'y', 'z'], hasDefault: false, dynamic: false });
    expect(index.exportsOf(at('cjs-default.js'), 'require')?.hasDefault).toBe(true);
    expect(shape(index.exportsOf(at('reexport.cjs')))).toEqual({ names: ['x', 'y', 'z'], hasDefault: true, dynamic: false });
    expect(shape(index.exportsOf(at('star-cjs.mjs')))).toEqual({ names: ['x', 'y', 'z'], hasDefault: false, dynamic: false });
  });

  it('marks shapes it cannot read as dynamic, and unparseable files as null', () => {
    expect(index.exportsOf(at('dynamic.js'))?.dynamic).toBe(true);
    expect(index.exportsOf(at('computed.js'))?.dynamic).toBe(true);
    expect(index.exportsOf(at('global.d.ts'))?.dynamic).toBe(true);
    expect(index.exportsOf(at('list.json'), 'require')?.dynamic).toBe(true);
    expect(index.exportsOf(at('broken-syntax.js'))).toBeNull();
    expect(index.exportsOf(at('nope.js'))).toBeNull();
  });

  it('stays silent in export * cycles and drops broken re-exports', () => {
    expect(index.exportsOf(at('cycle-a.mjs'))?.dynamic).toBe(true);
    expect(shape(index.exportsOf(at('broken.mjs')))).toEqual({ names: ['g'], hasDefault: false, dynamic: false });
  });

  it('counts TypeScript types, enums and namespaces as exports; JSON has a default, and keys under require', () => {
    expect(shape(index.exportsOf(at('types.ts')))).toEqual({ names: ['E', 'I', 'N', 'T', 'v'], hasDefault: false, dynamic: false });
    expect(shape(index.exportsOf(at('data.json')))).toEqual({ names: [], hasDefault: true, dynamic: false });
    expect(shape(index.exportsOf(at('data.json'), 'require'))).toEqual({ names: ['default', 'k'], hasDefault: true, dynamic: false });
  });

  it('treats a .js file without exports in a "type": "module" package as ESM with no exports', () => {
    expect(shape(index.exportsOf(at('module-pkg/plain.js')))).toEqual({ names: [], hasDefault: false, dynamic: false });
  });

  it('reads built-in modules from the running Node', () => {
    const fs = index.exportsOf('node:fs');
    expect(fs?.names.has('readFileSync')).toBe(true);
    expect(fs?.names.has('readFileSinc')).toBe(false);
    expect(fs?.hasDefault).toBe(true);
  });

  it('keeps one snapshot per run: a file changed on disk is not re-read by the same index', () => {
    const file = at('snapshot.mjs');
    writeFileSync(file, 'export const before = 1;\n');
    const runIndex = createModuleIndex({ cwd: dir });
    expect(runIndex.exportsOf(file)?.names.has('before')).toBe(true);
    writeFileSync(file, 'export const after = 1;\n');
    expect(runIndex.exportsOf(file)?.names.has('before')).toBe(true);
    expect(createModuleIndex({ cwd: dir }).exportsOf(file)?.names.has('after')).toBe(true);
  });
});

describe('classMembers', () => {
  const dir = project({
    'base.ts': 'export class Base { a() {} static s() {} }\n',
    'child.ts': "import { Base } from './base';\nexport class Child extends Base { b = 1; constructor(public c: number) { super(); this.d = 2; } d: number; }\nChild.prototype.e = function () {};\nChild.t = () => 1;\n",
    'open.ts': "export class Open extends (globalThis as any).Thing {}\nexport class Indexed { [k: string]: unknown }\n",
    'use.js': "const { Child } = require('./child');\nconst Base = require('./base').Base;\n",
  });
  const index = createModuleIndex({ cwd: dir });

  it('merges own, inherited, parameter-property, this.x and prototype members', () => {
    const child = index.classMembers(join(dir, 'child.ts'), 'Child');
    expect(child && [...child.instance].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(child && [...child.statics].sort()).toEqual(['s', 't']);
    expect(child?.file).toBe(join(dir, 'child.ts'));
  });

  it('follows imports and require destructuring to the declaring file', () => {
    expect(index.classMembers(join(dir, 'use.js'), 'Child')?.name).toBe('Child');
    expect(index.classMembers(join(dir, 'child.ts'), 'Base')?.file).toBe(join(dir, 'base.ts'));
  });

  it('is null for open classes, unknown bases and non-classes', () => {
    expect(index.classMembers(join(dir, 'open.ts'), 'Open')).toBeNull();
    expect(index.classMembers(join(dir, 'open.ts'), 'Indexed')).toBeNull();
    expect(index.classMembers(join(dir, 'use.js'), 'Base')).toBeNull();
    expect(index.classMembers(join(dir, 'base.ts'), 'Nothing')).toBeNull();
  });
});
