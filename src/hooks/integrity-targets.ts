// What the integrity watch looks at: the objects whose slots the hooks lock; and the package's own
// modules, whose exports are frozen so that a reference that got out could not swap a function the
// hooks call (compiled modules look their imports up on those objects at each call). Once governance is
// active the live modules are out of require.cache anyway (own-modules.ts).
import childProcess = require('node:child_process');
import dns = require('node:dns');
import fs = require('node:fs');
import net = require('node:net');
import v8 = require('node:v8');
import nodePath = require('node:path');
import { primordials } from '../primordials';
import { dnsChannelPrototypes } from './net-dns';
import { netHandlePrototypes } from './net-handles';

// Captured at load: user code can replace these modules' functions.
const { resolve } = nodePath;

const { defineProperty, freeze, getOwnPropertyDescriptor, hasOwn, isFrozen, objectKeys, ArrayPrototypePush, StringPrototypeStartsWith } = primordials;
const moduleCache = require.cache;
/** The `loaded` getters freezeWhenLoaded installed, by module: only those are read through. */
const loadedGetters = new WeakMap<object, () => boolean>();
const weakMapGet = WeakMap.prototype.get;
const weakMapSet = WeakMap.prototype.set;
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
    // Read as data only: the program can plant entries (or accessors) here, and nothing of theirs may run or throw
    // in the watch. Governance's own live modules are not in require.cache once it is active (own-modules.ts).
    const entry = dataOf(moduleCache, filename);
    if (typeof entry !== 'object' || entry === null) continue;
    const loaded = getOwnPropertyDescriptor(entry, 'loaded');
    if (loaded === undefined) continue;
    if (hasOwn(loaded, 'value')) {
      if (loaded.value === true) freezeExports(entry as NodeJS.Module);
      else freezeWhenLoaded(entry as NodeJS.Module);
    } else if (loaded.get === primordials.apply(weakMapGet, loadedGetters, [entry])) {
      if ((entry as NodeJS.Module).loaded) freezeExports(entry as NodeJS.Module);
    }
  }
}

/** `owner[key]` when it is a data property; undefined for an accessor (whose getter is not run). */
function dataOf(owner: object, key: string): unknown {
  const descriptor = getOwnPropertyDescriptor(owner, key);
  return descriptor !== undefined && hasOwn(descriptor, 'value') ? descriptor.value : undefined;
}

function freezeExports(entry: NodeJS.Module): void {
  const exported = dataOf(entry, 'exports');
  if ((typeof exported === 'object' || typeof exported === 'function') && exported !== null && !isFrozen(exported)) freeze(exported);
}

function freezeWhenLoaded(entry: NodeJS.Module): void {
  const descriptor = getOwnPropertyDescriptor(entry, 'loaded');
  if (descriptor === undefined || descriptor.configurable !== true || descriptor.set !== undefined) return;
  let loaded = descriptor.value as boolean;
  const get = (): boolean => loaded;
  primordials.apply(weakMapSet, loadedGetters, [entry, get]);
  defineProperty(entry, 'loaded', {
    enumerable: descriptor.enumerable,
    configurable: true,
    get,
    set(value: boolean) {
      loaded = value;
      if (value) freezePackageExports();
    },
  });
}
