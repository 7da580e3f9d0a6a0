// Without a reachable spawn_sync binding, spawnSync/execSync/execFileSync still decide (from their
// arguments, as Node normalises them) and report the denial the way Node reports a failed spawn.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dirs';

const preload = join(__dirname, '..', '..', 'dist', 'register.js');
const disableSigusr1 = process.allowedNodeEnvironmentFlags.has('--disable-sigusr1') ? ['--disable-sigusr1'] : [];

it('governs sync spawns through the public wrappers when the binding is unreachable', () => {
  const marker = join(tempDir('sync-fallback-'), 'marker');
  const out = JSON.parse(execFileSync(process.execPath, [join(__dirname, 'scripts', 'sync-fallback-probe.cjs'), marker], { encoding: 'utf8' }));
  expect(out).toEqual({
    spawnSync: 'EGOVDENIED',
    spawnSyncShell: 'EGOVDENIED',
    execSync: 'EGOVDENIED',
    execSyncPathEnv: 'EGOVDENIED',
    execFileSync: 'EGOVDENIED',
    allowedExecSync: 'ok',
    allowedSpawnSync: 'ok',
    // A node child of this binary starts with Node's SIGUSR1 handler off where Node has the flag (22.14+).
    nodeChild: [`--require "${preload}"`, ['--require', preload, ...disableSigusr1, '-p', 'JSON.stringify([process.env.NODE_OPTIONS, process.execArgv])']],
    inspectChild: 'EGOVDENIED',
  });
  expect(existsSync(marker)).toBe(false);
});

describe('a program that poisoned the prototypes first, on the fallback path', () => {
  const probe = join(__dirname, 'scripts', 'sync-fallback-tamper-probe.cjs');
  const run = (attack: string, marker: string) => JSON.parse(execFileSync(process.execPath, [probe, attack, marker], { encoding: 'utf8' }));
  const freshMarker = () => join(tempDir('sync-fallback-tamper-'), 'marker');

  it('cannot swap the checked arguments and options through index setters on Array.prototype', () => {
    const marker = freshMarker();
    expect(run('argumentSlots', marker)).toBe(0); // `echo` ran, with the arguments that were checked
    expect(existsSync(marker)).toBe(false);
  });

  it('cannot show Node an inherited `shell` the check did not see', () => {
    const marker = freshMarker();
    expect(run('inheritedShell', marker)).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it.each(['urlCwd', 'bufferCwd'])('%s: a directory Node converts itself is decided as the path Node runs in', (attack) => {
    const marker = freshMarker();
    expect(run(attack, marker)).toBe('EGOVDENIED');
    expect(existsSync(marker)).toBe(false);
  });

  it('cannot drop the preload from a node child through a setter for `env` on Object.prototype', () => {
    const [nodeOptions, execArgv] = JSON.parse(run('inheritedEnv', freshMarker()));
    expect(nodeOptions).toBe(`--require "${preload}"`);
    expect(execArgv.slice(0, 2)).toEqual(['--require', preload]);
  });
});
