// The path that the configured globs (analysis.exempt, analysis.requireGovernanceImport) are matched against.
import { relative } from 'node:path';
import type { AstFileContext } from '../types';
import { toPosix } from './paths';

export function settingsPath(context: AstFileContext): string {
  return toPosix(relative(context.settings.baseDir, context.file));
}
