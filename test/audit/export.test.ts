// Export bundles: verified without the database, by the standalone script copied away from the library.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportAuditLog } from '../../src/audit/export';
import { verifyExportFile } from '../../src/audit/verify-export';
import { cleanup, makeLog, tempDir } from './helpers';

afterAll(cleanup);
const DIST = resolve(__dirname, '..', '..', 'dist', 'src');
/** The files the standalone verifier needs, relative to dist/src. */
const STANDALONE = ['audit/verify-export.js', 'audit/verify-core.js', 'audit/export-format.js', 'audit/encoding.js', 'audit/hash.js', 'audit/merkle.js', 'audit/redaction.js', 'crypto/sign.js', 'crypto/keys.js', 'crypto/certificate.js'];

function bundle(entries = 40): { file: string; pub: string } {
  const log = makeLog({ entries });
  const file = join(log.dir, 'bundle.ndjson');
  exportAuditLog(log.dbPath, file, [{ keyId: 'x', pem: readFileSync(log.pub, 'utf8') }]);
  return { file, pub: readFileSync(log.pub, 'utf8') };
}

describe('export bundles', () => {
  it('verify with the pinned key; a key inside the bundle is not trusted', () => {
    const { file, pub } = bundle();
    expect(verifyExportFile(file, { trustedKeys: [pub] })).toMatchObject({ valid: true, entries: 40, checkpoints: 4, issues: [] });
    expect(verifyExportFile(file, { trustedKeys: [] }).issues.map((i) => i.code)).toEqual(['NO_TRUSTED_KEY']);
  });

  it('catch an edited body, a dropped entry and a dropped checkpoint', () => {
    const { file, pub } = bundle();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const edit = (fn: (l: string[]) => string[]): string => {
      const out = join(tempDir(), 'b.ndjson');
      writeFileSync(out, fn([...lines]).join('\n') + '\n');
      return out;
    };
    const entryLine = (seq: number): number => lines.findIndex((l) => l.startsWith(`{"type":"entry","seq":${seq},`));
    const edited = edit((l) => { l[entryLine(12)] = l[entryLine(12)].replace('file-0012', 'file-9999'); return l; });
    expect(verifyExportFile(edited, { trustedKeys: [pub] }).issues[0]).toMatchObject({ code: 'CHAIN_BREAK', seq: 13 });
    const dropped = edit((l) => { l.splice(entryLine(20), 1); return l; });
    expect(verifyExportFile(dropped, { trustedKeys: [pub] }).issues[0]).toMatchObject({ code: 'SEQ_GAP', seq: 20 });
    const noCheckpoint = edit((l) => l.filter((x, i) => !(x.startsWith('{"type":"checkpoint"') && i === lines.findIndex((y) => y.startsWith('{"type":"checkpoint"')) + 1)));
    expect(verifyExportFile(noCheckpoint, { trustedKeys: [pub] }).valid).toBe(false);
  });

  it('run with Node alone: the standalone files copied to an empty directory, no node_modules, no database', () => {
    if (!existsSync(join(DIST, STANDALONE[0]))) throw new Error('run `npm run build` first');
    const { file, pub } = bundle();
    const dir = tempDir();
    for (const f of STANDALONE) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      copyFileSync(join(DIST, f), join(dir, f));
    }
    const pubFile = join(dir, 'pub.pem');
    writeFileSync(pubFile, pub);
    const run = spawnSync(process.execPath, [join(dir, 'audit', 'verify-export.js'), file, '--trusted-key', pubFile], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: true, entries: 40 });
    expect(run.status).toBe(0);
  });
});
