// Which arguments of each fs API are paths, and what each path is used for. One table serves the
// callback form (`name`), the sync form (`nameSync`) and the promise form (`fs.promises[name]`).
import { constants } from 'node:fs';

export const READ = 1;
export const WRITE = 2;
/** With READ: the path is read as a whole tree (a recursive copy). */
export const TREE = 4;

/** How a path argument's kinds are decided. */
export type PathUse =
  | 'read' // file_read
  | 'readTree' // file_read of the path and, if a directory, everything below it
  | 'write' // file_write
  | 'open' // from the flags argument at `flagsAt` (default 'r')
  | 'fileRead' // readFile: 'r' unless options.flag says otherwise; fd / FileHandle pass
  | 'fileWrite' // writeFile: 'w' unless options.flag says otherwise; fd / FileHandle pass
  | 'fileAppend' // appendFile: 'a' unless options.flag says otherwise; fd / FileHandle pass
  | 'linkTarget'; // symlink's target text: read, resolved from the new path's directory

export interface PathRole {
  readonly at: number;
  readonly use: PathUse;
  /** false: act on a symlink itself rather than what it points to (lstat, unlink, rename...). */
  readonly follow: boolean;
  /** For 'open': index of the flags argument. For file*: index of the options argument. For linkTarget: index of the new path. */
  readonly aux?: number;
}

const read = (at: number, follow = true): PathRole => ({ at, use: 'read', follow });
const write = (at: number, follow = true): PathRole => ({ at, use: 'write', follow });

/** Path-taking fs APIs by base name. `Sync` and `fs.promises` forms share the entry where they exist. */
export const FS_ROUTES: Readonly<Record<string, readonly PathRole[]>> = {
  access: [read(0)],
  exists: [read(0)],
  stat: [read(0)],
  lstat: [read(0, false)],
  statfs: [read(0)],
  readdir: [read(0)],
  opendir: [read(0)],
  readlink: [read(0, false)],
  realpath: [read(0)],
  watch: [read(0)],
  watchFile: [read(0)],
  openAsBlob: [read(0)],
  readFile: [{ at: 0, use: 'fileRead', follow: true, aux: 1 }],
  writeFile: [{ at: 0, use: 'fileWrite', follow: true, aux: 2 }],
  appendFile: [{ at: 0, use: 'fileAppend', follow: true, aux: 2 }],
  open: [{ at: 0, use: 'open', follow: true, aux: 1 }],
  mkdir: [write(0, false)],
  mkdtemp: [write(0, false)],
  mkdtempDisposable: [write(0, false)],
  rm: [write(0, false)],
  rmdir: [write(0, false)],
  unlink: [write(0, false)],
  rename: [write(0, false), write(1, false)],
  // A hard link is another name for the same file: whoever holds it can write the file, so both names are written.
  link: [read(0, false), write(0, false), write(1, false)],
  symlink: [{ at: 0, use: 'linkTarget', follow: true, aux: 1 }, write(1, false)],
  chmod: [write(0)],
  chown: [write(0)],
  utimes: [write(0)],
  lchmod: [write(0, false)],
  lchown: [write(0, false)],
  lutimes: [write(0, false)],
  truncate: [write(0)],
  copyFile: [read(0), write(1)],
  cp: [{ at: 0, use: 'readTree', follow: true }, write(1)],
};

/** Stream constructors: decided at creation from options.flags (default 'r' / 'w'). */
export const FS_STREAM_ROUTES: Readonly<Record<string, string>> = {
  createReadStream: 'r',
  createWriteStream: 'w',
};

/**
 * fs exports that take no path, or reach files only through calls that are governed themselves. (fchmod,
 * fchown and futimes, and write, writev, ftruncate and close, take a descriptor but are governed:
 * fs-descriptors.ts.)
 * The coverage test fails on any function export that is in neither this list nor a route table.
 */
export const FS_UNGOVERNED: Readonly<Record<string, string>> = {
  fdatasync: 'fd', fdatasyncSync: 'fd', fsync: 'fd', fsyncSync: 'fd',
  fstat: 'fd', fstatSync: 'fd',
  read: 'fd', readSync: 'fd', readv: 'fd', readvSync: 'fd',
  unwatchFile: 'removes listeners of watchFile; touches no file',
  _toUnixTimestamp: 'pure helper',
  Dirent: 'class', Stats: 'class', Dir: 'class (instances come from the governed opendir)',
  ReadStream: 'class; opens through the governed fs.open', WriteStream: 'class; opens through the governed fs.open',
  FileReadStream: 'alias of ReadStream', FileWriteStream: 'alias of WriteStream',
  Utf8Stream: 'class (Node 24+); opens its destination through fs.open/openSync',
};

const { O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND } = constants;
const ACCESS_MODE = O_WRONLY | O_RDWR;

/** READ and/or WRITE for open flags as Node accepts them (string or number; undefined means 'r'). */
export function kindsOfFlags(flags: unknown): number {
  if (flags === undefined || flags === null) return READ;
  if (typeof flags === 'number') {
    const mode = flags & ACCESS_MODE;
    let kinds = mode === O_WRONLY ? 0 : READ;
    if (mode !== 0 || (flags & (O_CREAT | O_TRUNC | O_APPEND)) !== 0) kinds |= WRITE;
    return kinds;
  }
  switch (flags) {
    case 'r': case 'rs': case 'sr':
      return READ;
    case 'w': case 'wx': case 'xw': case 'a': case 'ax': case 'xa': case 'as': case 'sa':
      return WRITE;
    default:
      // 'r+', 'rs+', 'w+', 'a+', ... and anything Node would reject: check both, fail closed.
      return READ | WRITE;
  }
}
