// A temporary folder for one test file, removed after its tests, and a writer of files into it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from './temp-dirs';

export interface ScratchFiles {
  root: string;
  /** Writes `content` to `name` (relative to root, folders created); returns the file's path. */
  write(name: string, content: string): string;
}

export function scratchFiles(prefix: string): ScratchFiles {
  const root = tempDir(prefix);
  return {
    root,
    write(name, content) {
      const file = join(root, name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
  };
}
