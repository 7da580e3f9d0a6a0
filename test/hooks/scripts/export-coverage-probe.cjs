// Lists the function exports of process, dns and dns/promises before and after installHooks (kernel
// started with an allow-all rule set and no audit log) and reports, per export, whether it was replaced
// and locked; also whether every method of the c-ares channel that sends a query or sets servers is locked.
'use strict';
const { join } = require('node:path');
const dns = require('node:dns');
const dist = join(__dirname, '..', '..', '..', 'dist', 'src');

function functions(owner) {
  const out = {};
  for (const key of Object.getOwnPropertyNames(owner)) {
    const descriptor = Object.getOwnPropertyDescriptor(owner, key);
    if (descriptor && typeof descriptor.value === 'function') out[key] = descriptor.value;
  }
  return out;
}

const owners = { process, dns, promises: dns.promises };
const before = Object.fromEntries(Object.entries(owners).map(([name, owner]) => [name, functions(owner)]));
const { startKernel } = require(join(dist, 'kernel', 'gate.js'));
const { RuleSet } = require(join(dist, 'rules', 'match.js'));
const { installHooks } = require(join(dist, 'hooks', 'index.js'));
startKernel({ rules: new RuleSet([], 'allow'), level: 'production', actor: 'probe', writer: null, onInternalError: (e) => { throw e; } });
installHooks();

const isLocked = (owner, key) => {
  const descriptor = Object.getOwnPropertyDescriptor(owner, key);
  return descriptor !== undefined && descriptor.writable === false && descriptor.configurable === false;
};
const report = {};
for (const [name, owner] of Object.entries(owners)) {
  report[name] = {};
  for (const [key, original] of Object.entries(before[name])) report[name][key] = { replaced: owner[key] !== original, locked: isLocked(owner, key) };
}
const channel = Object.getPrototypeOf(new dns.Resolver()._handle);
const channelMethods = Object.getOwnPropertyNames(channel).filter((key) => key.startsWith('query') || key === 'getHostByAddr' || key === 'setServers');
process.stdout.write(JSON.stringify({ node: process.version, report, channel: Object.fromEntries(channelMethods.map((key) => [key, isLocked(channel, key)])) }));
