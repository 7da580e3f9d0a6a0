// The rules' scope-free mayReport: false for ordinary code (so the file is not traversed), true wherever the
// rule reports (the rule tests cover the latter through checkSource; here it is checked directly as well).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../../src/analysis';
import { parseSource } from '../../../src/analysis/engine/parse';
import { createModuleIndex } from '../../../src/analysis/modules';
import { astRulesOf, CHECK_NAMES } from '../../../src/analysis/rules';
import type { AstFileContext } from '../../../src/analysis/types';
import { scratchFiles } from '../../helpers/scratch-files';

const { root, write } = scratchFiles('may-report-');

write('lib/shapes.js', 'export class Shape { area() { return 0; } static unit() { return new Shape(); } }\nexport const named = 1;\n');

function rulesThatMayReport(name: string, code: string): string[] {
  const file = write(name, code);
  const context: AstFileContext = {
    file,
    relativeFile: name,
    code,
    ast: parseSource(code, file),
    modules: createModuleIndex(),
    settings: { baseDir: root, exempt: [], requireImport: [{ glob: 'jobs/**', module: '@mltrainer/governance' }] },
  };
  return astRulesOf(CHECK_NAMES).filter((rule) => !rule.mayReport || rule.mayReport(context)).map((rule) => rule.meta.id);
}

const ORDINARY = [
  "import { readFileSync } from 'node:fs';",
  "import * as path from 'node:path';",
  "import { Shape, named } from '../lib/shapes.js';",
  'const options = { verbose: true };',
  'export function load(file) {',
  '  const shape = new Shape();',
  '  const parts = [options.verbose, shape.area(), Shape.unit(), named, path.join(file, "x")];',
  "  return readFileSync(file, 'utf8').split('\\n').concat(parts.map(String));",
  '}',
].join('\n');

