// How spawn targets are found: PATH of the child's environment, cwd for relative names, shells' -c.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentOverride, firstCommandWord, isShell, NOT_UNDERSTOOD, resolveExecutable, shellCommand, shellStartupFiles } from '../../src/hooks/spawn-target';
import { kindsOfFlags, READ, WRITE } from '../../src/hooks/fs-routes';
import { globBase } from '../../src/hooks/fs-glob';
import { tempDir } from '../helpers/temp-dirs';

const bin = tempDir('spawn-target-');
writeFileSync(join(bin, 'tool'), '#!/bin/sh\n');
chmodSync(join(bin, 'tool'), 0o755);
writeFileSync(join(bin, 'not-executable'), '');

describe('resolveExecutable', () => {
  it('searches the given PATH in order and skips non-executables', () => {
    expect(resolveExecutable('tool', `/nonexistent:${bin}`, undefined)).toBe(join(bin, 'tool'));
    expect(resolveExecutable('not-executable', bin, undefined)).toBe('not-executable');
  });

  it('resolves names with a slash against the child cwd, without consulting PATH', () => {
    expect(resolveExecutable('./tool', '/usr/bin', bin)).toBe(join(bin, 'tool'));
    expect(resolveExecutable('../x/../tool', '/usr/bin', join(bin, 'sub'))).toBe(join(bin, 'tool'));
  });

  it('uses the default search path when the environment has none', () => {
    expect(resolveExecutable('sh', undefined, undefined)).toMatch(/^\/(usr\/)?bin\/sh$/);
  });
});

describe('shell start-up files', () => {
  it('tells a named start-up file, a login or interactive shell, and neither', () => {
    expect(shellStartupFiles(['bash', '--norc', '--rcfile', 'rc', '-ic', 'x'])).toBe('rcfile');
    expect(shellStartupFiles(['bash', '-lc', 'x'])).toBe('login');
    expect(shellStartupFiles(['bash', '-o', 'pipefail', '-i', '-c', 'x'])).toBe('login');
    expect(shellStartupFiles(['-bash', '-c', 'x'])).toBe('login');
    expect(shellStartupFiles(['bash', '--login', '-c', 'x'])).toBe('login');
    expect(shellStartupFiles(['/bin/sh', '-c', 'ls -li'])).toBeNull();
    expect(shellStartupFiles(['sh', '-c', 'x', '-l'])).toBeNull();
    expect(shellStartupFiles(['sh', '-o', 'login', '-c', 'x'])).toBeNull();
  });
});

