// The files the active rules come from: the config file and the validated copy the loader caches in the
// state dir (a later process, a governed child included, loads its rules from that cache when the key
// matches, so forging it changes their rules). A write to either, however the policy reads, is an
// attempt to change the rules: decided as a `rule_modification` violation (refused at staging and
// production, recorded in development).
import nodePath = require('node:path');
import { governanceStatus } from '../activate';
import type { GovernanceDeniedError } from '../kernel/errors';
import { checkAction, checkViolation } from '../kernel/gate';
import { primordials } from '../primordials';
import { CONFIG_FILE_NAME, VALIDATED_CACHE } from '../rules/load';
import { resolveTarget } from './fs-paths';
import { checkLogWrite } from './log-files';
import { checkProcessMemory } from './process-memory';

// Captured at load: the paths are computed on first use, after user code could have replaced node:path's functions.
const { dirname, resolve } = nodePath;
const { StringPrototypeEndsWith, StringPrototypeStartsWith } = primordials;
const CONFIG_NAME = `/${CONFIG_FILE_NAME}`;

let files: readonly string[] | null = null;
/** `<directory of the active config>/`, or null without a config file (set with `files`). */
let configDirPrefix: string | null = null;

/** Symlink-resolved paths of the rules files; empty until activation has finished. */
export function rulesFiles(): readonly string[] {
  if (files !== null) return files;
  const status = governanceStatus();
  if (status === null) return [];
  const found: string[] = [];
  if (status.configSource !== null) {
    const config = resolveTarget(status.configSource, true);
    primordials.ArrayPrototypePush(found, config);
    configDirPrefix = `${dirname(config)}/`;
  }
  primordials.ArrayPrototypePush(found, resolveTarget(resolve(status.stateDir, VALIDATED_CACHE), true));
  files = primordials.freeze(found);
  return files;
}

/**
 * `file_write` of `target`: a rules file is a rule_modification whatever the rules say, a file of the
 * audit log a runtime_bypass (log-files.ts).
 */
export function checkWrite(target: string): GovernanceDeniedError | null {
  const protectedFiles = rulesFiles();
  for (let i = 0; i < protectedFiles.length; i++) {
    const file = protectedFiles[i];
    // `<file>.<pid>.tmp` too: the loader writes the validated copy there and renames it into place.
    if (file === target || (StringPrototypeStartsWith(target, file) && StringPrototypeEndsWith(target, '.tmp'))) {
      return checkViolation('file_write', target, 'rule_modification', 'writing a file the active rules are loaded from would change the rules');
    }
  }
  if (shadowsConfig(target)) return checkViolation('file_write', target, 'rule_modification', 'a config file below the active one\'s directory would be loaded instead of it by a process started there');
  return checkLogWrite(target) ?? checkProcessMemory('file_write', target) ?? checkAction('file_write', target);
}

/**
 * Whether `target` is a config file below the active config's directory. The loader takes the nearest config
 * above the working directory, so a planted `ok/governance.config.json` (development level, allow everything) would
 * govern the next process started in `ok/` instead of the operator's (until 2026-11-23 any writable directory could hold one).
 */
export function shadowsConfig(target: string): boolean {
  if (rulesFiles().length === 0 || configDirPrefix === null) return false;
  return StringPrototypeEndsWith(target, CONFIG_NAME) && StringPrototypeStartsWith(target, configDirPrefix);
}

/** Whether a directory moved from `from` to `to` (both resolved) comes from outside the active config's directory into it. */
export function movesIntoConfigDir(from: string, to: string): boolean {
  if (rulesFiles().length === 0 || configDirPrefix === null) return false;
  return StringPrototypeStartsWith(to, configDirPrefix) && !StringPrototypeStartsWith(from, configDirPrefix);
}
