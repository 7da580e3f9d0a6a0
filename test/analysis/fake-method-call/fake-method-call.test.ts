import { fakeMethodCallRule } from '../../../src/analysis/fake-method-call';
import { runRuleTests } from '../rule-tester';

const engine = {
  'src/ml-engine.ts': [
    'export class BaseEngine {',
    '  load() {}',
    '  static create() { return new MLEngine(); }',
    '}',
    'export class MLEngine extends BaseEngine {',
    '  threshold = 0.5;',
    '  scorer = (x: number) => x;',
    '  constructor(private readonly model: string) { super(); this.cache = new Map(); }',
    '  cache: Map<string, number>;',
    '  predict(x: number) { return x; }',
    '  get size() { return 1; }',
    '  static version() { return 1; }',
    '}',
    'export default MLEngine;',
    '',
  ].join('\n'),
};
const cjsEngine = {
  'src/engine.js': 'class Engine {\n  run() {}\n}\nmodule.exports = Engine;\n',
  'src/named.js': 'class Scaler { scale() {} }\nmodule.exports = { Scaler };\n',
};
const reexported = {
  ...engine,
  'src/index.ts': "export * from './ml-engine';\nexport { MLEngine as Engine } from './ml-engine';\n",
};

runRuleTests(fakeMethodCallRule, {
  valid: [
    { code: "import { MLEngine } from './ml-engine';\nconst e = new MLEngine('m');\ne.predict(1);\ne.load();\ne.scorer(2);\ne.toString();\ne.hasOwnProperty('x');\ne.model.trim();", files: engine, name: 'own, inherited, field and Object.prototype members' },
    { code: "import MLEngine from './ml-engine';\nMLEngine.version();\nMLEngine.create();\nMLEngine.call(null);\nMLEngine.bind(null);", files: engine, name: 'static, inherited static and Function.prototype members' },
    { code: "import { Engine } from './index';\nnew Engine('m').predict(1);", files: reexported, name: 'a class followed through re-exports' },
    { code: "const Engine = require('./engine');\nconst e = new Engine();\ne.run();\nconst { Scaler } = require('./named');\nnew Scaler().scale();", filename: 'src/case.js', files: cjsEngine },
    { code: 'class Local { run() {} }\nLocal.prototype.extra = function () {};\nconst l = new Local();\nl.extra();', name: 'prototype assignments add members' },
    { code: 'class Open { run() {} }\nObject.assign(Open.prototype, { more() {} });\nnew Open().more();', name: 'Object.assign to the prototype: silent' },
    { code: 'class Indexed { [key: string]: any; }\nnew Indexed().anything();', name: 'index signature: silent' },
    { code: "import { EventEmitter } from 'node:events';\nclass Bus extends EventEmitter {}\nnew Bus().on('x', () => {});", name: 'builtin base class: silent' },
    { code: 'function mixin(Base: any) { return class extends Base {}; }\nclass A {}\nclass B extends mixin(A) {}\nnew B().whatever();', name: 'base class from a call: silent' },
    { code: 'class C { run() {} }\nlet c = new C();\nc = makeOther();\nc.fly();\ndeclare function makeOther(): any;', name: 'a reassigned variable is not tracked' },
    { code: 'class C { run() {} }\nconst c = new C();\n(c as any).extra = () => 1;\nc[String(1)] = 2;\nc.extra();', name: 'computed writes to the instance: silent' },
    { code: 'class C { run() {} }\nconst c = new C();\nc.extra = () => 1;\nc.extra();', name: 'a member assigned to the instance exists' },
    { code: 'const o = { a() {}, b: 1 };\no.a();\no.valueOf();' },
    { code: 'const base = { a() {} };\nconst o = { ...base, b() {} };\no.a();', name: 'spread: silent' },
    { code: 'const o = { a() {} };\no.c = () => 1;\no.c();', name: 'mutated later: silent' },
    { code: 'const o = { a() {} };\nregister(o);\no.z();\ndeclare function register(x: object): void;', name: 'passed away: silent' },
    { code: "const key = 'k';\nconst o = { [key]: () => 1 };\no.k();", name: 'computed key: silent' },
    { code: 'class S { [Symbol.iterator]() { return [][Symbol.iterator](); } run() {} }\nnew S().run();', name: 'symbol keys do not open the class' },
    { code: 'const m = new Map();\nm.set(1, 2);\nunknownThing.foo();\nfunction f(x: any) { x.anything(); }', name: 'unknown receivers: silent' },
    { code: '@sealed class D { run() {} }\nnew D().added();\nfunction sealed(x: any) { return x; }', name: 'class decorators: silent' },
    { code: 'class C { run() {} }\ninterface C { later(): void }\nnew C().later();', name: 'merged interface: silent' },
    { code: 'class C { run() {} }\nconst c = new C();\nc.run?.();\nc?.run();', name: 'optional calls' },
    { code: 'class P { constructor() { return new Proxy(this, {}); } }\nnew P().anything();', name: 'a constructor returning another object: silent' },
    { code: "import { MLEngine } from './ml-engine';\nclass Job { engine = new MLEngine('m'); run() { this.engine.predict(1); this.engine.load(); } }", files: engine, name: 'a field holding a class instance' },
    { code: "import { MLEngine } from './ml-engine';\nclass Job { engine = new MLEngine('m'); run() { this.engine.fly(); } }\nconst job = new Job();\njob.engine = { fly() {} } as any;", files: engine, name: 'a field written elsewhere in the file: silent' },
    { code: "import { MLEngine } from './ml-engine';\nclass Job { engine = new MLEngine('m'); reset(e: any) { this.engine = e; } run() { this.engine.fly(); } }", files: engine, name: 'a field assigned something else too: silent' },
    { code: "class A { go() {} }\nclass B { go() {} }\nclass Job { constructor(f: boolean) { this.w = f ? new A() : new B(); } w: any; run() { this.w.fly(); } }", name: 'a field of unknown class: silent' },
  ],
  invalid: [
    {
      code: "import { MLEngine } from './ml-engine';\nconst engine = new MLEngine('m');\nengine.getVolatility();",
      files: engine,
      errors: [{ messageId: 'instance', line: 3, column: 8 }],
    },
    { code: "import { MLEngine } from './ml-engine';\nnew MLEngine('m').getVolatility();", files: engine, errors: [{ messageId: 'instance', line: 2 }] },
    { code: "import MLEngine from './ml-engine';\nMLEngine.predict(1);", files: engine, name: 'an instance method called as static', errors: [{ messageId: 'static' }] },
    { code: "import { MLEngine } from './ml-engine';\nlet e = new MLEngine('m');\ne.version();", files: engine, name: 'a static method called on an instance', errors: [{ messageId: 'instance' }] },
    { code: "import { Engine } from './index';\nnew Engine('m').train();", files: reexported, errors: [{ messageId: 'instance' }] },
    { code: "const Engine = require('./engine');\nnew Engine().fly();\nconst { Scaler } = require('./named');\nnew Scaler().unscale();", filename: 'src/case.js', files: cjsEngine, errors: [{ messageId: 'instance', line: 2 }, { messageId: 'instance', line: 4 }] },
    { code: 'class Local { run() {} }\nclass Child extends Local { walk() {} }\nconst c = new Child();\nc.run();\nc.fly();', errors: [{ messageId: 'instance', line: 5 }] },
    { code: "const o = { a() {}, b: 1 };\no.c();\no['d']();", errors: [{ messageId: 'object', line: 2 }, { messageId: 'object', line: 3 }] },
    { code: 'const Helper = class { static make() {} };\nHelper.build();', errors: [{ messageId: 'static' }] },
    {
      code: "import { MLEngine } from './ml-engine';\nclass Job {\n  constructor() { this.engine = new MLEngine('m'); }\n  engine: MLEngine;\n  run() { return [1].map(() => this.engine.getVolatility()); }\n}",
      files: engine,
      name: 'this.field = new C() in the constructor, called from an arrow function in a method',
      errors: [{ messageId: 'instance', line: 5 }],
    },
    { code: "import { MLEngine } from './ml-engine';\nclass Job { engine = new MLEngine('m'); run() { this.engine.train(); } }", files: engine, errors: [{ messageId: 'instance' }] },
    { code: "import Model from './model';\nnew Model().fly();", files: { 'src/model.ts': 'export default class { run() {} }\n' }, name: 'an anonymous default-exported class', errors: [{ messageId: 'instance' }] },
  ],
});
