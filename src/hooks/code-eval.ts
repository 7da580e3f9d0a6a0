// Governs code generated from strings in the host: eval and the Function family (code-eval-realm),
// every public vm route and vm.Script's native parent class, and new vm contexts, whose own intrinsics
// are governed by running the same realm patch inside each context before user code can run there.
import vm = require('node:vm');
import { types } from 'node:util';
import { noteCompiledName } from '../kernel/caller';
import { checkAction } from '../kernel/gate';
import { primordials } from '../primordials';
import { governClass } from './code-eval-class';
import { governRealm } from './code-eval-realm';
import { refuseBypass } from './internals-bypass';
import { lockProperty, shapeLike } from './lock';
import { checkGeneratedSourceMapReads } from './source-maps';

const { apply } = primordials;
const construct = Reflect.construct;
const setPrototypeOf = Reflect.setPrototypeOf;

export type CodeEvalTarget = 'eval' | 'function' | 'vm' | 'module-compile' | 'url';

/** Throws the denial for `code_eval:target`, if any. */
export function checkCodeEval(target: CodeEvalTarget): void {
  const denied = checkAction('code_eval', target);
  if (denied !== null) throw denied;
}

/** Throws the denial of a map file that code generated from a string makes Node read, if any. */
function checkGeneratedCode(code: string): void {
  const denied = checkGeneratedSourceMapReads(code);
  if (denied !== null) throw denied;
}

const originalCreateContext = vm.createContext;
const originalRunInContext = vm.runInContext;
const realmPatch = `(${governRealm.toString()})`;
const hostHasShadowRealm = typeof (globalThis as { ShadowRealm?: unknown }).ShadowRealm === 'function';

/**
 * A new context has a ShadowRealm of its own when the process has one (the flag is process-wide): its
 * constructor there is decided like the host's (see governShadowRealm), before any user code runs there.
 */
const contextShadowRealmPatch = `(function (check) {
  'use strict';
  const Original = globalThis.ShadowRealm;
  if (typeof Original !== 'function') return;
  const construct = Reflect.construct;
  const defineProperty = Reflect.defineProperty;
  const governed = function ShadowRealm() {
    if (new.target === undefined) throw new TypeError("Class constructor ShadowRealm cannot be invoked without 'new'");
    check();
    return construct(Original, arguments, new.target);
  };
  defineProperty(governed, 'prototype', { value: Original.prototype, writable: false });
  defineProperty(Original.prototype, 'constructor', { value: governed, writable: false, enumerable: false, configurable: false });
  defineProperty(globalThis, 'ShadowRealm', { value: governed, writable: false, enumerable: false, configurable: false });
})`;

function checkShadowRealm(): void {
  const denied = refuseBypass('code_eval', 'shadow-realm', 'a ShadowRealm (its imports load past the module hooks)');
  if (denied !== null) throw denied;
}

// The global names the realm patches look up inside a context (governRealm, contextShadowRealmPatch).
const PATCH_NAMES = ['Reflect', 'globalThis', 'eval', 'Function', 'TypeError', 'ShadowRealm'];
const { isProxy } = types;
const DONT_CONTEXTIFY = (vm as unknown as { constants?: { DONT_CONTEXTIFY?: unknown } }).constants?.DONT_CONTEXTIFY;

/**
 * Inside a context, a global name is looked up on the context object (and its prototype chain) before the
 * context's own global: a context object that has one of the names the realm patch looks up (`Reflect`,
 * `globalThis`...), itself or through a prototype (`Object.prototype.Reflect` in the host), or a Proxy on its
 * chain, hands the patch the program's stand-ins, and the patch did nothing: the context's own eval and Function
 * family then evaluated strings with `code_eval:eval`/`function` denied (until 2026-11-23, with `code_eval:vm`
 * allowed). Such a context is refused as runtime_bypass where the level blocks.
 */
function checkContextObject(sandbox: unknown): void {
  let object = sandbox;
  while ((typeof object === 'object' || typeof object === 'function') && object !== null) {
    let shadowed = isProxy(object);
    for (let i = 0; !shadowed && i < PATCH_NAMES.length; i++) shadowed = primordials.hasOwn(object, PATCH_NAMES[i]);
    if (shadowed) {
      const denied = refuseBypass('code_eval', 'vm', 'a vm context object that shadows a global the context\'s code-evaluation patch looks up (Reflect, globalThis, eval, Function, TypeError, ShadowRealm), or a Proxy on its prototype chain');
      if (denied !== null) throw denied;
      return;
    }
    object = primordials.getPrototypeOf(object);
  }
}

