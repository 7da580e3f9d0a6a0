// A project with a FORBIDDEN dir (denied for read and write by rule "no-forbidden"), an ALLOWED dir
// (writable by rule "work-dir") and everything else readable, at production level with default deny.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createProject, writeProjectFiles } from './governed-run';
import { hookApp } from './route-results';

export interface FsSandbox {
  dir: string;
  /** Denied for file_read and file_write by rule "no-forbidden". */
  F: string;
  /** Allowed for file_write by rule "work-dir". */
  A: string;
}

export function fsSandbox(apps: string[], extraRules: Record<string, unknown>[] = []): FsSandbox {
  const dir = createProject({ files: hookApp(...apps) });
  const F = join(dir, 'forbidden');
  const A = join(dir, 'allowed');
  mkdirSync(F);
  mkdirSync(A);
  writeProjectFiles(dir, {
    policy: {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'read-code', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'work-dir', action: 'file_write', target: [A, `${A}/**`], effect: 'allow' },
        { id: 'no-forbidden', action: ['file_read', 'file_write'], target: [F, `${F}/**`], effect: 'deny' },
        ...extraRules,
      ],
    },
  });
  return { dir, F, A };
}