describe('shell commands', () => {
  it('recognises shells by basename', () => {
    expect(isShell('/bin/sh')).toBe(true);
    expect(isShell('/usr/bin/bash')).toBe(true);
    expect(isShell('/usr/bin/node')).toBe(false);
  });

  it('finds the -c command', () => {
    expect(shellCommand('/bin/sh', ['/bin/sh', '-c', 'ls -l'])).toBe('ls -l');
    expect(shellCommand('/bin/bash', ['bash', '-lc', 'git status'])).toBe('git status');
    expect(shellCommand('/bin/bash', ['bash', '-e', '-c', 'x'])).toBe('x');
    expect(shellCommand('/bin/sh', ['sh', 'script.sh'])).toBeNull();
    expect(shellCommand('/bin/sh', ['sh', '--', '-c', 'x'])).toBeNull();
    expect(shellCommand('cmd.exe', ['cmd.exe', '/d', '/s', '/c', 'dir'])).toBe('dir');
  });

  it('finds the -c command past options that take an argument, and as the first operand after the options', () => {
    expect(shellCommand('/bin/sh', ['sh', '-o', 'errexit', '-c', 'touch x'])).toBe('touch x');
    expect(shellCommand('/bin/bash', ['bash', '+O', 'extglob', '-c', 'touch x'])).toBe('touch x');
    expect(shellCommand('/bin/bash', ['bash', '-eo', 'pipefail', '-c', 'touch x'])).toBe('touch x');
    expect(shellCommand('/bin/bash', ['bash', '--rcfile', 'rc', '--norc', '-c', 'touch x'])).toBe('touch x');
    expect(shellCommand('/bin/sh', ['sh', '-c', '-e', 'touch x'])).toBe('touch x');
    expect(shellCommand('/bin/sh', ['sh', '-co', 'errexit', 'touch x'])).toBe('touch x');
  });

  it('does not understand options it does not know, whatever argv[0] says', () => {
    expect(shellCommand('/bin/sh', ['sh', '-T', 'x', '-c', 'touch x'])).toBe(NOT_UNDERSTOOD);
    expect(shellCommand('/bin/bash', ['bash', '--init=x', '-c', 'touch x'])).toBe(NOT_UNDERSTOOD);
    expect(shellCommand('/bin/sh', ['cmd.exe', '-o', 'errexit', '-c', 'touch x'])).toBe('touch x');
  });

  it('finds a command that sets or unsets a governance variable for what it starts', () => {
    const prefixes = ['NODE_OPTIONS', 'MLTRAINER_'];
    expect(environmentOverride('NODE_OPTIONS= node -e 1', prefixes)).toBe('NODE_OPTIONS=');
    expect(environmentOverride('MLTRAINER_GOVERNANCE_CONFIG=/tmp/p.json node app.js', prefixes)).toBe('MLTRAINER_GOVERNANCE_CONFIG=');
    expect(environmentOverride('true; unset NODE_OPTIONS; node app.js', prefixes)).toBe('NODE_OPTIONS');
    expect(environmentOverride('env -u NODE_OPTIONS node', prefixes)).toBe('NODE_OPTIONS');
    expect(environmentOverride('/usr/bin/env -i PATH=/bin node', prefixes)).toBe('-i');
    expect(environmentOverride('env -C /tmp - node', prefixes)).toBe('-');
    expect(environmentOverride("env -S 'X=1 node'", prefixes)).toBe('-S');
    expect(environmentOverride('exec -c node', prefixes)).toBe('-c');
    expect(environmentOverride("sh -c 'NODE_OPTIONS= node'", prefixes)).toBe('NODE_OPTIONS=');
    expect(environmentOverride('unset "NODE_OPTIONS"', prefixes)).toBe('NODE_OPTIONS');
    expect(environmentOverride('env -uNODE_OPTIONS node', prefixes)).toBe('NODE_OPTIONS');
    expect(environmentOverride('env --unset=NODE_OPTIONS node', prefixes)).toBe('NODE_OPTIONS');
    expect(environmentOverride("NODE_OPT''IONS= node", prefixes)).toBe('NODE_OPTIONS=');
    expect(environmentOverride('export NODE_OPTIONS+=" --x"; node', prefixes)).toBe('NODE_OPTIONS=');
    expect(environmentOverride('echo "$NODE_OPTIONS" ${MLTRAINER_ACTOR}; env -0 FOO=1 node app.js; exec -a x node', prefixes)).toBeNull();
    expect(environmentOverride('MY_NODE_OPTIONS=1 node; echo ${NODE_OPTIONS:-none}', prefixes)).toBeNull();
    // Builtins that assign without NAME=, a line continuation inside the name, an assigning expansion.
    expect(environmentOverride('read NODE_OPTIONS </dev/null; node', prefixes)).toBe('NODE_OPTIONS');
    expect(environmentOverride('for NODE_OPTIONS in ""; do node; done', prefixes)).toBe('NODE_OPTIONS');
    expect(environmentOverride('printf -v NODE_OPTIONS ""; node', prefixes)).toBe('NODE_OPTIONS');
    expect(environmentOverride(': ${NODE_OPTIONS:=}; node', prefixes)).toBe('NODE_OPTIONS=');
    expect(environmentOverride('NODE_OPT\\\nIONS= node', prefixes)).toBe('NODE_OPTIONS=');
    expect(environmentOverride('node child.js "a label that mentions NODE_OPTIONS"', prefixes)).toBeNull();
  });

  it('takes the first program word, skipping assignments and exec-like prefixes', () => {
    expect(firstCommandWord('ls -l')).toBe('ls');
    expect(firstCommandWord('  FOO=1 BAR="a" exec /usr/bin/git status')).toBe('/usr/bin/git');
    expect(firstCommandWord('"./my-tool" --x')).toBe('./my-tool');
    expect(firstCommandWord('(rm -rf x); ls')).toBe('rm');
    expect(firstCommandWord('cat<file')).toBe('cat');
    expect(firstCommandWord('   ')).toBeNull();
  });
});

describe('open flags', () => {
  it('maps string and numeric flags to read/write', () => {
    expect(kindsOfFlags(undefined)).toBe(READ);
    expect(kindsOfFlags('r')).toBe(READ);
    expect(kindsOfFlags('w')).toBe(WRITE);
    expect(kindsOfFlags('ax')).toBe(WRITE);
    expect(kindsOfFlags('r+')).toBe(READ | WRITE);
    expect(kindsOfFlags('bogus')).toBe(READ | WRITE);
    const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND } = require('node:fs').constants;
    expect(kindsOfFlags(O_RDONLY)).toBe(READ);
    expect(kindsOfFlags(O_WRONLY)).toBe(WRITE);
    expect(kindsOfFlags(O_RDWR)).toBe(READ | WRITE);
    expect(kindsOfFlags(O_RDONLY | O_CREAT)).toBe(READ | WRITE);
    expect(kindsOfFlags(O_RDONLY | O_TRUNC)).toBe(READ | WRITE);
    expect(kindsOfFlags(O_WRONLY | O_APPEND)).toBe(WRITE);
  });
});

describe('globBase', () => {
  it('is the literal directory a pattern starts from', () => {
    expect(globBase('/etc/*.conf')).toBe('/etc');
    expect(globBase('src/**/*.ts')).toBe('src');
    expect(globBase('*.txt')).toBe('.');
    expect(globBase('/*')).toBe('/');
    expect(globBase('a/b/c.txt')).toBe('a/b/c.txt');
    expect(globBase('../x/{a,b}/y')).toBe('../x');
  });
});
