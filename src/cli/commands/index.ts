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
  { name: ['audit', 'tail'], summary: 'follow new audit entries as they are written', load: () => require('./audit-tail').default },
  { name: ['audit', 'checkpoint'], summary: 'write the latest signed checkpoint for an auditor', load: () => require('./audit-checkpoint').default },
  { name: ['audit', 'proof'], summary: 'inclusion or consistency proof from the Merkle tree', load: () => require('./audit-proof').default },
  { name: ['audit', 'export'], summary: 'write a portable bundle (bodies, checkpoints, public keys)', load: () => require('./audit-export').default },
  { name: ['audit', 'verify-export'], summary: 'verify an exported bundle with node:crypto only', load: () => require('./audit-verify-export').default },
  { name: ['audit', 'redact'], summary: 'redact entry bodies (by seq, range or age), keeping their leaf hashes', load: () => require('./audit-redact').default },
  { name: ['keys', 'init'], summary: 'create the log signing key and print its public key', load: () => require('./keys-init').default },
  { name: ['keys', 'show'], summary: 'print the log signing public key and its key id', load: () => require('./keys-show').default },
  { name: ['keys', 'rotate'], summary: 'start a new key epoch (certified by the outgoing key, which is destroyed)', load: () => require('./keys-rotate').default },
  { name: ['run'], summary: "run a program with the governance preload and Node's permission model as a native floor", load: () => require('./run').default },
  { name: ['check'], summary: 'static checks: synthetic data, secrets, governance imports, deceptive imports, fake method calls', load: () => require('./check').default },
];
