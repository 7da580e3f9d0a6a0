// Which files synthetic data is allowed in: tests, fixtures, and the globs in `analysis.exempt`.
import picomatch from 'picomatch';
import type { AstFileContext } from '../types';
import { settingsPath } from '../engine/settings-path';

export const TEST_AND_FIXTURE_GLOBS: readonly string[] = [
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/__mocks__/**',
  '**/fixtures/**',
  '**/__fixtures__/**',
  '**/*.test.*',
  '**/*.spec.*',
];

const matchers = new WeakMap<readonly string[], (path: string) => boolean>();

export function isExempt(context: AstFileContext): boolean {
  const configured = context.settings.exempt;
  let matches = matchers.get(configured);
  if (!matches) {
    matches = picomatch([...TEST_AND_FIXTURE_GLOBS, ...configured], { dot: true });
    matchers.set(configured, matches);
  }
  return matches(settingsPath(context));
}
