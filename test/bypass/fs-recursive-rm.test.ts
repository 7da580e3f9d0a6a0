// A recursive rm decides every path it would remove, before anything is removed, on every Node line
// (Node 24+ removes the tree in C++, so deciding only the top path would let a narrower deny rule inside
// it go unenforced). Each denied removal leaves the whole tree in place and names the denied entry in
// the audit log; a symlink inside an allowed tree is removed, never followed; an allowed tree is removed
// completely and each of its entries is decided exactly once.
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeProjectFiles } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path'), { pathToFileURL } = require('node:url');
const work = path.join(process.cwd(), 'work');
const tree = (label) => path.join(work, label);
const results = {};
const settle = (label, fn) => new Promise((resolve) => {
  const done = (e) => { results[label] = e ? { error: e.code, message: String(e.message) } : { removed: !fs.existsSync(tree(label)) }; resolve(); };
  try { const r = fn(tree(label), done); if (r && typeof r.then === 'function') r.then(() => done(), done); else if (fn.length < 2) done(); }
  catch (e) { done(e); }
});
(async () => {
  await settle('rmSync', (p) => fs.rmSync(p, { recursive: true }));
  await settle('rmSync force', (p) => fs.rmSync(p, { recursive: true, force: true }));
  await settle('rm callback', (p, cb) => fs.rm(p, { recursive: true }, (e) => cb(e)));
  await settle('promises.rm', (p) => fs.promises.rm(p, { recursive: true }));
  await settle('rmSync trailing slash', (p) => fs.rmSync(p + '/', { recursive: true }));
  await settle('rmSync Buffer path', (p) => fs.rmSync(Buffer.from(p), { recursive: true }));
  await settle('rmSync file URL', (p) => fs.rmSync(pathToFileURL(p), { recursive: true }));
  await settle('rmSync relative path', (p) => fs.rmSync(path.relative(process.cwd(), p), { recursive: true }));
  await settle('rmSync options getter', (p) => { let reads = 0; return fs.rmSync(p, { get recursive() { return reads++ > 0; } }); });
  await settle('allowed rmSync', (p) => fs.rmSync(p, { recursive: true }));
  await settle('allowed promises.rm', (p) => fs.promises.rm(p, { recursive: true }));
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const DENIED = ['rmSync', 'rmSync force', 'rm callback', 'promises.rm', 'rmSync trailing slash', 'rmSync Buffer path', 'rmSync file URL', 'rmSync relative path'];
/** `recursive` reads false when governance looks and true afterwards: Node must get the value that was checked. */
const GETTER = 'rmSync options getter';
const ALLOWED = ['allowed rmSync', 'allowed promises.rm'];
/** Entries of each tree, relative to it (the protected one only in the denied trees). */
const COMMON = ['a.txt', 'sub', 'sub/b.txt', 'sub/deeper', 'sub/deeper/c.txt'];
const PROTECTED = 'sub/deeper/keep/secret.txt';

function prepare(): string {
  const dir = createProject({ files: { 'app.cjs': APP, 'outside/keep/precious.txt': 'precious' } });
  for (const label of [...DENIED, GETTER, ...ALLOWED]) {
    const root = join(dir, 'work', label);
    mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(root, 'a.txt'), 'a');
    writeFileSync(join(root, 'sub', 'b.txt'), 'b');
    writeFileSync(join(root, 'sub', 'deeper', 'c.txt'), 'c');
    if (label !== 'allowed rmSync' && label !== 'allowed promises.rm') {
      mkdirSync(join(root, 'sub', 'deeper', 'keep'));
      writeFileSync(join(root, PROTECTED), 'secret');
    } else {
      symlinkSync(join(dir, 'outside'), join(root, 'sub', 'link'));
    }
  }
  writeProjectFiles(dir, {
    policy: {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'work', action: 'file_write', target: `${dir}/work/**`, effect: 'allow' },
        { id: 'keep', action: 'file_write', target: ['**/keep', '**/keep/**'], effect: 'deny' },
      ],
    },
  });
  return dir;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('recursive rm decides the whole tree first (%s)', (mode) => {
  const dir = prepare();
  dirs.push(dir);
  const run = governedRun({ dir, mode, entry: 'app.cjs' });
  const results = printedResults<Record<string, { error?: string; message?: string; removed?: boolean }>>(run);
  const entries = run.entries();

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(Object.keys(results).sort()).toEqual([...DENIED, GETTER, ...ALLOWED].sort());
  });

  it.each(DENIED)('%s: denied, nothing removed, the protected entry named', (label) => {
    const root = join(dir, 'work', label);
    expect(results[label].error, JSON.stringify(results[label])).toBe('EGOVDENIED');
    expect(results[label].message).toContain(`file_write:${root}/sub/deeper/keep`);
    for (const entry of [...COMMON, PROTECTED]) expect(existsSync(join(root, entry)), entry).toBe(true);
    expect(entries.some((e) => e.decision === 'deny' && e.action === 'file_write' && e.target === `${root}/sub/deeper/keep`)).toBe(true);
  });

  it('a recursive flag that changes after the check is not seen by Node: nothing removed', () => {
    const root = join(dir, 'work', GETTER);
    expect(results[GETTER].error, JSON.stringify(results[GETTER])).toBe('ERR_FS_EISDIR');
    for (const entry of [...COMMON, PROTECTED]) expect(existsSync(join(root, entry)), entry).toBe(true);
  });

  it.each(ALLOWED)('%s: removed, the symlink inside removed without following it (positive control)', (label) => {
    expect(results[label]).toEqual({ removed: true });
    expect(readdirSync(join(dir, 'outside', 'keep'))).toEqual(['precious.txt']);
  });

  it('each entry of an allowed synchronous removal is decided exactly once', () => {
    const root = join(dir, 'work', 'allowed rmSync');
    const decided = entries.filter((e) => e.action === 'file_write' && (e.target === root || e.target.startsWith(`${root}/`)));
    expect(decided.map((e) => e.target).sort()).toEqual([root, ...[...COMMON, 'sub/link'].map((entry) => `${root}/${entry}`)].sort());
    expect(decided.every((e) => e.decision === 'allow')).toBe(true);
  });
});