/** Governs eval and the Function family of a new context; runs before any user code there. */
function governContext(context: vm.Context, contextObject: unknown): vm.Context {
  if (contextObject !== DONT_CONTEXTIFY) checkContextObject(context);
  const install = apply(originalRunInContext, vm, [realmPatch, context]) as typeof governRealm;
  install(checkCodeEval, checkGeneratedCode);
  if (hostHasShadowRealm) (apply(originalRunInContext, vm, [contextShadowRealmPatch, context]) as (check: () => void) => void)(checkShadowRealm);
  apply(weakSetAdd, governedContexts, [context]);
  return context;
}

// Contexts already governed: contextifying one again returns it as it is (its patch defined eval and Function on it).
const governedContexts = new WeakSet<object>();
const weakSetHas = WeakSet.prototype.has;
const weakSetAdd = WeakSet.prototype.add;

function governedCreateContext(contextObject?: unknown, options?: unknown): vm.Context {
  if (typeof contextObject === 'object' && contextObject !== null && apply(weakSetHas, governedContexts, [contextObject])) return contextObject as vm.Context;
  const context = apply(originalCreateContext, vm, [contextObject, options]) as vm.Context;
  return governContext(context, contextObject);
}

interface NewContextOptions {
  contextName?: string;
  contextOrigin?: string;
  contextCodeGeneration?: unknown;
  microtaskMode?: unknown;
}

/** The context a `runInNewContext` call would create, created (and governed) by us first. */
function newContextFor(contextObject: unknown, options: unknown): vm.Context {
  const o = typeof options === 'object' && options !== null ? (options as NewContextOptions) : {};
  const contextOptions = { name: o.contextName, origin: o.contextOrigin, codeGeneration: o.contextCodeGeneration, microtaskMode: o.microtaskMode };
  return governedCreateContext(contextObject ?? {}, contextOptions);
}

function guarded(original: Function, target: CodeEvalTarget, namedAt = -1): Function {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    checkCodeEval(target);
    if (namedAt >= 0) noteScriptName(args, namedAt, 'filename');
    return apply(original, this, args);
  };
  return shapeLike(wrapper, original);
}

const NAME_FIELDS: Record<string, readonly string[]> = { filename: ['filename'], identifier: ['identifier'] };

/**
 * The name vm code is compiled under (options at `at`: the name itself, or an object with `field`), noted so that its
 * frames carry no package (caller.ts). The options are handed on as a copy read once (primordials.ownOptions), so the
 * name noted is the name Node uses.
 */
function noteScriptName(args: unknown[], at: number, field: 'filename' | 'identifier'): void {
  const options = args[at];
  if (typeof options === 'string') return noteCompiledName(options);
  if (typeof options !== 'object' || options === null) return;
  const copy = primordials.ownOptions<Record<string, unknown>>(options, NAME_FIELDS[field]);
  if (copy[field] === undefined) delete copy[field];
  primordials.setElement(args, at, copy);
  if (typeof copy[field] === 'string') noteCompiledName(copy[field] as string);
}

function governVm(): void {
  const Script = vm.Script;
  const runInNewContext = vm.runInNewContext;
  const scriptRunInNewContext = Script.prototype.runInNewContext;
  const governedContextify = governedContextifyScript();
  lockProperty(vm, 'Script', governClass(Script, (args) => {
    checkCodeEval('vm');
    noteScriptName(args, 1, 'filename');
  }, governedContextify));
  lockProperty(Script.prototype, 'runInNewContext', shapeLike(function (this: vm.Script, contextObject?: unknown, options?: unknown): unknown {
    return apply(scriptRunInNewContext, this, [newContextFor(contextObject, options), options]);
  }, scriptRunInNewContext));
  lockProperty(vm, 'runInNewContext', shapeLike(function (this: unknown, code: unknown, contextObject?: unknown, options?: unknown): unknown {
    checkCodeEval('vm');
    const args = [code, contextObject, options];
    noteScriptName(args, 2, 'filename');
    return apply(runInNewContext, this, [code, newContextFor(contextObject, args[2]), args[2]]);
  }, runInNewContext));
  lockProperty(vm, 'createContext', shapeLike(governedCreateContext, originalCreateContext));
  lockProperty(vm, 'createScript', guarded((vm as unknown as { createScript: Function }).createScript, 'vm', 1)); // builds lib/vm's own Script, not the governed one
  lockProperty(vm, 'runInThisContext', guarded(vm.runInThisContext, 'vm', 1));
  lockProperty(vm, 'runInContext', guarded(originalRunInContext, 'vm', 2));
  lockProperty(vm, 'compileFunction', guarded(vm.compileFunction, 'vm', 2));
  governVmModules();
}

