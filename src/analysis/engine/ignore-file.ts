// Reads `.governanceignore` (gitignore syntax): folders and files the checker leaves out.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';

export const IGNORE_FILE = '.governanceignore';

interface IgnoreRule {
  negated: boolean;
  matches: (path: string) => boolean;
}

function compile(line: string): IgnoreRule | null {
  let pattern = line.trim();
  if (pattern === '' || pattern.startsWith('#')) return null;
  const negated = pattern.startsWith('!');
  if (negated) pattern = pattern.slice(1);
  const directoryOnly = pattern.endsWith('/');
  pattern = pattern.replace(/\/+$/, '');
  // As in gitignore: a pattern with a slash is anchored at the root; one without matches at any depth.
  const anchored = pattern.includes('/');
  pattern = pattern.replace(/^\/+/, '');
  const base = anchored ? pattern : `**/${pattern}`;
  const globs = directoryOnly ? [`${base}/**`] : [base, `${base}/**`];
  return { negated, matches: picomatch(globs, { dot: true }) };
}

/** A predicate over root-relative paths (`/` separators) that is true for ignored files; the last matching line wins. */
export function loadIgnoreFile(root: string): (relativePath: string) => boolean {
  const path = join(root, IGNORE_FILE);
  if (!existsSync(path)) return () => false;
  const rules = readFileSync(path, 'utf8').split(/\r?\n/).map(compile).filter((rule) => rule !== null);
  return (relativePath) => {
    let ignored = false;
    for (const rule of rules) if (rule.matches(relativePath)) ignored = !rule.negated;
    return ignored;
  };
}