describe('mayReport', () => {
  it('rules out every rule for ordinary code, so the file is not traversed', () => {
    expect(rulesThatMayReport('src/ordinary.js', ORDINARY)).toEqual([]);
    expect(checkSource(join(root, 'src/ordinary.js'), ORDINARY, { cwd: root })).toEqual([]);
  });

  it('rules out math-random for a file that names `random` but never `Math`', () => {
    const code = "const { random } = require('./dice');\nexport const roll = random(6);";
    expect(rulesThatMayReport('src/dice-user.js', code)).not.toContain('synthetic_data/math-random');
    expect(rulesThatMayReport('src/dice-math.js', `${code}\nexport const r = globalThis['Math'][\`random\`]();`)).toContain('synthetic_data/math-random');
  });

  it('rules out math-random where `random` is only a word, not a member or destructured key', () => {
    const code = "const INVALID_METHODS = ['random'];\nexport const half = Math.floor(2.5) + INVALID_METHODS.length;";
    expect(rulesThatMayReport('src/evaluation.js', code)).not.toContain('synthetic_data/math-random');
    expect(rulesThatMayReport('src/destructured.js', 'const { random } = Math;\nexport const r = random();')).toContain('synthetic_data/math-random');
  });

  it('rules out fake_method_call outside the receiver\'s scope or where a parameter or nested variable hides it', () => {
    const hidden = [
      "const plugin = { print() {} };\nexport function show(plugin) { return plugin.serialize(); }",
      "const plugin = { print() {} };\nexport function show(value) { { const plugin = load(value); return plugin.serialize(); } }",
      "import { Shape } from '../lib/shapes.js';\nexport function a() { const s = new Shape(); return s.area(); }\nexport function b(s) { return s.volume(); }",
      "import { Shape } from '../lib/shapes.js';\nexport function a() { const s = new Shape(); return s.area(); }\nexport const v = () => s.volume();",
    ];
    for (const [index, code] of hidden.entries()) {
      expect(rulesThatMayReport(`src/hidden-${index}.js`, code), code).not.toContain('fake_method_call/missing-method');
      expect(checkSource(join(root, `src/hidden-${index}.js`), code, { cwd: root }), code).toEqual([]);
    }
  });

  it('rules out fake_method_call for an object literal surely changed or let out in its scope', () => {
    const changed = [
      "const u = {};\nu.length = (s) => s.length;\nexport const n = u.length('ab');",
      "const clock = { now: 0 };\nregister(clock);\nclock.tick();",
      "const exportsObject = {};\n__export(exportsObject, { run: () => 1 });\nexportsObject.run();",
      "let state = { a() {} };\nstate = load();\nstate.b();",
    ];
    for (const [index, code] of changed.entries()) {
      expect(rulesThatMayReport(`src/changed-${index}.js`, code), code).not.toContain('fake_method_call/missing-method');
      expect(checkSource(join(root, `src/changed-${index}.js`), code, { cwd: root }), code).toEqual([]);
    }
  });

  it('keeps fake_method_call where the change or the hiding declaration is of another binding of the name', () => {
    const reported = [
      'const o = { a() {} };\nfunction g(o) { o.x = 1; register(o); }\no.b();',
      // Babel's scopes do not bind TypeScript parameter properties: this `o.b()` is on the object literal.
      'const o = { a() {} };\nclass K { constructor(private o = 1) { o.b(); } }',
      'const o = { a() {} };\n{ let o = 1; }\no.b();',
      'const o = { a() {} };\nfunction g(o) {}\no.b();',
      "import { Shape } from '../lib/shapes.js';\nexport function c() { const s = new Shape(); return s.volume(); }\nexport function d(s) { return s.area(); }",
    ];
    for (const [index, code] of reported.entries()) {
      const name = `src/kept-${index}.${code.includes('private') ? 'ts' : 'js'}`;
      expect(rulesThatMayReport(name, code), code).toContain('fake_method_call/missing-method');
      expect(checkSource(join(root, name), code, { cwd: root }).map((f) => f.rule), code).toContain('fake_method_call/missing-method');
    }
  });

  it('rules out deceptive_import for a namespace member where a parameter or local variable hides the namespace', () => {
    const code = "import * as shapes from '../lib/shapes.js';\nexport function f(shapes) { return shapes.nothing; }\nexport function g() { const shapes = []; return shapes.map(String); }";
    expect(rulesThatMayReport('src/ns-hidden.js', code)).not.toContain('deceptive_import/missing-export');
    expect(checkSource(join(root, 'src/ns-hidden.js'), code, { cwd: root })).toEqual([]);
    const kept = `${code}\nexport const h = shapes.nothing;`;
    expect(rulesThatMayReport('src/ns-kept.js', kept)).toContain('deceptive_import/missing-export');
  });

  it('keeps each rule where it reports', () => {
    const cases: Array<[string, string, string]> = [
      ['src/a.js', 'export const x = Math.random();', 'synthetic_data/math-random'],
      ['src/b.js', "const crypto = require('crypto');\ncrypto.pseudoRandomBytes(8);", 'synthetic_data/pseudo-random-bytes'],
      ['src/c.js', "import { faker } from '@faker-js/faker';", 'synthetic_data/random-package'],
      ['src/d.js', "import * as tf from '@tensorflow/tfjs';\ntf.randomNormal([2]);", 'synthetic_data/numeric-random'],
      ['jobs/e.js', 'export const ok = 1;', 'missing_governance_import/required-import'],
      ['src/f.js', "import { missing } from '../lib/shapes.js';", 'deceptive_import/missing-export'],
      ['src/g.js', "import * as shapes from '../lib/shapes.js';\nshapes.nothing;", 'deceptive_import/missing-export'],
      ['src/h.js', "import { Shape } from '../lib/shapes.js';\nnew Shape().volume();", 'fake_method_call/missing-method'],
      ['src/i.js', "import { Shape } from '../lib/shapes.js';\nclass Box { constructor() { this.shape = new Shape(); } size() { return this.shape.volume(); } }\nexport { Box };", 'fake_method_call/missing-method'],
      ['src/j.js', 'const config = { load() {} };\nconfig.save();', 'fake_method_call/missing-method'],
      ['src/l.cjs', 'class Local { area() { return 1; } }\nLocal.create();\nmodule.exports = { Shape: Local };', 'fake_method_call/missing-method'],
      ['src/k.cjs', "const { Shape: Figure } = require('./l.cjs');\nFigure.scale();\nnew Figure().volume();", 'fake_method_call/missing-method'],
      ['src/m.js', 'const Kind = class { area() {} };\nKind.make();', 'fake_method_call/missing-method'],
    ];
    for (const [name, code, rule] of cases) {
      expect(rulesThatMayReport(name, code), name).toContain(rule);
      expect(checkSource(join(root, name), code, { cwd: root, settings: { requireImport: [{ glob: 'jobs/**', module: '@mltrainer/governance' }] } }).map((f) => f.rule), name).toContain(rule);
    }
  });
});
