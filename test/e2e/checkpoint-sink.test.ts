// Checkpoint sinks under governance (production policy, three launch modes). A durable denial commits at once,
// inside its decision, and with `checkpointEvery: 1` signs a checkpoint there and hands it to the sink. Since the
// kernel refuses governed calls made while it decides (2026-11-23), the sink must be written with governance's own
// functions: every checkpoint in the log must reach the file sink and the command sink, with no internal error.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from '../../src/audit/sqlite';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
fs.writeFileSync(path.join(__dirname, 'out', 'ok.txt'), 'x');
for (let i = 0; i < 3; i++) { try { fs.writeFileSync(path.join(__dirname, 'denied-' + i), 'x'); } catch {} }
`;

function checkpointBodies(dir: string): string[] {
  const db = new Database(join(dir, '.governance', 'audit.db'), { readonly: true });
  try {
    return db.prepare('SELECT body FROM checkpoints ORDER BY n').pluck().all() as string[];
  } finally {
    db.close();
  }
}

function sinkBodies(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { body: string }).body);
}

const SINKS = [
  { name: 'file', sink: 'sink.ndjson' },
  { name: 'command', sink: { command: 'cat >> command-sink.ndjson' } },
] as const;

describe.each(LAUNCH_MODES)('checkpoint sinks under a production policy (%s)', (mode) => {
  describe.each(SINKS)('a $name sink', ({ name, sink }) => {
    const dir = createProject({ files: { 'app.cjs': APP, 'out/.keep': '' } });
    const policy = {
      level: 'production',
      default: 'deny',
      audit: { checkpointEvery: 1, checkpointSink: sink },
      rules: [
        { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'out', action: 'file_write', target: `${dir}/out/**`, effect: 'allow' },
        { id: 'sink', action: 'process_spawn', target: '**', effect: 'allow' },
      ],
    };
    const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
    afterAll(() => removeProject(dir));

    it('ran with no internal error', () => {
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    });

    it('the denials are in the log', () => {
      expect(run.entries().filter((e) => e.action === 'file_write' && e.decision === 'deny')).toHaveLength(3);
    });

    it('every checkpoint of the log reached the sink, in order', () => {
      const inLog = checkpointBodies(dir);
      expect(inLog.length).toBeGreaterThanOrEqual(3);
      expect(sinkBodies(join(dir, name === 'file' ? 'sink.ndjson' : 'command-sink.ndjson'))).toEqual(inLog);
    });
  });
});

// Node's spawnSync assigns `input` and `signal` to objects it builds, so a setter the program put on Object.prototype
// runs while governance delivers a checkpoint to a command sink. Only the sink's own command line is let through
// undecided (src/kernel/own-work.ts): what the setter does is still decided, and refused.
const SETTER_APP = String.raw`
const fs = require('node:fs'), path = require('node:path'), cp = require('node:child_process');
const outcomes = [];
let inside = false;
for (const key of ['input', 'signal']) {
  Object.defineProperty(Object.prototype, key, {
    configurable: true,
    get() { return undefined; },
    set(value) {
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
      if (inside) return;
      inside = true;
      try { fs.writeFileSync(path.join(__dirname, 'from-setter'), 'x'); outcomes.push('written'); } catch (e) { outcomes.push(e.code); }
      try { cp.execFileSync('/bin/touch', [path.join(__dirname, 'from-spawn')]); outcomes.push('spawned'); } catch (e) { outcomes.push(e.code); }
      inside = false;
    },
  });
}
for (let i = 0; i < 3; i++) { try { fs.writeFileSync(path.join(__dirname, 'denied-' + i), 'x'); } catch {} }
delete Object.prototype.input; delete Object.prototype.signal;
process.stdout.write('RESULTS ' + JSON.stringify({ outcomes }) + '\n');
`;

describe.each(LAUNCH_MODES)('a command sink with program setters on Object.prototype (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': SETTER_APP } });
  const policy = {
    level: 'production',
    default: 'deny',
    audit: { checkpointEvery: 1, checkpointSink: { command: 'cat >> command-sink.ndjson' } },
    rules: [{ id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' }],
  };
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const outcomes = run.status === 0 ? routeResults<{ outcomes: string[] }>(run).outcomes : [];
  afterAll(() => removeProject(dir));

  it('the setter ran during a delivery, and what it tried was refused', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.every((o) => o === 'EGOVDENIED')).toBe(true);
    expect(existsSync(join(dir, 'from-setter'))).toBe(false);
    expect(existsSync(join(dir, 'from-spawn'))).toBe(false);
  });

  it('the sink still received every checkpoint', () => {
    expect(sinkBodies(join(dir, 'command-sink.ndjson'))).toEqual(checkpointBodies(dir));
  });
});
