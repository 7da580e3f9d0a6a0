// node:sqlite opens files from C++ (Node ≥22.13): the database itself, files its SQL attaches or vacuums into,
// a temporary-files directory, a backup's destination, an extension's shared object. Under a production policy
// that denies writes to out/, reads of secret/ and native addons, every road must be refused, leave no file,
// and be in the audit log; in-memory databases and allowed files keep working.
import { existsSync, readdirSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createProject, describeEachModeIf, governedRun, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const sqlite = require('node:sqlite'), path = require('node:path');
const { DatabaseSync } = sqlite;
const out = (name) => path.join(process.cwd(), 'out', name);
const results = {};
async function attempt(label, fn) {
  try { const value = await fn(); results[label] = { outcome: 'done', value: value === undefined ? null : value }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
const memory = new DatabaseSync(':memory:');
(async () => {
  await attempt('open a database file', () => { new DatabaseSync(out('open.db')).close(); });
  await attempt('open a file: URI', () => { new DatabaseSync('file:' + out('uri.db') + '?mode=rwc').close(); });
  await attempt('open a URI whose query only looks like memory', () => { new DatabaseSync('file:' + out('trick.db') + '?xmode=memory').close(); });
  await attempt('open a URL object', () => { new DatabaseSync(new URL('file://' + out('url.db'))).close(); });
  await attempt('open a Buffer path', () => { new DatabaseSync(Buffer.from(out('buffer.db'))).close(); });
  await attempt('the constructor reached through an instance', () => { new (Object.getPrototypeOf(memory).constructor)(out('proto.db')).close(); });
  await attempt('a subclass', () => { class Sub extends DatabaseSync {} new Sub(out('sub.db')).close(); });
  await attempt('process.getBuiltinModule', () => { new (process.getBuiltinModule('node:sqlite').DatabaseSync)(out('builtin.db')).close(); });
  await attempt('ESM import', async () => { const { DatabaseSync: D } = await import('node:sqlite'); new D(out('esm.db')).close(); });
  await attempt('ATTACH a file', () => memory.exec("ATTACH DATABASE '" + out('attach.db') + "' AS a1"));
  await attempt('ATTACH hidden by comments and case', () => memory.exec("/* x */ attach/**/'" + out('comment.db') + "'as a2"));
  await attempt('ATTACH an expression', () => memory.exec("ATTACH '" + out('') + "' || 'expr.db' AS a3"));
  await attempt('ATTACH a bound parameter', () => memory.prepare('ATTACH ? AS a4').run(out('param.db')));
  await attempt('ATTACH through a tag store', () => { if (typeof memory.createTagStore !== 'function') throw Object.assign(new Error('absent'), { code: 'ABSENT' }); const strings = ['ATTACH ', ' AS a5']; return memory.createTagStore().run(Object.assign(strings, { raw: strings }), out('tag.db')); });
  await attempt('ATTACH through a tag store index getter', () => {
    if (typeof memory.createTagStore !== 'function') throw Object.assign(new Error('absent'), { code: 'ABSENT' });
    let reads = 0;
    const strings = ['SELECT 1'];
    // SELECT to the first read (the check's), ATTACH to every later one (SQLite's, had it read again).
    Object.defineProperty(strings, 0, { get: () => (reads++ === 0 ? 'SELECT 1' : "ATTACH '" + out('getter.db') + "' AS a6") });
    memory.createTagStore().run(strings);
    return reads;
  });
  await attempt('VACUUM INTO', () => memory.exec("VACUUM INTO 'file:" + out('vacuum.db') + "'"));
  await attempt('PRAGMA temp_store_directory', () => memory.exec("PRAGMA temp_store_directory = '" + path.join(process.cwd(), 'out') + "'"));
  await attempt('backup()', () => sqlite.backup(memory, out('backup.db')));
  await attempt('loadExtension', () => { const db = new DatabaseSync(':memory:', { allowExtension: true }); db.loadExtension(path.join(process.cwd(), 'ext', 'evil')); });
  await attempt('read a denied file read-only', () => { new DatabaseSync(path.join(process.cwd(), 'secret', 'data.db'), { readOnly: true }).close(); });
  await attempt('write the audit database', () => { new DatabaseSync(path.join(process.cwd(), '.governance', 'audit.db')).close(); });
  // SQLite decodes each %HH of a URI path and keeps any other '%': an escape decodeURIComponent rejects (%zz) must not
  // leave the %2E%2E after it undecoded in the check. No ok/ directory exists: SQLite folds '..' itself.
  await attempt('open a URI with an escape only SQLite decodes around', () => { new DatabaseSync('file:ok/%zz/%2E%2E/%2E%2E/out/escape.db').close(); });
  await attempt('write the audit database through a URI escape', () => { new DatabaseSync('file:ok/%zz/%2E%2E/%2E%2E/.governance/audit.db').close(); });
  await attempt('ATTACH a URI with an escape only SQLite decodes around', () => memory.exec("ATTACH 'file:ok/%zz/%2E%2E/%2E%2E/out/attach-escape.db' AS a7"));
  await attempt('open a URI whose bytes are not UTF-8', () => { new DatabaseSync('file:ok/%FF/%2E%2E/%2E%2E/out/not-utf8.db').close(); });
  await attempt('an inherited readOnly that answers true only once', () => {
    let reads = 0;
    Object.defineProperty(Object.prototype, 'readOnly', { configurable: true, get: () => ++reads === 1 });
    try { new DatabaseSync(out('inherited.db'), {}).close(); } finally { delete Object.prototype.readOnly; }
  });
  // Decided in sub/, opened (open: false, then open()) after a chdir into out/: SQLite resolves a relative name then.
  for (const [label, name] of [['a relative name opened after a chdir', 'late.db'], ['a relative file: URI opened after a chdir', 'file:late-uri.db']]) {
    await attempt(label, () => {
      const here = process.cwd();
      process.chdir(path.join(here, 'sub'));
      const db = new DatabaseSync(name, { open: false });
      process.chdir(path.join(here, 'out'));
      try { db.open(); db.exec('CREATE TABLE t(x)'); db.close(); } finally { process.chdir(here); }
      return 'opened';
    });
  }
  await attempt('allowed in-memory work', () => { const db = new DatabaseSync(':memory:'); db.exec('CREATE TABLE attach(x); INSERT INTO attach VALUES (1)'); return db.prepare('SELECT count(*) AS n FROM attach').get().n; });
  await attempt('allowed database file', () => { const db = new DatabaseSync('ok.db'); db.exec('CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (1)'); const n = db.prepare('SELECT count(*) AS n FROM t').get().n; db.close(); return n; });
  await attempt('allowed ATTACH', () => { memory.exec("ATTACH 'ok-attached.db' AS ok"); return 'attached'; });
  await attempt('allowed URI with escapes', () => { new DatabaseSync('file:ok-%zz-%C3%A9.db').close(); return 'opened'; });
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

interface Outcome {
  outcome: string;
  code?: string;
  value?: unknown;
  message?: string;
}

// label → [decided action, target relative to the project ('' when it is sqlite:<statement>), expected file]
const DENIED: Record<string, [string, string]> = {
  'open a database file': ['file_write', 'out/open.db'],
  'open a file: URI': ['file_write', 'out/uri.db'],
  'open a URI whose query only looks like memory': ['file_write', 'out/trick.db'],
  'open a URL object': ['file_write', 'out/url.db'],
  'open a Buffer path': ['file_write', 'out/buffer.db'],
  'the constructor reached through an instance': ['file_write', 'out/proto.db'],
  'a subclass': ['file_write', 'out/sub.db'],
  'process.getBuiltinModule': ['file_write', 'out/builtin.db'],
  'ESM import': ['file_write', 'out/esm.db'],
  'ATTACH a file': ['file_write', 'out/attach.db'],
  'ATTACH hidden by comments and case': ['file_write', 'out/comment.db'],
  'ATTACH an expression': ['file_write', 'sqlite:ATTACH'],
  'ATTACH a bound parameter': ['file_write', 'sqlite:ATTACH'],
  'ATTACH through a tag store': ['file_write', 'sqlite:ATTACH'],
  'VACUUM INTO': ['file_write', 'out/vacuum.db'],
  'PRAGMA temp_store_directory': ['file_write', 'out'],
  'backup()': ['file_write', 'out/backup.db'],
  loadExtension: ['native_addon', 'ext/evil'],
  'read a denied file read-only': ['file_read', 'secret/data.db'],
  'write the audit database': ['file_write', '.governance/audit.db'],
  'an inherited readOnly that answers true only once': ['file_write', 'out/inherited.db'],
  'open a URI with an escape only SQLite decodes around': ['file_write', 'out/escape.db'],
  'write the audit database through a URI escape': ['file_write', '.governance/audit.db'],
  'ATTACH a URI with an escape only SQLite decodes around': ['file_write', 'out/attach-escape.db'],
  'open a URI whose bytes are not UTF-8': ['file_write', 'out/not-utf8.db'],
};

describeEachModeIf(isBuiltin('node:sqlite'), 'node:sqlite under a production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'out/.keep': '', 'sub/.keep': '', 'secret/data.db': '', 'ext/.keep': '' } });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: {
      level: 'production',
      default: 'allow',
      rules: [
        { id: 'no-out', action: 'file_write', target: `${dir}/out/**`, effect: 'deny' },
        { id: 'no-secret', action: 'file_read', target: `${dir}/secret/**`, effect: 'deny' },
        { id: 'no-addons', action: 'native_addon', target: `${dir}/ext/**`, effect: 'deny' },
      ],
    },
  });
  const outcomes = run.status === 0 ? routeResults<Record<string, Outcome>>(run) : {};
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.entries(DENIED))('%s is refused as %j', (label, [action, relative]) => {
    const outcome = outcomes[label];
    if (outcome?.code === 'ABSENT') return; // no tag stores on this Node line
    const target = relative.startsWith('sqlite:') ? relative : join(dir, relative);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcome.message).toContain(`${action}:${target}`);
    expect(entries.some((e) => e.action === action && e.target === target && e.decision === 'deny')).toBe(true);
  });

  it('a tag store runs the template it decided: an index getter is read once, and its ATTACH never runs', () => {
    const outcome = outcomes['ATTACH through a tag store index getter'];
    if (outcome?.code === 'ABSENT') return;
    expect(outcome).toEqual({ outcome: 'done', value: 1 });
    expect(existsSync(join(dir, 'out', 'getter.db'))).toBe(false);
  });

  it('a name whose decoded bytes are not UTF-8 is refused as runtime_bypass', () => {
    expect(outcomes['open a URI whose bytes are not UTF-8']?.message).toContain('runtime_bypass');
  });

  it('a relative name is opened where it was decided, whatever the directory is when open() runs', () => {
    expect(outcomes['a relative name opened after a chdir']).toEqual({ outcome: 'done', value: 'opened' });
    expect(outcomes['a relative file: URI opened after a chdir']).toEqual({ outcome: 'done', value: 'opened' });
    expect(existsSync(join(dir, 'sub', 'late.db'))).toBe(true);
    expect(existsSync(join(dir, 'sub', 'late-uri.db'))).toBe(true);
  });

  it('no denied file was created', () => {
    expect(readdirSync(join(dir, 'out'))).toEqual(['.keep']);
  });

  it('positive controls: in-memory databases, allowed files and an allowed ATTACH work', () => {
    expect(outcomes['allowed in-memory work']).toEqual({ outcome: 'done', value: 1 });
    expect(outcomes['allowed database file']).toEqual({ outcome: 'done', value: 1 });
    expect(outcomes['allowed ATTACH']).toEqual({ outcome: 'done', value: 'attached' });
    expect(existsSync(join(dir, 'ok-attached.db'))).toBe(true);
    expect(outcomes['allowed URI with escapes']).toEqual({ outcome: 'done', value: 'opened' });
    expect(existsSync(join(dir, 'ok-%zz-é.db'))).toBe(true);
    expect(entries.some((e) => e.action === 'file_write' && e.target === join(dir, 'ok.db') && e.decision === 'allow')).toBe(true);
  });
});
