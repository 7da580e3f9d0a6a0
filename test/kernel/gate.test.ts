import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAuditReader, openAuditWriter } from '../../src/audit/index';
import type { AuditWriter } from '../../src/audit/types';
import { withApprovedActions } from '../../src/kernel/approvals';
import { GovernanceDeniedError } from '../../src/kernel/errors';
import { checkAction, checkCoveredRead, checkLoad, checkViolation, startKernel } from '../../src/kernel/gate';
import { RuleSet } from '../../src/rules/match';
import type { Level, Rule } from '../../src/types';
import { tempDir } from '../helpers/temp-dirs';

const rules: Rule[] = [
  { id: 'data', action: 'file_write', target: '/app/data/**', effect: 'allow' },
  { id: 'exports', action: 'file_write', target: '/app/exports/**', effect: 'approve' },
  { id: 'no-fakes', action: 'module_load', target: '@faker-js/*', effect: 'deny', violation: 'synthetic_data' },
];

let writer: AuditWriter;
let dbPath: string;
const internalErrors: unknown[] = [];

function start(level: Level, extra: { rules?: Rule[]; recordEveryModuleLoad?: boolean } = {}): void {
  dbPath = join(tempDir('gov-gate-'), 'audit.db');
  writer = openAuditWriter({ dbPath });
  internalErrors.length = 0;
  startKernel({ rules: new RuleSet([...rules, ...(extra.rules ?? [])], 'deny'), level, actor: 'alice', writer, recordEveryModuleLoad: extra.recordEveryModuleLoad, onInternalError: (e) => internalErrors.push(e) });
}

function entries() {
  writer.flush();
  const reader = openAuditReader(dbPath);
  try {
    return reader.query({});
  } finally {
    reader.close();
  }
}

afterEach(() => writer.close());

describe('checkAction at production level', () => {
  it('allows and records an allowed action', () => {
    start('production');
    expect(checkAction('file_write', '/app/data/a.csv')).toBeNull();
    expect(entries()).toMatchObject([{ seq: 1, action: 'file_write', target: '/app/data/a.csv', decision: 'allow', ruleId: 'data', actor: 'alice', level: 'production', pid: process.pid }]);
  });

  it('denies with an error naming action, target and rule, durable before it returns', () => {
    start('production');
    const error = checkAction('file_write', '/etc/passwd');
    expect(error).toBeInstanceOf(GovernanceDeniedError);
    expect(error).toMatchObject({ code: 'EGOVDENIED', action: 'file_write', target: '/etc/passwd', ruleId: 'default' });
    expect(error!.message).toContain('file_write:/etc/passwd');
    expect(error!.message).toContain('"default"');
    // Read through a second connection without flushing: the denial must already be committed.
    const reader = openAuditReader(dbPath);
    expect(reader.query({ decision: 'deny' })).toMatchObject([{ target: '/etc/passwd', decision: 'deny' }]);
    reader.close();
  });

  it('records the rule violation type with a denial', () => {
    start('production');
    expect(checkAction('module_load', '@faker-js/faker')).toMatchObject({ violation: 'synthetic_data', ruleId: 'no-fakes' });
    expect(entries()[0]).toMatchObject({ decision: 'deny', violation: 'synthetic_data' });
  });

  it('names what a refusal amounts to when the deciding rule names no violation, and only then', () => {
    start('production');
    expect(checkAction('code_eval', 'node-flag:--inspect', 'runtime_bypass')).toMatchObject({ ruleId: 'default', violation: 'runtime_bypass' });
    expect(checkAction('module_load', '@faker-js/faker', 'runtime_bypass')).toMatchObject({ violation: 'synthetic_data' });
    expect(checkAction('file_write', '/app/data/a.csv', 'runtime_bypass')).toBeNull();
    expect(entries().map((e) => [e.decision, e.violation])).toEqual([['deny', 'runtime_bypass'], ['deny', 'synthetic_data'], ['allow', null]]);
  });

  it('treats approve as deny even inside a scope, and says why', () => {
    start('production');
    const error = withApprovedActions(['file_write:/app/exports/**'], 'bob', () => checkAction('file_write', '/app/exports/r.csv'));
    expect(error?.reason).toMatch(/signed approval token/);
  });

  it('records the process\'s actor inside a scope: the scope\'s actor is only claimed, in the scope\'s own entry', () => {
    start('production');
    withApprovedActions(['file_write:/app/exports/**'], 'bob', () => {
      checkAction('file_write', '/app/data/a.csv');
      checkAction('file_write', '/etc/passwd');
      checkViolation('module_load', '/app/src/gen.js', 'deceptive_import', 'x');
    });
    expect(entries().map((e) => [e.action, e.decision, e.actor])).toEqual([
      ['approval_scope', 'allow', 'alice'],
      ['file_write', 'allow', 'alice'],
      ['file_write', 'deny', 'alice'],
      ['module_load', 'deny', 'alice'],
    ]);
    expect(entries()[0].reason).toContain('scope opened by bob');
  });
});

