// Shared types of the static checker. Public ones are re-exported from src/analysis/index.ts.

/** The five checks; each is also the violation type the runtime records. */
export type CheckName = 'synthetic_data' | 'secret' | 'missing_governance_import' | 'deceptive_import' | 'fake_method_call';

export type Severity = 'error' | 'warning';

/** One finding. JSON output is `{findings: Finding[], summary}` (DESIGN.md contract); extra fields are allowed. */
export interface Finding {
  /** Rule id, e.g. `secret/aws-access-key-id` or `synthetic_data/math-random`. */
  rule: string;
  /** The check the rule belongs to. */
  category: CheckName;
  /** Path relative to the working directory, with `/` separators. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
  severity: Severity;
}

/** The metadata every rule object carries (modelled on typescript-eslint and secretlint rules). */
export interface RuleMeta {
  id: string;
  check: CheckName;
  docs: { description: string };
  severity: Severity;
  /** Message templates by message id; `{{name}}` placeholders are filled from the report data. */
  messages: Readonly<Record<string, string>>;
}

/** Where in a file a report points; 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

export interface ReportDescriptor {
  messageId: string;
  data?: Readonly<Record<string, string>>;
  start: Position;
  /** End of the flagged text; reporters mask `start..end` of `secret` findings in every output. */
  end?: Position;
}

/** A rule that reads a file as text (used for secrets: every text file, not only JavaScript). */
export interface TextRule {
  meta: RuleMeta;
  scan(text: string, report: (descriptor: ReportDescriptor) => void): void;
}

/** What a module exports, as far as static analysis can tell. */
export interface ModuleExports {
  names: ReadonlySet<string>;
  hasDefault: boolean;
  /** The export shape could not be determined (e.g. `module.exports = build()`): rules stay silent. */
  dynamic: boolean;
}

/** Module resolution and export lookup shared by the AST rules; built once per check run. */
export interface ModuleIndex {
  /** Absolute path of the file `specifier` names from `fromFile`; `'builtin'` for Node built-ins; null if unresolved. */
  resolve(specifier: string, fromFile: string): string | null | 'builtin';
  /** Exports of a resolved file, or null when the file cannot be read or parsed. */
  exportsOf(file: string): ModuleExports | null;
}

/** A required import: files matching `glob` (relative to the root, `/` separators) must import `module`. */
export interface RequiredImport {
  glob: string;
  module: string;
}

/** Settings the rules read, taken from the config (`analysis`) and command-line options. */
export interface RuleSettings {
  /** Globs exempt from `synthetic_data`, besides the built-in test and fixture globs. */
  exempt: readonly string[];
  requireImport: readonly RequiredImport[];
}

export interface AstRuleContext {
  /** Absolute path. */
  file: string;
  /** Path relative to the root, with `/` separators. */
  relativeFile: string;
  code: string;
  ast: import('@babel/types').File;
  modules: ModuleIndex;
  settings: RuleSettings;
  report(descriptor: ReportDescriptor): void;
}

/** A rule over the parsed AST; all enabled rules run in one traversal (visitors merged). */
export interface AstRule {
  meta: RuleMeta;
  create(context: AstRuleContext): import('@babel/traverse').Visitor;
}
