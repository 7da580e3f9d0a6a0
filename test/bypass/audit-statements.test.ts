// The audit log's SQLite driver as the program can reach it (production policy, three launch modes). The driver's
// module stays in require.cache, so a program that takes it from there reaches the very Statement prototype the
// in-process writer uses (until its thread starts, after 4096 entries). Until 2026-11-23 the writer called `run`
// and `get` through that prototype, inside the transaction wrapper of the driver, and row objects were filled by
// assignment: a program's `run` (or an Object.prototype setter for a column name) ran inside every durable denial,
// where the kernel lets calls through as governance's own, and a write it made to a denied directory went through;
// a `run` that did nothing dropped the denials from the log. Each denial must now be written, the directory empty.
// Likewise a toJSON getter on Object.prototype, read by JSON.stringify of an entry body that needs escaping (until
// 2026-11-23: the body object had a prototype), and a replaced RegExp.prototype.exec, which the captured
// RegExp.prototype.test the writer checked each body field with calls.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const [variant] = process.argv.slice(2);
const D = path.join(__dirname, 'denied'), OK = path.join(__dirname, 'ok');
const key = Object.keys(require.cache).find((k) => /better-sqlite3(-napi)?[\\/]lib[\\/]index\.js$/.test(k));
let Database = require.cache[key].exports;
if (typeof Database !== 'function') Database = Database.default || Database.Database;
const Statement = Object.getPrototypeOf(new Database(':memory:').prepare('select 1'));
let inside = false;
const evil = () => { if (inside) return; inside = true; try { fs.writeFileSync(path.join(D, variant), 'x'); } catch {} finally { inside = false; } };
const run = Statement.run, get = Statement.get;
if (variant === 'run') Statement.run = function () { evil(); return run.apply(this, arguments); };
if (variant === 'get') Statement.get = function () { evil(); return get.apply(this, arguments); };
if (variant === 'noop') Statement.run = function () { return { changes: 1, lastInsertRowid: 0 }; };
if (variant === 'setter') Object.defineProperty(Object.prototype, 'seq', { configurable: true, set(v) { evil(); Object.defineProperty(this, 'seq', { value: v, writable: true, enumerable: true, configurable: true }); }, get() { return undefined; } });
// A toJSON getter on Object.prototype: JSON.stringify of an entry body that needs escaping (a non-ASCII name) ran it.
if (variant.startsWith('tojson')) Object.defineProperty(Object.prototype, 'toJSON', { configurable: true, get() { evil(); return undefined; } });
// RegExp.prototype.exec, which RegExp.prototype.test calls: the writer tested each body field with a captured test.
const exec = RegExp.prototype.exec;
if (variant === 'exec') RegExp.prototype.exec = function () { evil(); return exec.apply(this, arguments); };
let trigger;
try { fs.writeFileSync(path.join(D, 'trigger-' + variant), 'x'); trigger = 'written'; } catch (e) { trigger = e && e.code; }
Statement.run = run; Statement.get = get; delete Object.prototype.seq; delete Object.prototype.toJSON; RegExp.prototype.exec = exec;
let allowed;
try { fs.writeFileSync(path.join(OK, 'after'), 'x'); allowed = 'written'; } catch (e) { allowed = e && e.code; }
process.stdout.write('RESULTS ' + JSON.stringify({ trigger, allowed }) + '\n');
`;

describe.each(LAUNCH_MODES)('the audit driver reached through require.cache (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'denied/.keep': '', 'ok/.keep': '' } });
  const policy = writeOnlyInOkPolicy(dir, { readActions: ['native_addon'] });
  afterAll(() => removeProject(dir));

  it.each(['run', 'get', 'noop', 'setter', 'tojson-\u00fc', 'exec'])('a program %s: nothing written, the denial recorded', (variant) => {
    const run = governedRun({ dir, mode, entry: 'app.cjs', policy, args: [variant] });
    expect(run.status, run.stderr).toBe(0);
    const results = routeResults<{ trigger: string; allowed: string }>(run);
    expect(results.trigger).toBe('EGOVDENIED');
    expect(readdirSync(join(dir, 'denied'))).toEqual(['.keep']);
    expect(run.entries().some((e) => e.target === join(dir, 'denied', `trigger-${variant}`) && e.decision === 'deny')).toBe(true);
    // Positive control: allowed work goes on and is logged.
    expect(results.allowed).toBe('written');
  });
});