/** vm.SourceTextModule (behind --experimental-vm-modules) and user subclasses of vm.Module. */
function governVmModules(): void {
  const vmModules = vm as unknown as { Module?: Function; SourceTextModule?: Function };
  const Module = vmModules.Module;
  const SourceTextModule = vmModules.SourceTextModule;
  if (typeof Module !== 'function' || typeof SourceTextModule !== 'function') return;
  const governedModule = governClass(Module, () => checkCodeEval('vm'));
  lockProperty(vm, 'Module', governedModule);
  lockProperty(vm, 'SourceTextModule', governClass(SourceTextModule, (args) => {
    checkCodeEval('vm');
    noteScriptName(args, 1, 'identifier');
  }, governedModule));
}

/**
 * vm.Script's parent class, the native ContextifyScript. It stays what Node's own code constructs;
 * the slot user code can reach (`Object.getPrototypeOf(vm.Script.prototype).constructor`) is governed.
 * (process.binding('contextify') itself is refused by the internals hooks.)
 */
function governedContextifyScript(): Function {
  return governClass(primordials.getPrototypeOf(vm.Script) as Function, () => checkCodeEval('vm'));
}

/**
 * ShadowRealm (behind `--experimental-shadow-realm`, or V8's `--harmony-shadow-realm`, on every line): `evaluate`
 * compiles a string in a realm with intrinsics of its own (eval and the Function family included), and modules
 * the realm imports (`importValue`, or an `import()` in its code) load in Node's internals past the module hooks:
 * a module_load deny rule, a file_read deny rule on a JSON import and a `data:` URL are never decided there. No
 * JavaScript hook reaches that loader, so creating a realm is refused as runtime_bypass (`code_eval:shadow-realm`)
 * at staging and production. In development (recorded, let through) `evaluate` is decided as `code_eval:eval`,
 * each new realm gets the realm patch run inside it before the program can reach it, and `importValue` is
 * recorded as a would-be refusal. Until 2026-11-23 a process started with the flag evaluated strings in a realm,
 * and imported denied modules and `data:` URLs into one, with no decision.
 */
function governShadowRealm(): void {
  const Original = (globalThis as { ShadowRealm?: Function }).ShadowRealm;
  if (typeof Original !== 'function') return;
  const proto = Original.prototype as { evaluate: Function };
  const originalEvaluate = proto.evaluate;
  const governed = function (this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined) throw new primordials.TypeError('Class constructor ShadowRealm cannot be invoked without \'new\'');
    checkShadowRealm();
    const realm = construct(Original, args, new.target) as object;
    const install = apply(originalEvaluate, realm, [realmPatch]) as typeof governRealm;
    install(checkCodeEval, checkGeneratedCode);
    return realm;
  };
  shapeLike(governed, Original);
  primordials.defineProperty(governed, 'prototype', { value: proto, writable: false });
  setPrototypeOf(governed, primordials.getPrototypeOf(Original));
  lockProperty(proto, 'constructor', governed);
  lockProperty(proto, 'evaluate', shapeLike(function (this: unknown, source: unknown): unknown {
    if (typeof source === 'string') {
      checkCodeEval('eval');
      checkGeneratedCode(source);
    }
    return apply(originalEvaluate, this, [source]);
  }, originalEvaluate));
  const originalImportValue = (proto as { importValue?: Function }).importValue;
  if (typeof originalImportValue === 'function') {
    lockProperty(proto, 'importValue', shapeLike(function (this: unknown, specifier: unknown, name: unknown): unknown {
      const text = typeof specifier === 'string' ? specifier : '<not a string>';
      const denied = refuseBypass('module_load', `shadow-realm:${text}`, 'ShadowRealm#importValue (its module graph loads past the module hooks)');
      if (denied !== null) return primordials.PromiseReject(denied);
      return apply(originalImportValue, this, [specifier, name]);
    }, originalImportValue));
  }
  lockProperty(globalThis, 'ShadowRealm', governed);
}

export function installCodeEvalHooks(): void {
  governVm();
  governShadowRealm();
  governRealm(checkCodeEval, checkGeneratedCode);
}
