import { describe, expect, it } from 'vitest';
import { RuleSet } from '../../src/rules/match';
import type { Rule } from '../../src/types';

const rules: Rule[] = [
  { id: 'data', action: 'file_write', target: '/app/data/**', effect: 'allow' },
  { id: 'secret-data', action: 'file_write', target: '/app/data/secret/**', effect: 'deny' },
  { id: 'exports', action: 'file_write', target: '/app/exports/**', effect: 'approve' },
  { id: 'exports-too', action: 'file_write', target: '/app/exports/public/**', effect: 'allow' },
  { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
  { id: 'git', action: 'process_spawn', target: ['git'], effect: 'allow' },
  { id: 'no-fakes', action: 'module_load', target: ['@faker-js/*', 'chance'], effect: 'deny', violation: 'synthetic_data' },
  { id: 'no-vm', action: 'module_load', target: 'vm', effect: 'deny' },
];

describe('RuleSet.match', () => {
  const set = new RuleSet(rules, 'deny');

  it('falls back to the default when no rule matches', () => {
    expect(set.match('file_write', '/etc/passwd')).toMatchObject({ effect: 'deny', ruleId: 'default' });
    expect(new RuleSet(rules, 'allow').match('net_connect', 'a:1')).toMatchObject({ effect: 'allow', ruleId: 'default' });
  });

  it('lets any matching deny win over allow', () => {
    expect(set.match('file_write', '/app/data/x.csv')).toMatchObject({ effect: 'allow', ruleId: 'data' });
    expect(set.match('file_write', '/app/data/secret/k')).toMatchObject({ effect: 'deny', ruleId: 'secret-data' });
  });

  it('lets approve win over allow', () => {
    expect(set.match('file_write', '/app/exports/public/a')).toMatchObject({ effect: 'approve', ruleId: 'exports' });
  });

  it('takes the brackets of an IPv6 address literally, in the spelling targets use; a character class elsewhere stays one', () => {
    const network = new RuleSet([
      { id: 'v6', action: 'net_connect', target: ['[fe80::1]:*', '[fe80::2%eth0]:443', '[0:0::0:1]:80', '[::FFFF:10.0.0.1]:*'], effect: 'allow' },
      { id: 'files', action: 'file_read', target: '/data/[ab].csv', effect: 'allow' },
    ], 'deny');
    expect(network.match('net_connect', '[fe80::1]:443')).toMatchObject({ effect: 'allow', ruleId: 'v6' });
    // Written as targets are: one spelling, no zone id, an IPv4-mapped address as IPv4.
    expect(network.match('net_connect', '[fe80::2]:443')).toMatchObject({ effect: 'allow', ruleId: 'v6' });
    expect(network.match('net_connect', '[::1]:80')).toMatchObject({ effect: 'allow', ruleId: 'v6' });
    expect(network.match('net_connect', '10.0.0.1:22')).toMatchObject({ effect: 'allow', ruleId: 'v6' });
    // As a character class, [fe80::1] matched a one-letter host on any port.
    expect(network.match('net_connect', 'f:443')).toMatchObject({ effect: 'deny', ruleId: 'default' });
    expect(network.match('net_connect', '1:443')).toMatchObject({ effect: 'deny', ruleId: 'default' });
    expect(network.match('file_read', '/data/b.csv')).toMatchObject({ effect: 'allow', ruleId: 'files' });
  });

  it('matches `**` against every target, dotfiles included', () => {
    expect(set.match('file_read', '/home/u/.ssh/id_rsa')).toMatchObject({ effect: 'allow', ruleId: 'read' });
  });

  it('matches an executable by basename and a builtin without node:', () => {
    expect(set.match('process_spawn', '/usr/bin/git')).toMatchObject({ effect: 'allow', ruleId: 'git' });
    expect(set.match('process_spawn', '/usr/bin/gitx')).toMatchObject({ ruleId: 'default' });
    expect(set.match('module_load', 'node:vm')).toMatchObject({ effect: 'deny', ruleId: 'no-vm' });
  });

  it('carries the rule violation type', () => {
    expect(set.match('module_load', '@faker-js/faker')).toEqual({ effect: 'deny', ruleId: 'no-fakes', violation: 'synthetic_data' });
  });

  it('returns the same answer from its cache, also past the cache limit', () => {
    const first = set.match('file_write', '/app/data/y');
    for (let i = 0; i < 5000; i++) set.match('file_write', `/app/data/f${i}`);
    expect(set.match('file_write', '/app/data/y')).toEqual(first);
    expect(set.match('file_write', '/app/data/secret/z').effect).toBe('deny');
  });

  it('cannot be changed through a returned match', () => {
    const match = set.match('file_write', '/app/data/x');
    expect(() => { (match as { effect: string }).effect = 'deny'; }).toThrow(TypeError);
  });
});

describe('per-package rules (from)', () => {
  const set = new RuleSet([
    { id: 'ajv-eval', action: 'code_eval', target: '**', effect: 'allow', from: ['ajv'] },
    { id: 'tools', action: 'process_spawn', target: 'git', effect: 'allow', from: ['/app/tools/**', '@acme/*'] },
    { id: 'never', action: 'process_spawn', target: 'curl', effect: 'deny' },
    { id: 'curl-from-acme', action: 'process_spawn', target: 'curl', effect: 'allow', from: ['@acme/*'] },
  ], 'deny');

  it('asks for the caller only for kinds that have from-rules', () => {
    expect(set.needsCaller('code_eval')).toBe(true);
    expect(set.needsCaller('file_write')).toBe(false);
  });

  it('applies a from-rule only to calls from the named package or file', () => {
    expect(set.match('code_eval', 'function', { file: '/app/node_modules/ajv/dist/compile/index.js', packageName: 'ajv' }).ruleId).toBe('ajv-eval');
    expect(set.match('code_eval', 'function', { file: '/app/src/main.js', packageName: null }).ruleId).toBe('default');
    expect(set.match('code_eval', 'function', null).ruleId).toBe('default');
    expect(set.match('process_spawn', '/usr/bin/git', { file: '/app/tools/release.js', packageName: null }).ruleId).toBe('tools');
    expect(set.match('process_spawn', '/usr/bin/git', { file: '/app/node_modules/@acme/ci/x.js', packageName: '@acme/ci' }).ruleId).toBe('tools');
  });

  it('keeps deny precedence over a from-rule allow', () => {
    expect(set.match('process_spawn', '/usr/bin/curl', { file: '/x/node_modules/@acme/ci/x.js', packageName: '@acme/ci' }).effect).toBe('deny');
  });
});
