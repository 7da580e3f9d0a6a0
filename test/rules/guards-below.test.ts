// RuleSet#guardsBelow: whether renaming a directory could move a target some non-allow rule names out from under
// it. It errs towards true (then the rename decides the subtree); false must mean no such rule can match below.
import { describe, expect, it } from 'vitest';
import { RuleSet } from '../../src/rules/match';

const rules = new RuleSet([
  { id: 'protected', action: 'file_write', target: '/data/protected/**', effect: 'deny' },
  { id: 'approval', action: 'file_write', target: '/srv/release-*', effect: 'approve' },
  { id: 'work', action: 'file_write', target: '/work/**', effect: 'allow' },
  { id: 'reads', action: 'file_read', target: '/secrets/**', effect: 'deny' },
], 'allow');

describe('RuleSet#guardsBelow', () => {
  it.each([
    ['/data', true],
    ['/', true],
    ['/data/protected', true],
    ['/srv', true],
  ])('file_write below %s: %s', (dir, guarded) => {
    expect(rules.guardsBelow('file_write', dir)).toBe(guarded);
  });

  it.each(['/work', '/data/other', '/dat', '/secrets', '/tmp'])('nothing guards file_write below %s', (dir) => {
    expect(rules.guardsBelow('file_write', dir)).toBe(false);
  });

  it('a pattern that can match anywhere guards every directory', () => {
    const anywhere = new RuleSet([{ id: 'keys', action: 'file_write', target: '**/*.pem', effect: 'deny' }], 'allow');
    expect(anywhere.guardsBelow('file_write', '/any/dir')).toBe(true);
  });

  describe('under a default deny', () => {
    const strict = new RuleSet([
      { id: 'work', action: 'file_write', target: '/work/**', effect: 'allow' },
      { id: 'data', action: 'file_write', target: '/data', effect: 'allow' },
      { id: 'logs', action: 'file_write', target: '/logs/*.log', effect: 'allow' },
      { id: 'tool', action: 'file_write', target: '/tools/**', effect: 'allow', from: ['some-tool'] },
      { id: 'runs', action: 'file_write', target: '/out/run-*/**', effect: 'allow' },
      { id: 'all-reads', action: 'file_read', target: '**', effect: 'allow' },
    ], 'deny');

    it.each(['/data', '/logs', '/tools', '/', '/elsewhere', '/out', '/out/other'])('what is below %s may be protected by the default alone', (dir) => {
      expect(strict.guardsBelow('file_write', dir)).toBe(true);
    });

    it.each(['/work', '/work/deep/er', '/out/run-7', '/out/run-7/part'])('nothing guards below %s: an allow rule covers it whole', (dir) => {
      expect(strict.guardsBelow('file_write', dir)).toBe(false);
    });

    it('an allow rule for everything covers every directory', () => {
      expect(strict.guardsBelow('file_read', '/any/dir')).toBe(false);
    });
  });
});

