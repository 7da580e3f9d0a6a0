// Which node flags a governed spawn must decide: debug and ungoverned-API flags (also checked by a process of its
// own start-up) and flags that make the child's Node touch files or native code in C++ (at the spawn only).
import { describe, expect, it } from 'vitest';
import { childFlag, flagsInArgs, flagsInWords, startFlag } from '../../src/hooks/spawn-flags';

describe('childFlag', () => {
  it.each([
    ['--inspect', '--inspect'],
    ['--inspect-brk=9229', '--inspect-brk'],
    ['--expose_internals', '--expose-internals'],
    ['--cpu-prof', '--cpu-prof'],
    ['--cpu_prof_dir=/tmp', '--cpu-prof-dir'],
    ['--heap-prof-interval=1', '--heap-prof-interval'],
    ['--prof', '--prof'],
    ['--logfile=/tmp/v8.log', '--logfile'],
    ['--log-all', '--log-all'],
    ['--perf-basic-prof', '--perf-basic-prof'],
    ['--report-on-signal', '--report-on-signal'],
    ['--heapsnapshot-signal=SIGUSR2', '--heapsnapshot-signal'],
    ['--trace-event-categories=node', '--trace-event-categories'],
    ['--env-file=.env', '--env-file'],
    ['--env-file-if-exists=.env', '--env-file-if-exists'],
    ['--openssl-config=/etc/x.cnf', '--openssl-config'],
    ['--localstorage-file=/tmp/ls', '--localstorage-file'],
    ['-prof', '--prof'],
    ['-logfile=/tmp/v8.log', '--logfile'],
    ['-trace_turbo_cfg_file=/tmp/t.cfg', '--trace-turbo-cfg-file'],
    ['--trace-turbo-path=/tmp', '--trace-turbo-path'],
    ['--redirect-code-traces-to=/tmp/c.txt', '--redirect-code-traces-to'],
    ['--dump-wasm-module-path=/tmp', '--dump-wasm-module-path'],
    ['--experimental-wasm-pgo-to-file', '--experimental-wasm-pgo-to-file'],
    ['--heap-snapshot-on-oom', '--heap-snapshot-on-oom'],
    ['--stack-size=100', '--stack-size'],
    ['-stack_size=983', '--stack-size'],
    ['--stack-size=1e4', '--stack-size'],
    ['--stack-size', '--stack-size'],
  ])('%j is %j', (arg, flag) => {
    expect(childFlag(arg)).toBe(flag);
  });

  it.each(['--max-old-space-size=100', '--require', '-r', '--loader=x', '--enable-source-maps', '--no-warnings', 'app.js', '-e', '--', '--title=prof', '-', '-pe', '-C', '--stack-size=984', '--stack-size=65500'])('%j needs no decision', (arg) => {
    expect(childFlag(arg)).toBeNull();
  });

  it('a process checks the debug and ungoverned-API flags of its own start-up, not the file flags', () => {
    expect(startFlag('--cpu-prof')).toBeNull();
    expect(startFlag('--inspect=0')).toBe('--inspect');
    expect(startFlag('--experimental_vfs')).toBe('--experimental-vfs');
    expect(childFlag('--experimental-web-worker')).toBe('--experimental-web-worker');
  });
});

describe('finding flags', () => {
  it('in arguments up to --, and in the words of a command or NODE_OPTIONS, quotes dropped', () => {
    const found: string[] = [];
    flagsInArgs(['node', '--cpu-prof', 'app.js', '--', '--prof'], childFlag, found);
    flagsInWords('node "--env-file=.env" \'--inspect\' app.js', childFlag, found);
    expect(found).toEqual(['--cpu-prof', '--env-file', '--inspect']);
  });
});