describe('checkAction at staging level', () => {
  it('approves inside a matching scope only, as the scope actor', async () => {
    start('staging');
    expect(checkAction('file_write', '/app/exports/r.csv')?.reason).toMatch(/no withApprovedActions scope covers/);
    const inside = withApprovedActions(['file_write:/app/exports/**'], 'bob', () => checkAction('file_write', '/app/exports/r.csv'));
    expect(inside).toBeNull();
    const asyncInside = await withApprovedActions(['file_write:/app/exports/**'], 'bob', async () => {
      await new Promise((r) => setTimeout(r, 5));
      return checkAction('file_write', '/app/exports/later.csv');
    });
    expect(asyncInside).toBeNull();
    expect(checkAction('file_write', '/app/exports/after.csv')).toBeInstanceOf(GovernanceDeniedError);
    const decided = entries().filter((e) => e.action === 'file_write');
    expect(decided.map((e) => [e.target, e.decision, e.actor])).toEqual([
      ['/app/exports/r.csv', 'deny', 'alice'],
      ['/app/exports/r.csv', 'approved', 'bob'],
      ['/app/exports/later.csv', 'approved', 'bob'],
      ['/app/exports/after.csv', 'deny', 'alice'],
    ]);
  });

  it('does not let a scope for other targets approve, nor override a deny rule', () => {
    start('staging');
    expect(withApprovedActions(['file_write:/app/other/**'], 'bob', () => checkAction('file_write', '/app/exports/r.csv'))).not.toBeNull();
    expect(withApprovedActions(['module_load:**'], 'bob', () => checkAction('module_load', '@faker-js/faker'))).not.toBeNull();
  });

  it('rejects malformed scopes with a clear error', () => {
    start('staging');
    expect(() => withApprovedActions([], 'bob', () => 1)).toThrow(/non-empty array/);
    expect(() => withApprovedActions(['file_nuke:/x'], 'bob', () => 1)).toThrow(/unknown action kind "file_nuke"/);
    expect(() => withApprovedActions(['file_write:/x'], '', () => 1)).toThrow(/actor/);
    expect(() => withApprovedActions(['file_write'], 'bob', () => 1)).toThrow(/names no target/);
  });
});

describe('checkAction at development level', () => {
  it('never blocks and records would_deny', () => {
    start('development');
    expect(checkAction('file_write', '/etc/passwd')).toBeNull();
    expect(checkAction('file_write', '/app/exports/r.csv')).toBeNull();
    expect(entries().map((e) => e.decision)).toEqual(['would_deny', 'would_deny']);
  });
});

