// Governs code generated from strings in the host: eval and the Function family (code-eval-realm),
// every public vm route and vm.Script's native parent class, and new vm contexts, whose own intrinsics
// are governed by running the same realm patch inside each context before user code can run there.
import vm = require('node:vm');
import { checkAction } from '../kernel/gate';
import { primordials } from '../primordials';
import { governClass } from './code-eval-class';
import { governRealm } from './code-eval-realm';
import { lockProperty, shapeLike } from './lock';
import { checkGeneratedSourceMapReads } from './source-maps';

const { apply } = primordials;

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

/** Governs eval and the Function family of a new context; runs before any user code there. */
function governContext(context: vm.Context): vm.Context {
  const install = apply(originalRunInContext, vm, [realmPatch, context]) as typeof governRealm;
  install(checkCodeEval, checkGeneratedCode);
  return context;
}

function governedCreateContext(contextObject?: unknown, options?: unknown): vm.Context {
  const context = apply(originalCreateContext, vm, [contextObject, options]) as vm.Context;
  return governContext(context);
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

function guarded(original: Function, target: CodeEvalTarget): Function {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    checkCodeEval(target);
    return apply(original, this, args);
  };
  return shapeLike(wrapper, original);
}

function governVm(): void {
  const Script = vm.Script;
  const runInNewContext = vm.runInNewContext;
  const scriptRunInNewContext = Script.prototype.runInNewContext;
  const governedContextify = governedContextifyScript();
  lockProperty(vm, 'Script', governClass(Script, () => checkCodeEval('vm'), governedContextify));
  lockProperty(Script.prototype, 'runInNewContext', shapeLike(function (this: vm.Script, contextObject?: unknown, options?: unknown): unknown {
    return apply(scriptRunInNewContext, this, [newContextFor(contextObject, options), options]);
  }, scriptRunInNewContext));
  lockProperty(vm, 'runInNewContext', shapeLike(function (this: unknown, code: unknown, contextObject?: unknown, options?: unknown): unknown {
    checkCodeEval('vm');
    return apply(runInNewContext, this, [code, newContextFor(contextObject, options), options]);
  }, runInNewContext));
  lockProperty(vm, 'createContext', shapeLike(governedCreateContext, originalCreateContext));
  lockProperty(vm, 'createScript', guarded((vm as unknown as { createScript: Function }).createScript, 'vm')); // builds lib/vm's own Script, not the governed one
  lockProperty(vm, 'runInThisContext', guarded(vm.runInThisContext, 'vm'));
  lockProperty(vm, 'runInContext', guarded(originalRunInContext, 'vm'));
  lockProperty(vm, 'compileFunction', guarded(vm.compileFunction, 'vm'));
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
  lockProperty(vm, 'SourceTextModule', governClass(SourceTextModule, () => checkCodeEval('vm'), governedModule));
}

/**
 * vm.Script's parent class, the native ContextifyScript. It stays what Node's own code constructs;
 * the slot user code can reach (`Object.getPrototypeOf(vm.Script.prototype).constructor`) is governed.
 * (process.binding('contextify') itself is refused by the internals hooks.)
 */
function governedContextifyScript(): Function {
  return governClass(primordials.getPrototypeOf(vm.Script) as Function, () => checkCodeEval('vm'));
}

export function installCodeEvalHooks(): void {
  governVm();
  governRealm(checkCodeEval, checkGeneratedCode);
}
