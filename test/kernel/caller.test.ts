import { describe, expect, it } from 'vitest';
import { captureCallerSite, packageOf } from '../../src/kernel/caller';

describe('packageOf', () => {
  it.each([
    ['/app/node_modules/lodash/index.js', 'lodash'],
    ['/app/node_modules/@scope/pkg/lib/a.js', '@scope/pkg'],
    ['/app/node_modules/a/node_modules/b/x.js', 'b'],
    ['/app/src/main.js', null],
    ['/app/node_modules/@scope', null],
  ])('%s → %s', (file, name) => {
    expect(packageOf(file)).toBe(name);
  });
});

describe('captureCallerSite', () => {
  it('is not fooled by a user prepareStackTrace or stackTraceLimit', () => {
    const saved = Error.prepareStackTrace;
    const savedLimit = Error.stackTraceLimit;
    try {
      Error.prepareStackTrace = () => [{ getFileName: () => '/app/node_modules/ajv/x.js', getLineNumber: () => 1 }];
      Error.stackTraceLimit = 0;
      const site = captureCallerSite();
      expect(site?.packageName).not.toBe('ajv');
      expect(Error.prepareStackTrace).not.toBe(saved);
      expect(Error.stackTraceLimit).toBe(0);
    } finally {
      Error.prepareStackTrace = saved;
      Error.stackTraceLimit = savedLimit;
    }
  });
});
