// Notices the rules changing by routes the fs hooks do not see (another process, native code): the
// contents of the rules files (rules-files.ts), and the config and level variables in this process's
// environment, which governed children would otherwise inherit. The variables are compared with their
// values at installation, the files with a snapshot taken once activation has finished (a file is
// re-read only when its stat changed). Each change is reported once.
import fs = require('node:fs');
import { LEVEL_ENV } from '../kernel/level';
import { readOwnFile } from '../own-fs';
import { primordials } from '../primordials';
import { CONFIG_ENV } from './child-governance';
import { rulesFiles } from './rules-files';
import type { Tamper } from './integrity-watch';

const { ArrayPrototypePush } = primordials;
const statSync = fs.statSync;
const bufferCompare = Buffer.compare;
const env = process.env;
const STAT_NO_THROW = { throwIfNoEntry: false } as const;
const VARIABLES = [CONFIG_ENV, LEVEL_ENV];

interface FileState {
  path: string;
  stamp: string;
  contents: Buffer | null;
  reported: boolean;
}

interface VariableState {
  name: string;
  value: string | undefined;
  reported: boolean;
}

export class RulesWatch {
  readonly #files: FileState[] = [];
  readonly #variables: VariableState[] = [];
  readonly #onChange: (tamper: Tamper) => void;
  #taken = false;

  constructor(onChange: (tamper: Tamper) => void) {
    this.#onChange = onChange;
    for (let i = 0; i < VARIABLES.length; i++) ArrayPrototypePush(this.#variables, { name: VARIABLES[i], value: env[VARIABLES[i]], reported: false });
  }

  /**
   * Takes the files' snapshot, once activation has finished (before that they are not known). Returns
   * whether it is taken.
   */
  snapshot(): boolean {
    if (this.#taken) return true;
    const files = rulesFiles();
    if (files.length === 0) return false;
    this.#taken = true;
    for (let i = 0; i < files.length; i++) ArrayPrototypePush(this.#files, { path: files[i], stamp: stampOf(files[i]), contents: contentsOf(files[i]), reported: false });
    return true;
  }

  check(): void {
    for (let i = 0; i < this.#variables.length; i++) this.#checkVariable(this.#variables[i]);
    if (!this.#taken) {
      this.snapshot();
      return;
    }
    for (let i = 0; i < this.#files.length; i++) this.#checkFile(this.#files[i]);
  }

  #checkFile(file: FileState): void {
    if (file.reported) return;
    const stamp = stampOf(file.path);
    if (stamp === file.stamp) return;
    file.stamp = stamp;
    const contents = contentsOf(file.path);
    if (contents !== null && file.contents !== null && bufferCompare(contents, file.contents) === 0) return;
    file.reported = true;
    this.#onChange({ label: file.path, detail: contents === null ? 'removed' : file.contents === null ? 'created' : 'contents changed' });
  }

  #checkVariable(variable: VariableState): void {
    if (variable.reported || env[variable.name] === variable.value) return;
    variable.reported = true;
    this.#onChange({ label: `process.env.${variable.name}`, detail: 'changed' });
  }
}

/** Inode, size and modification time, or `missing`. */
function stampOf(path: string): string {
  const savedLimit = primordials.quietErrors();
  try {
    const stats = statSync(path, STAT_NO_THROW);
    return stats === undefined ? 'missing' : `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  } catch {
    return 'missing';
  } finally {
    primordials.restoreErrors(savedLimit);
  }
}

function contentsOf(path: string): Buffer | null {
  const savedLimit = primordials.quietErrors();
  try {
    return readOwnFile(path);
  } catch {
    return null;
  } finally {
    primordials.restoreErrors(savedLimit);
  }
}
