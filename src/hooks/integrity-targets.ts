// What the integrity watch looks at: the objects whose slots the hooks lock, and the package's own
// modules, whose exports are frozen so that nothing reachable through require.cache can swap a
// function the hooks call (compiled modules look their imports up on those objects at each call).
import childProcess = require('node:child_process');
import dns = require('node:dns');
import fs = require('node:fs');
import net = require('node:net');
import v8 = require('node:v8');
import { resolve } from 'node:path';
import { primordials } from '../primordials';
import { dnsChannelPrototypes } from './net-dns';
import type { Tamper } from './integrity-watch';
import { netHandlePrototypes } from './net-handles';

const { defineProperty, freeze, getOwnPropertyDescriptor, isFrozen, objectKeys, ArrayPrototypePush, MapPrototypeGet, MapPrototypeSet, StringPrototypeStartsWith } = primordials;
const moduleCache = require.cache;
const packageRoot = resolve(__dirname, '..', '..');
const ownPrefixes = [`${packageRoot}/src/`, `${packageRoot}/register.`];

export interface WatchedOwner {
  owner: object;
  label: string;
}

export function watchedOwners(): WatchedOwner[] {
  const owners: WatchedOwner[] = [
    { owner: fs, label: 'fs' },
    { owner: fs.promises, label: 'fs.promises' },
    { owner: childProcess, label: 'child_process' },
    { owner: childProcess.ChildProcess.prototype, label: 'ChildProcess.prototype' },
    { owner: process, label: 'process' },
    { owner: net.Socket.prototype, label: 'net.Socket.prototype' },
    { owner: net.Server.prototype, label: 'net.Server.prototype' },
    { owner: v8, label: 'v8' },
    { owner: dns, label: 'dns' },
    { owner: dns.promises, label: 'dns.promises' },
  ];
  const handles = netHandlePrototypes();
  for (let i = 0; i < handles.length; i++) ArrayPrototypePush(owners, { owner: handles[i], label: `net handle ${i}` });
  const channels = dnsChannelPrototypes();
  for (let i = 0; i < channels.length; i++) ArrayPrototypePush(owners, { owner: channels[i], label: 'dns channel' });
  return owners;
}

function isOwnModule(filename: string): boolean {
  for (let i = 0; i < ownPrefixes.length; i++) if (StringPrototypeStartsWith(filename, ownPrefixes[i])) return true;
  return false;
}

/**
 * Freezes the exports of every loaded module of this package. A module still loading (the entry that
 * is activating governance) is frozen, with everything it loaded meanwhile, the moment Node marks it
 * loaded, before any user code runs.
 */
export function freezePackageExports(): void {
  const filenames = objectKeys(moduleCache);
  for (let i = 0; i < filenames.length; i++) {
    const filename = filenames[i];
    if (!isOwnModule(filename)) continue;
    const entry = moduleCache[filename];
    if (entry === undefined) continue;
    if (entry.loaded) freezeExports(entry);
    else freezeWhenLoaded(entry);
  }
}

/** A module of this package as it was when its exports were frozen. */
interface FrozenModule {
  filename: string;
  entry: NodeJS.Module;
  exports: unknown;
  reported: boolean;
}

const frozenModules: FrozenModule[] = [];
const frozenByName = new primordials.SafeMap<string, FrozenModule>();

function freezeExports(entry: NodeJS.Module): void {
  const exported = entry.exports as unknown;
  if ((typeof exported === 'object' || typeof exported === 'function') && exported !== null && !isFrozen(exported)) freeze(exported);
  if (MapPrototypeGet(frozenByName, entry.filename) !== undefined) return;
  const frozen: FrozenModule = { filename: entry.filename, entry, exports: exported, reported: false };
  ArrayPrototypePush(frozenModules, frozen);
  MapPrototypeSet(frozenByName, entry.filename, frozen);
}

/**
 * Reports each module of this package whose require.cache entry was replaced, or whose exports object
 * was swapped, since it was frozen (the hooks keep the originals; this notices the try). A removed entry
 * alone is not reported: cache-busting tools remove entries, and the next load makes a replaced one.
 */
export function checkPackageModules(onChange: (tamper: Tamper) => void): void {
  for (let i = 0; i < frozenModules.length; i++) {
    const frozen = frozenModules[i];
    if (frozen.reported) continue;
    const entry = moduleCache[frozen.filename];
    if (entry === undefined || (entry === frozen.entry && entry.exports === frozen.exports)) continue;
    frozen.reported = true;
    onChange({ label: `module ${frozen.filename}`, detail: entry === frozen.entry ? 'exports replaced' : 'replaced in require.cache' });
  }
}

function freezeWhenLoaded(entry: NodeJS.Module): void {
  const descriptor = getOwnPropertyDescriptor(entry, 'loaded');
  if (descriptor === undefined || descriptor.configurable !== true || descriptor.set !== undefined) return;
  let loaded = descriptor.value as boolean;
  defineProperty(entry, 'loaded', {
    enumerable: descriptor.enumerable,
    configurable: true,
    get: () => loaded,
    set(value: boolean) {
      loaded = value;
      if (value) freezePackageExports();
    },
  });
}