// checkLoad settles a load already on the record by a set lookup: it must decide exactly as checkAction does.
describe.each([
  ['checkAction', (target: string) => checkAction('module_load', target)],
  ['checkLoad', checkLoad],
])('repeated module loads (%s)', (_name, decideLoad) => {
  const packages: Rule = { id: 'packages', action: 'module_load', target: ['semver', 'zod'], effect: 'allow' };
  const loads = () => entries().filter((e) => e.action === 'module_load').map((e) => [e.target, e.decision, e.actor]);

  it('records the first allowed load of each target, and decides every one', () => {
    start('production', { rules: [packages] });
    for (const target of ['semver', 'semver', 'zod', 'semver']) expect(decideLoad(target)).toBeNull();
    expect(decideLoad('@faker-js/faker')).toBeInstanceOf(GovernanceDeniedError);
    expect(decideLoad('@faker-js/faker')).toBeInstanceOf(GovernanceDeniedError);
    expect(loads()).toEqual([['semver', 'allow', 'alice'], ['zod', 'allow', 'alice'], ['@faker-js/faker', 'deny', 'alice'], ['@faker-js/faker', 'deny', 'alice']]);
  });

  it('records every allowed load with audit.moduleLoads "every"', () => {
    start('production', { rules: [packages], recordEveryModuleLoad: true });
    for (const target of ['semver', 'semver', 'zod']) expect(decideLoad(target)).toBeNull();
    expect(loads()).toEqual([['semver', 'allow', 'alice'], ['semver', 'allow', 'alice'], ['zod', 'allow', 'alice']]);
  });

  it('records a load inside an approval scope, and again outside it', () => {
    start('staging', { rules: [{ id: 'approve-zod', action: 'module_load', target: 'zod', effect: 'approve' }] });
    expect(withApprovedActions(['module_load:zod'], 'bob', () => decideLoad('zod'))).toBeNull();
    expect(decideLoad('zod')).toBeInstanceOf(GovernanceDeniedError);
    expect(loads()).toEqual([['zod', 'approved', 'bob'], ['zod', 'deny', 'alice']]);
  });

  it('records a load already on the record again inside a scope, as the scope\'s actor', () => {
    start('staging', { rules: [packages] });
    expect(decideLoad('semver')).toBeNull();
    expect(withApprovedActions(['file_write:/app/exports/**'], 'bob', () => decideLoad('semver'))).toBeNull();
    expect(decideLoad('semver')).toBeNull();
    expect(loads()).toEqual([['semver', 'allow', 'alice'], ['semver', 'allow', 'bob']]);
  });
});

describe('covered reads', () => {
  const reads = () => entries().filter((e) => e.action === 'file_read').map((e) => [e.target, e.decision, e.actor]);

  it('records no allow, and decides a read that needs approval every time, in and out of scope', () => {
    start('staging', { rules: [
      { id: 'read', action: 'file_read', target: '/app/**', effect: 'allow' },
      { id: 'approve-keys', action: 'file_read', target: '/app/keys/**', effect: 'approve' },
    ] });
    for (let i = 0; i < 3; i++) expect(checkCoveredRead('/app/data/a.csv')).toBeNull();
    expect(withApprovedActions(['file_read:/app/keys/**'], 'bob', () => checkCoveredRead('/app/keys/k.pem'))).toBeNull();
    expect(checkCoveredRead('/app/keys/k.pem')).toBeInstanceOf(GovernanceDeniedError);
    expect(checkCoveredRead('/etc/passwd')).toBeInstanceOf(GovernanceDeniedError);
    expect(checkCoveredRead('/etc/passwd')).toBeInstanceOf(GovernanceDeniedError);
    expect(reads()).toEqual([['/app/keys/k.pem', 'approved', 'bob'], ['/app/keys/k.pem', 'deny', 'alice'], ['/etc/passwd', 'deny', 'alice'], ['/etc/passwd', 'deny', 'alice']]);
  });

  it.each([['production', true], ['development', false]] as const)('handles a rule lookup that fails as an internal error (%s)', (level, refused) => {
    start(level);
    const failing = new RuleSet(rules, 'deny');
    failing.match = () => { throw new Error('match failed'); };
    startKernel({ rules: failing, level, actor: 'alice', writer, onInternalError: (e) => internalErrors.push(e) });
    const result = checkCoveredRead('/app/data/a.csv');
    if (refused) expect(result).toMatchObject({ ruleId: 'internal', target: '/app/data/a.csv' });
    else expect(result).toBeNull();
    expect(internalErrors).toHaveLength(1);
    expect(String(internalErrors[0])).toContain('match failed');
  });
});

describe('checkViolation', () => {
  it('blocks at staging and production, durably, naming the violation', () => {
    start('production');
    const error = checkViolation('module_load', '/app/src/gen.js', 'synthetic_data', 'Math.random() at line 3');
    expect(error).toMatchObject({ code: 'EGOVDENIED', violation: 'synthetic_data', ruleId: 'synthetic_data' });
    const reader = openAuditReader(dbPath);
    expect(reader.query({ decision: 'deny' })).toMatchObject([{ target: '/app/src/gen.js', violation: 'synthetic_data' }]);
    reader.close();
  });

  it('records would_deny in development', () => {
    start('development');
    expect(checkViolation('module_load', '/app/src/gen.js', 'deceptive_import', 'x')).toBeNull();
    expect(entries()).toMatchObject([{ decision: 'would_deny', violation: 'deceptive_import' }]);
  });
});
