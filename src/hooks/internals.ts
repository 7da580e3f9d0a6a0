// Governs routes into Node internals and the debugger: process.binding / _linkedBinding (raw bindings
// under every hook), the inspector (a code-evaluation channel with access to every closure),
// process._debugProcess and SIGUSR1 (both open the inspector, of this process or another), and v8.setFlagsFromString.
// Each is refused as `runtime_bypass`; writers of files (reports, heap snapshots, traces) and WASI are
// decided as the file actions they amount to in internals-diagnostics.ts; late activation governs the
// fs binding below the public functions (internals-late-fs.ts).
import os = require('node:os');
import v8 = require('node:v8');
import { isMainThread } from 'node:worker_threads';
import { kernelLevel } from '../kernel/gate';
import { blocks } from '../kernel/level';
import { primordials } from '../primordials';
import type { ActionKind } from '../types';
import { refuseBypass } from './internals-bypass';
import { installDiagnosticsHooks } from './internals-diagnostics';
import { installLateFsHooks, isLateActivation } from './internals-late-fs';
import { lockProperty, shapeLike } from './lock';

const { apply, setElement, ArrayPrototypeIncludes } = primordials;
const SIGUSR1 = os.constants.signals.SIGUSR1;
const pid = process.pid;

/** Bindings that only describe Node (constants, its own JavaScript sources, build configuration). */
const HARMLESS_BINDINGS = ['constants', 'natives', 'config'];

type Refusal = (args: unknown[]) => { action: ActionKind; target: string; route: string } | null;

function refusing(owner: Record<string, unknown>, name: string, refusal: Refusal): void {
  const original = owner[name];
  if (typeof original !== 'function') return;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const attempt = refusal(args);
    if (attempt !== null) {
      const denied = refuseBypass(attempt.action, attempt.target, attempt.route);
      if (denied !== null) throw denied;
    }
    return apply(original, this, args);
  };
  lockProperty(owner, name, shapeLike(wrapper, original));
}

// The name is converted once and handed to Node as that string: Node would convert an object itself, and its
// toString could name a harmless binding to this check and `fs` to Node (a bypass of every fs hook until 2026-11-22).
const bindingRefusal = (route: string): Refusal => (args) => {
  const name = `${args[0] as string}`;
  setElement(args, 0, name);
  if (route === 'process.binding' && ArrayPrototypeIncludes(HARMLESS_BINDINGS, name)) return null;
  return { action: 'module_load', target: `${route}:${name}`, route: `${route}('${name}')` };
};

/** Opening another process's inspector: a code-evaluation channel into it, governed or not. */
const inspectorOf = (target: unknown, route: string) => ({ action: 'code_eval' as const, target: `inspector:pid:${target as string}`, route });

const debugProcessRefusal: Refusal = (args) => inspectorOf(args[0], 'process._debugProcess');

/**
 * SIGUSR1 makes a Node process start its inspector on 127.0.0.1:9229: to this process (or its group) the target is
 * `inspector:SIGUSR1`, to another pid that process's inspector, as process._debugProcess (a child signalling its
 * parent opened the parent's inspector until 2026-11-22). Node's native kill converts the pid and the signal to
 * integers: converted once here and handed on, so that a valueOf cannot answer this check with one process and Node
 * with another.
 */
const killRefusal: Refusal = (args) => {
  const target = (args[0] as number) | 0;
  const signal = (args[1] as number) | 0;
  setElement(args, 0, target);
  setElement(args, 1, signal);
  if (signal !== SIGUSR1) return null;
  if (target !== pid && target > 0) return inspectorOf(target, `SIGUSR1 to pid ${target}`);
  return { action: 'code_eval', target: 'inspector:SIGUSR1', route: `SIGUSR1 to pid ${target}` };
};

/**
 * A child's Process handle: its `kill(signal)` is how ChildProcess#kill (and exec's timeout killSignal) signal that
 * child. SIGUSR1 there opens the child's inspector, decided like process.kill's; the signal is converted once.
 */
export function governChildSignals(handleProto: Record<string, unknown>): void {
  const original = handleProto.kill;
  if (typeof original !== 'function') return;
  const wrapper = function (this: { pid?: unknown }, signal: unknown): unknown {
    const number = (signal as number) | 0;
    if (number === SIGUSR1) {
      const child = this.pid;
      const denied = refuseBypass('code_eval', `inspector:pid:${child as string}`, `SIGUSR1 to child pid ${child as string}`);
      if (denied !== null) throw denied;
    }
    return apply(original, this, [number]);
  };
  lockProperty(handleProto, 'kill', shapeLike(wrapper, original as Function));
}

/**
 * Node's C++ handler opens the inspector on a SIGUSR1 from anyone, and an allowed program that is not Node (`kill -USR1
 * $PPID`) could send one, past every hook here (until 2026-11-23). A listener takes the signal from that handler for
 * good: libuv installs its own, and removing the listener restores the default action (the signal then ends the
 * process), never Node's handler. Development keeps Node's behaviour (attaching a debugger with `kill -USR1`).
 */
function holdInspectorSignal(): void {
  const level = kernelLevel();
  if (!isMainThread || level === null || !blocks(level)) return;
  process.on('SIGUSR1', () => {
    refuseBypass('code_eval', 'inspector:SIGUSR1', 'SIGUSR1 from another process');
  });
}

const flagsRefusal: Refusal = (args) => ({ action: 'code_eval', target: `v8-flags:${args[0] as string}`, route: 'v8.setFlagsFromString' });

function installInspectorHooks(): void {
  let inspector: Record<string, unknown>;
  try {
    inspector = require('node:inspector') as Record<string, unknown>;
  } catch {
    return; // built without the inspector
  }
  const session = (inspector.Session as { prototype: Record<string, unknown> }).prototype;
  const sessionRefusal: Refusal = () => ({ action: 'code_eval', target: 'inspector:session', route: 'an inspector session' });
  refusing(session, 'connect', sessionRefusal);
  refusing(session, 'connectToMainThread', sessionRefusal);
  refusing(inspector, 'open', (args) => {
    const port = args[0] === undefined ? 9229 : (args[0] as number);
    const host = args[1] === undefined ? '127.0.0.1' : (args[1] as string);
    return { action: 'net_listen', target: `inspector:${host}:${port}`, route: 'inspector.open' };
  });
}

export function installInternalsHooks(): void {
  const proc = process as unknown as Record<string, unknown>;
  if (isLateActivation()) installLateFsHooks(primordials.FunctionPrototypeBind(proc.binding as (name: string) => unknown, process));
  refusing(proc, 'binding', bindingRefusal('process.binding'));
  refusing(proc, '_linkedBinding', bindingRefusal('process._linkedBinding'));
  refusing(proc, '_debugProcess', debugProcessRefusal);
  refusing(proc, '_kill', killRefusal);
  refusing(v8 as unknown as Record<string, unknown>, 'setFlagsFromString', flagsRefusal);
  installInspectorHooks();
  holdInspectorSignal();
  installDiagnosticsHooks();
}
