// Without a reachable spawn_sync binding, spawnSync/execSync/execFileSync still decide (from their
// arguments, as Node normalises them) and report the denial the way Node reports a failed spawn.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const preload = join(__dirname, '..', '..', 'dist', 'register.js');

it('governs sync spawns through the public wrappers when the binding is unreachable', () => {
  const marker = join(mkdtempSync(join(tmpdir(), 'sync-fallback-')), 'marker');
  const out = JSON.parse(execFileSync(process.execPath, [join(__dirname, 'scripts', 'sync-fallback-probe.cjs'), marker], { encoding: 'utf8' }));
  expect(out).toEqual({
    spawnSync: 'EGOVDENIED',
    spawnSyncShell: 'EGOVDENIED',
    execSync: 'EGOVDENIED',
    execSyncPathEnv: 'EGOVDENIED',
    execFileSync: 'EGOVDENIED',
    allowedExecSync: 'ok',
    allowedSpawnSync: 'ok',
    nodeChild: [`--require "${preload}"`, ['--require', preload, '-p', 'JSON.stringify([process.env.NODE_OPTIONS, process.execArgv])']],
    inspectChild: 'EGOVDENIED',
  });
  expect(existsSync(marker)).toBe(false);
});
