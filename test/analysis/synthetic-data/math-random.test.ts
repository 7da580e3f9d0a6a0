import { mathRandomRule } from '../../../src/analysis/synthetic-data';
import { runRuleTests } from '../rule-tester';

runRuleTests(mathRandomRule, {
  valid: [
    { code: 'Math.random;' },
    { code: 'math.random();' },
    { code: 'function random() { return 4; }\nrandom();' },
    { code: 'const Math = { random: () => 4 };\nMath.random();', name: 'a local Math shadows the global' },
    { code: 'const id = crypto.randomUUID();' },
    { code: 'import { randomBytes } from "node:crypto";\nrandomBytes(16);' },
    { code: 'let r = Math.random;\nr = () => 4;\nr();', name: 'a reassigned alias is not followed' },
    { code: 'export const noise = () => Math.random();', filename: 'test/helpers.ts', name: 'test folders are exempt' },
    { code: 'Math.random();', filename: 'src/model.spec.js' },
    { code: 'Math.random();', filename: 'src/__tests__/model.js' },
    { code: 'Math.random();', filename: 'fixtures/sample.js' },
    { code: 'Math.random();', filename: 'scripts/seed.js', settings: { exempt: ['scripts/**'] }, name: 'analysis.exempt globs' },
  ],
  invalid: [
    { code: 'const x = Math.random();', errors: [{ messageId: 'call', line: 1, column: 11 }] },
    { code: 'const r = Math.random;\nr();', errors: [{ messageId: 'call', line: 2, column: 1 }] },
    { code: 'const { random } = Math;\nrandom();', errors: [{ messageId: 'call', line: 2 }] },
    { code: 'const { random: r = null } = Math;\nr();', errors: [{ messageId: 'call', line: 2 }] },
    { code: "Math['random']();", errors: [{ messageId: 'call' }] },
    { code: 'Math[`random`]();', errors: [{ messageId: 'call' }] },
    { code: 'globalThis.Math.random();', errors: [{ messageId: 'call' }] },
    { code: 'window.Math.random();', errors: [{ messageId: 'call' }] },
    { code: 'this.Math.random();', filename: 'src/case.js', errors: [{ messageId: 'call' }] },
    { code: 'Math?.random?.();', errors: [{ messageId: 'call' }] },
    { code: '(0, Math.random)();', errors: [{ messageId: 'call' }] },
    { code: 'const M = Math;\nconst { random } = M;\nrandom();', errors: [{ messageId: 'call', line: 3 }] },
    { code: 'function notMath(): Math {\n  return Math;\n}\nnotMath().random();', errors: [{ messageId: 'call', line: 4 }] },
    { code: 'const rows = Array.from({ length: 10 }, Math.random);', errors: [{ messageId: 'passed', column: 41 }] },
    { code: 'items.sort(() => Math.random() - 0.5);', errors: [{ messageId: 'call' }] },
    { code: 'const m = Math as any;\nm.random();', errors: [{ messageId: 'call', line: 2 }] },
    { code: 'const rand = Math.random();', filename: 'src/testing-utils.js', name: 'a name containing "test" is not a test file', errors: [{ messageId: 'call' }] },
  ],
});
