// Governs the network: net_connect for every client socket (net, tls, http(s), http2, fetch, dgram)
// and net_listen for every server (plus file_write of a unix socket's path). Two layers: the public
// net.Socket#connect / net.Server#listen decide the target as the program named it (a host name the
// policy may name) and surface a GovernanceDeniedError; the handle layer (net-handles.ts) decides
// whatever reaches libuv, by address, and lets through only what the public layer already allowed.
import dns = require('node:dns');
import net = require('node:net');
import { checkAction } from '../kernel/gate';
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';
import { lockProperty, shapeLike } from './lock';
import { dnsTarget, installDnsHooks } from './net-dns';
import { installNetHandleHooks } from './net-handles';
import { grant, isAbstractSocket, isIpAddress, peerHostPort, socketPath } from './net-targets';
import { refuseSteeredLookup } from './resolver-environment';
import { checkWrite } from './rules-files';

const { apply, isArray } = primordials;
const nextTick = process.nextTick;
const dnsLookup = dns.lookup;
const emit = require('node:events').EventEmitter.prototype.emit as Function;

interface ConnectOptions {
  host?: unknown;
  port?: unknown;
  path?: unknown;
  lookup?: unknown;
}

/** The options object and callback of a connect call in any of its forms, or null for Node to reject. */
function connectRequest(args: unknown[]): { options: ConnectOptions; callback: unknown } | null {
  let first = args[0];
  let callback = args[1];
  if (isArray(first)) {
    // net.connect() hands Socket#connect its normalised [options, callback] pair.
    callback = (first as unknown[])[1];
    first = (first as unknown[])[0];
  }
  if (typeof first === 'object' && first !== null) return { options: pinned(first), callback };
  if (typeof first === 'string' && !isPortNumber(first)) return { options: { path: first }, callback };
  if (typeof first === 'number' || typeof first === 'string') {
    const host = typeof args[1] === 'string' ? args[1] : undefined;
    return { options: { port: first, host }, callback: host === undefined ? args[1] : args[2] };
  }
  return null;
}

/** The keys that name the endpoint (and who resolves it). */
const ENDPOINT_KEYS: readonly (keyof ConnectOptions)[] = ['host', 'port', 'path', 'lookup'];

/**
 * A copy of the options in which the endpoint keys are own, plain values read once: an inherited getter
 * (`Object.prototype.host`) could otherwise answer the check one name and Node another, which the granting
 * lookup then resolved ungoverned and granted (a bypass until 2026-11-23).
 */
function pinned(source: object): ConnectOptions {
  const options = { ...(source as ConnectOptions) };
  for (let i = 0; i < ENDPOINT_KEYS.length; i++) {
    const key = ENDPOINT_KEYS[i];
    primordials.defineProperty(options, key, { __proto__: null, value: options[key], writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
  }
  return options;
}

function isPortNumber(value: unknown): boolean {
  const n = +(value as number);
  return n >= 0 && n <= 65535 && `${n}` === `${value as string}`;
}

/**
 * A lookup that grants the handle layer the addresses a policy-allowed host name resolved to. Any other
 * name goes to the public (governed) dns.lookup and grants nothing.
 */
function grantingLookup(host: string, port: unknown): Function {
  return function lookup(hostname: string, options: unknown, callback: Function): void {
    if (hostname !== host) return void apply(dns.lookup, dns, [hostname, options, callback]);
    const steered = refuseSteeredLookup(dnsTarget(hostname));
    if (steered !== null) return void callback(steered);
    apply(dnsLookup, dns, [hostname, options, (error: unknown, address: unknown, family: unknown) => {
      if (!error) {
        // By index: a replaced Array iterator could otherwise name any address to grant.
        if (isArray(address)) for (let i = 0; i < (address as unknown[]).length; i++) grant('net_connect', peerHostPort((address as { address: string }[])[i].address, port));
        else if (typeof address === 'string') grant('net_connect', peerHostPort(address, port));
      }
      callback(error, address, family);
    }]);
  };
}

function refuseConnect(socket: net.Socket, denied: GovernanceDeniedError): net.Socket {
  // As if connecting: writes queue instead of failing as "socket closed", then the denial ends it.
  (socket as unknown as { connecting: boolean }).connecting = true;
  nextTick(() => socket.destroy(denied));
  return socket;
}

function governedConnect(original: Function): Function {
  const wrapper = function (this: net.Socket, ...args: unknown[]): unknown {
    const request = connectRequest(args);
    if (request === null) return apply(original, this, args);
    const { options, callback } = request;
    const callArgs = typeof callback === 'function' ? [options, callback] : [options];
    if (typeof options.path === 'string') {
      const target = socketPath(options.path);
      const denied = checkAction('net_connect', target);
      if (denied !== null) return refuseConnect(this, denied);
      grant('net_connect', target);
      return apply(original, this, callArgs);
    }
    if (!isPortNumber(options.port)) return apply(original, this, args); // Node rejects it
    const host = typeof options.host === 'string' && options.host !== '' ? options.host : 'localhost';
    const target = peerHostPort(host, +(options.port as number));
    const denied = checkAction('net_connect', target);
    if (denied !== null) return refuseConnect(this, denied);
    if (isIpAddress(host)) grant('net_connect', target);
    // A caller's own lookup may answer anything: then the handle layer decides by address.
    else if (options.lookup === undefined) options.lookup = grantingLookup(host, +(options.port as number));
    return apply(original, this, callArgs);
  };
  return shapeLike(wrapper, original);
}

/** A unix socket path passed to listen, or null for ports, handles and descriptors. */
function listenPath(args: unknown[]): string | null {
  const first = args[0];
  if (typeof first === 'string' && !isPortNumber(first)) return first;
  if (typeof first === 'object' && first !== null && !isArray(first)) {
    const path = (first as { path?: unknown }).path;
    if (typeof path === 'string') return path;
  }
  return null;
}

function governedListen(original: Function): Function {
  const wrapper = function (this: net.Server, ...args: unknown[]): unknown {
    const path = listenPath(args);
    if (path === null) return apply(original, this, args); // TCP: decided at the handle, once bound
    const target = socketPath(path);
    let denied = checkAction('net_listen', target);
    if (denied === null && !isAbstractSocket(target)) denied = checkWrite(target);
    if (denied !== null) {
      const server = this;
      nextTick(() => apply(emit, server, ['error', denied]));
      return this;
    }
    grant('net_listen', target);
    if (!isAbstractSocket(target)) grant('file_write', target);
    return apply(original, this, args);
  };
  return shapeLike(wrapper, original);
}

export function installNetHooks(): void {
  installNetHandleHooks();
  installDnsHooks();
  const socketProto = net.Socket.prototype as unknown as Record<string, Function>;
  lockProperty(socketProto, 'connect', governedConnect(socketProto.connect));
  const serverProto = net.Server.prototype as unknown as Record<string, Function>;
  lockProperty(serverProto, 'listen', governedListen(serverProto.listen));
}
