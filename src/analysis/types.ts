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
  /** End of the flagged text (1-based, exclusive column) when the rule knows it. */
  endLine?: number;
  endColumn?: number;
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

/** How a module is loaded: `import`/`export … from` (the default) or `require()`; picks package conditions and the export view. */
export type ModuleLoadKind = 'import' | 'require';

/** The members a class has, its inherited ones included. */
export interface ClassMembers {
  /** The class's declared name (`default` for an anonymous default export). */
  name: string;
  /** Absolute path of the file that declares the class. */
  file: string;
  instance: ReadonlySet<string>;
  statics: ReadonlySet<string>;
}

/** Module resolution and export lookup shared by the AST rules; built once per check run. */
export interface ModuleIndex {
  /** Absolute path of the file `specifier` names from `fromFile`; `'builtin'` for Node built-ins; null if unresolved. */
  resolve(specifier: string, fromFile: string, kind?: ModuleLoadKind): string | null | 'builtin';
  /**
   * Exports of a resolved file (or of the built-in `specifier` when `file` is `node:…`), or null when the file cannot
   * be read or parsed. `kind: 'require'` gives what `require()` returns: for CommonJS the `module.exports` keys
   * (`default` only if set), for JSON the object's keys; `import` (default) gives what an ESM import sees.
   */
  exportsOf(file: string, kind?: ModuleLoadKind): ModuleExports | null;
  /**
   * Members of the class bound to `localName` at the top level of `file`, declared there or imported (followed
   * through re-exports), with inherited members; null when unknown or open to additions the index cannot follow.
   */
  classMembers(file: string, localName: string): ClassMembers | null;
}

/** A required import: files matching `glob` (relative to the root, `/` separators) must import `module`. */
export interface RequiredImport {
  glob: string;
  module: string;
}

/** Settings the rules read, taken from the config (`analysis`) and command-line options. */
export interface RuleSettings {
  /** Directory the globs below are relative to (the config file's folder); default the run's `cwd`. */
  baseDir: string;
  /** Globs exempt from `synthetic_data`, besides the built-in test and fixture globs. */
  exempt: readonly string[];
  requireImport: readonly RequiredImport[];
}

/** What a rule sees of one parsed file. */
export type AstFileContext = Omit<AstRuleContext, 'report'>;

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
  /**
   * A cheap test on the source text: false means the rule cannot report anything in it, so it is skipped
   * (and the file is not parsed when no rule is left). It must never be false for code the rule would flag.
   */
  mayApply?(code: string): boolean;
  /**
   * A cheap look at the parsed file, without scopes (a plain walk and module-index lookups): false means the
   * rule's visitor cannot report anything here, so it is left out of the traversal (and the file is not
   * traversed at all when no rule is left). Like mayApply, it must never be false for code the rule would flag.
   */
  mayReport?(context: AstFileContext): boolean;
  create(context: AstRuleContext): import('@babel/traverse').Visitor;
}

/** Options of a check run (`checkFiles`) and of a one-file check (`checkSource`). */
export interface CheckOptions {
  /** Directory findings are relative to and where `.governanceignore` is read; default `process.cwd()`. */
  cwd?: string;
  /** Checks to run; default all five. */
  checks?: readonly CheckName[];
  settings?: Partial<RuleSettings>;
  /** Check the files staged in the git index, reading their staged content (`git show :path`). */
  staged?: boolean;
  /**
   * Run every check on files that look generated or minified (over 256 KB, or lines of over 250 characters on
   * average). Default false for `checkFiles` (they get the secret check only and are listed in
   * `summary.secretsOnly`), true for `checkSource`.
   */
  checkGenerated?: boolean;
}

export interface CheckSummary {
  filesScanned: number;
  /** Files left out: binary, too large, or unparseable as JavaScript/TypeScript (secrets still scanned). */
  filesSkipped: number;
  findings: number;
  byCategory: Record<CheckName, number>;
  bySeverity: Record<Severity, number>;
  /** Findings hidden by a baseline. */
  suppressed: number;
  durationMs: number;
  /** Files that could not be parsed, with the parser's message. */
  parseErrors: Array<{ file: string; message: string }>;
  /** Files that looked generated or minified: scanned for secrets, the AST checks not run (see `checkGenerated`). */
  secretsOnly: string[];
}

export interface CheckResult {
  findings: Finding[];
  summary: CheckSummary;
  /** Text of every file that has a finding, by `Finding.file`, for code frames and baselines. */
  sources: ReadonlyMap<string, string>;
}
