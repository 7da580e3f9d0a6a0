// The path that the configured globs (analysis.exempt, analysis.requireGovernanceImport) are matched against.
import { relative } from 'node:path';
import type { AstRuleContext } from '../types';
import { toPosix } from './paths';

export function settingsPath(context: AstRuleContext): string {
  return toPosix(relative(context.settings.baseDir, context.file));
}
