// Registry of commands. Each is loaded only when selected, so heavy modules stay out of start-up.
import type { Command } from '../command';

export interface CommandEntry {
  name: readonly string[];
  summary: string;
  load(): Command;
}

export const commands: readonly CommandEntry[] = [
  { name: ['init'], summary: 'write a starter config, create the state dir and keys', load: () => require('./init').default },
  { name: ['verify'], summary: 'check the installation: preload, config, keys, audit log', load: () => require('./verify').default },
  { name: ['audit', 'query'], summary: 'list audit entries', load: () => require('./audit-query').default },
  { name: ['audit', 'verify'], summary: 'verify the audit log hash chain and checkpoints', load: () => require('./audit-verify').default },
  { name: ['check'], summary: 'static checks: synthetic data, secrets, governance imports, deceptive imports, fake method calls', load: () => require('./check').default },
];
