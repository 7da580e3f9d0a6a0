// Path conversion and target resolution on real files: `..` resolved through symlinks the way the OS
// does, dangling symlinks followed to what a create would make, nofollow for operations on the link.
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { absolutePath, convertPath, resolveTarget, type PathArgument } from '../../src/hooks/fs-paths';
import { tempDir } from '../helpers/temp-dirs';

const root = tempDir('fs-paths-');
const outside = join(root, 'outside');
const inside = join(root, 'inside');
mkdirSync(join(outside, 'deep'), { recursive: true });
mkdirSync(join(inside, 'sub'), { recursive: true });
writeFileSync(join(outside, 'file.txt'), 'x');
symlinkSync(join(outside, 'deep'), join(inside, 'to-deep'));
symlinkSync(join(outside, 'missing.txt'), join(inside, 'dangling'));
symlinkSync('../outside/file.txt', join(inside, 'relative-link'));
symlinkSync(join(inside, 'loop-b'), join(inside, 'loop-a'));
symlinkSync(join(inside, 'loop-a'), join(inside, 'loop-b'));

function convert(value: unknown): PathArgument {
  const out: PathArgument = { path: null, value: undefined };
  convertPath(value, out);
  return out;
}

describe('convertPath', () => {
  it('passes strings through', () => {
    expect(convert('/a/b')).toEqual({ path: '/a/b', value: '/a/b' });
  });

  it('copies Buffer and Uint8Array paths and decodes them for the check', () => {
    const buffer = Buffer.from('/a/b');
    const out = convert(buffer);
    expect(out.path).toBe('/a/b');
    expect(out.value).not.toBe(buffer);
    buffer.write('/x');
    expect((out.value as Buffer).toString()).toBe('/a/b');
    expect(convert(new TextEncoder().encode('/c')).path).toBe('/c');
  });

  it('converts file: URLs once and hands Node the string', () => {
    expect(convert(pathToFileURL('/a b/c'))).toEqual({ path: '/a b/c', value: '/a b/c' });
    expect(() => convert(new URL('http://example.com/x'))).toThrow(/file/);
  });

  it('passes descriptors through unchecked and replaces other objects by null', () => {
    expect(convert(3)).toEqual({ path: null, value: 3 });
    expect(convert({ toString: () => '/etc/passwd' })).toEqual({ path: null, value: null });
    expect(convert(new Proxy(new URL('file:///x'), {}))).toEqual({ path: null, value: null });
  });
});

describe('resolveTarget', () => {
  it('makes relative paths absolute against the current directory', () => {
    expect(absolutePath('a/b', '/base')).toBe('/base/a/b');
    expect(resolveTarget('does-not-exist', true)).toBe(join(realpathSync(process.cwd()), 'does-not-exist'));
  });

  it('resolves existing paths fully', () => {
    expect(resolveTarget(join(inside, 'to-deep'), true)).toBe(join(outside, 'deep'));
    expect(resolveTarget(join(inside, 'relative-link'), true)).toBe(join(outside, 'file.txt'));
  });

  it('resolves `..` after a symlink through the link, as the OS does', () => {
    // Lexically this is inside/file.txt; the OS opens outside/file.txt.
    // (Template strings: path.join would fold the `..` lexically before the code under test sees it.)
    expect(resolveTarget(`${inside}/to-deep/../file.txt`, true)).toBe(join(outside, 'file.txt'));
    expect(resolveTarget(`${inside}/to-deep/../new.txt`, true)).toBe(join(outside, 'new.txt'));
    expect(resolveTarget(`${inside}/to-deep/..`, false)).toBe(outside);
  });

  it('resolves the longest existing prefix of a missing path', () => {
    expect(resolveTarget(join(inside, 'to-deep', 'a', 'b.txt'), true)).toBe(join(outside, 'deep', 'a', 'b.txt'));
    expect(resolveTarget(`${inside}/sub/../../outside/new`, true)).toBe(join(outside, 'new'));
  });

  it('follows a dangling symlink to what a create through it would make', () => {
    expect(resolveTarget(join(inside, 'dangling'), true)).toBe(join(outside, 'missing.txt'));
  });

  it('does not follow the last component when asked (unlink, lstat, rename act on the link)', () => {
    expect(resolveTarget(join(inside, 'dangling'), false)).toBe(join(inside, 'dangling'));
    expect(resolveTarget(join(inside, 'to-deep'), false)).toBe(join(inside, 'to-deep'));
    expect(resolveTarget(join(inside, 'to-deep', 'x'), false)).toBe(join(outside, 'deep', 'x'));
  });

  it('normalises trailing slashes, `.` and duplicate slashes', () => {
    expect(resolveTarget(`${inside}//sub/./`, true)).toBe(join(inside, 'sub'));
    expect(resolveTarget(`${inside}/new-dir/`, false)).toBe(join(inside, 'new-dir'));
    expect(resolveTarget('/', true)).toBe('/');
  });

  it('falls back to a lexical path on symlink loops, without throwing', () => {
    expect(resolveTarget(join(inside, 'loop-a', 'x'), true)).toBe(join(inside, 'loop-a', 'x'));
  });
});
