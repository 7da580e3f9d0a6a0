// The native fence for the network: the libuv handle methods every route ends in (net, tls, http(s),
// http2, fetch, dgram, and raw handles a program builds itself). A denied call returns EACCES to Node's
// own code, which then reports it the way it reports a refused socket; the public layer (net.ts) has
// usually refused earlier with the GovernanceDeniedError itself.
import dgram = require('node:dgram');
import net = require('node:net');
import { checkAction, checkExplicitDeny, checkViolation } from '../kernel/gate';
import { type GovernanceDeniedError, UV_EACCES } from '../kernel/errors';
import { primordials } from '../primordials';
import type { ActionKind } from '../types';
import { checkForeignDescriptor } from './fs-descriptors';
import { lockProperty, shapeLike } from './lock';
import { hostPort, isAbstractSocket, peerHostPort, socketPath, takeGrant } from './net-targets';
import { checkWrite } from './rules-files';

const { apply, getPrototypeOf, ownKeys, setElement, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;
const emit = require('node:events').EventEmitter.prototype.emit as Function;

type HandleMethod = (this: object, ...args: unknown[]) => unknown;

interface HandleProtos {
  tcp: Record<string, HandleMethod> | null;
  pipe: Record<string, HandleMethod> | null;
  udp: Record<string, HandleMethod> | null;
}

/**
 * The handle prototypes, reached without process.binding (refused under Node's permission model):
 * net.Socket#connect creates its handle synchronously and connects on a later tick, so a socket
 * destroyed at once never touches the network; a pipe connect to a path that cannot exist fails with
 * ENOENT; dgram creates its handle unbound. Under a permission model that refuses the network (Node
 * 26 without --allow-net) Node creates no handle at all: that handle type is fenced natively.
 */
function handlePrototypes(): HandleProtos {
  const tcp = socketHandlePrototype({ port: 9, host: '127.0.0.1' });
  const pipe = socketHandlePrototype({ path: '/nonexistent-mltrainer-governance-probe/socket' });
  const udpSocket = dgram.createSocket('udp4');
  const udpHandle = stateOf(udpSocket).handle;
  const udp = typeof udpHandle === 'object' && udpHandle !== null ? (getPrototypeOf(udpHandle) as Record<string, HandleMethod>) : null;
  udpSocket.close();
  return { tcp: orNativeFence(tcp, 'TCP'), pipe: orNativeFence(pipe, 'Pipe'), udp: orNativeFence(udp, 'UDP') };
}

function socketHandlePrototype(options: net.SocketConnectOpts): Record<string, HandleMethod> | null {
  const socket = new net.Socket();
  socket.on('error', ignore);
  try {
    socket.connect(options);
  } catch {
    // Refused synchronously (permission model): no handle.
  }
  const handle = (socket as unknown as { _handle: object | null })._handle;
  socket.destroy();
  return typeof handle === 'object' && handle !== null ? (getPrototypeOf(handle) as Record<string, HandleMethod>) : null;
}

function orNativeFence(proto: Record<string, HandleMethod> | null, name: string): Record<string, HandleMethod> | null {
  if (proto !== null) return proto;
  const permission = (process as unknown as { permission?: { has(scope: string): boolean } }).permission;
  if (permission !== undefined && !permission.has('net')) return null;
  throw new Error(`governance: cannot reach the ${name} handle prototype to govern the network`);
}

function ignore(): void {}

function stateOf(socket: object): { handle: object | null } {
  const symbols = ownKeys(socket);
  for (let i = 0; i < symbols.length; i++) {
    const key = symbols[i];
    if (typeof key === 'symbol' && key.description === 'state symbol') return (socket as Record<symbol, { handle: object | null }>)[key];
  }
  throw new Error('governance: cannot find the dgram socket state to govern UDP');
}

/** An address the public layer allowed (by the name it resolved from) still meets the deny rules. */
function check(kind: ActionKind, target: string): GovernanceDeniedError | null {
  return takeGrant(kind, target) ? checkExplicitDeny(kind, target) : checkAction(kind, target);
}

type Decide = (self: object, args: unknown[]) => GovernanceDeniedError | null;

/** Wraps and locks `proto[name]`; `decide` returns the denial for the call's arguments, or null. */
function govern(proto: Record<string, HandleMethod> | null, name: string, decide: Decide): void {
  const wrapper = governed(proto, name, decide);
  if (proto !== null && wrapper !== null) lockProperty(proto, name, wrapper);
}

function governed(proto: Record<string, HandleMethod> | null, name: string, decide: Decide): HandleMethod | null {
  const original = proto === null ? undefined : proto[name];
  if (typeof original !== 'function') return null;
  const wrapper = function (this: object, ...args: unknown[]): unknown {
    if (decide(this, args) !== null) return UV_EACCES;
    return apply(original, this, args);
  };
  return shapeLike(wrapper, original);
}

/**
 * The address or port argument `at`, converted once as the native method converts it (addresses with ToString,
 * ports with ToUint32) and written back: an object's toString or valueOf cannot answer the check one way and libuv
 * another (a pipe bind and a UDP bind took a path and a port the check never saw until 2026-11-22).
 */
function asString(args: unknown[], at: number): string {
  const value = `${args[at] as string}`;
  setElement(args, at, value);
  return value;
}

/**
 * The port as the socket gets it: the native method reads a uint32 and libuv's `htons` keeps its low 16 bits, so
 * `8080 + 65536` reached port 8080 past a rule on `*:8080` (a bypass until 2026-11-23).
 */
function asPort(args: unknown[], at: number): number {
  const value = ((args[at] as number) >>> 0) & 0xffff;
  setElement(args, at, value);
  return value;
}

// ---- TCP

/** The address a handle is bound to, asked with the prototype's own getsockname (undefined when it has none). */
function boundAddress(getsockname: HandleMethod | undefined, self: object): () => unknown {
  return () => {
    if (typeof getsockname !== 'function') return undefined;
    const out: { address?: unknown } = {};
    apply(getsockname, self, [out]);
    return out.address;
  };
}

const tcpConnect = (getsockname: HandleMethod | undefined): Decide => (self, args) =>
  check('net_connect', peerHostPort(asString(args, 1), asPort(args, 2), boundAddress(getsockname, self)));

/** Decided at listen, when the bound address (and an ephemeral port's number) is known. */
function tcpListen(proto: Record<string, HandleMethod>): (self: object) => GovernanceDeniedError | null {
  const getsockname = proto.getsockname;
  return (self) => {
    const out: { address?: unknown; port?: unknown } = {};
    apply(getsockname, self, [out]);
    // A handle never bound has no socket yet: libuv makes an IPv4 one and listen() binds it to 0.0.0.0 and an
    // ephemeral port. Decided as 'undefined:undefined' until 2026-11-23, which passed a rule on 0.0.0.0:*.
    const address = typeof out.address === 'string' ? out.address : '0.0.0.0';
    const port = typeof out.port === 'number' ? out.port : 0;
    const denied = checkListen(hostPort(address, port), apply(weakSetHas, v6OnlyHandles, [self]) as boolean);
    if (denied !== null) reportOnOwner(self, denied);
    return denied;
  };
}

/**
 * A socket bound to `[::]` without IPV6_V6ONLY is dual-stack (Linux's default, `net.ipv6.bindv6only` 0): it also
 * serves IPv4 on every interface, so it is decided as `0.0.0.0:<port>` too. `server.listen(port)` binds exactly that;
 * until 2026-11-23 a rule on `0.0.0.0:*` did not stop it. A handle opened on a descriptor counts as dual-stack.
 */
function checkListen(target: string, v6Only: boolean): GovernanceDeniedError | null {
  const denied = check('net_listen', target);
  if (denied !== null || v6Only || !StringPrototypeStartsWith(target, '[::]:')) return denied;
  return check('net_listen', `0.0.0.0:${StringPrototypeSlice(target, 5)}`);
}

// Handles bound with the IPv6-only flag (UV_TCP_IPV6ONLY and UV_UDP_IPV6ONLY are both 1).
const IPV6_ONLY = 1;
const v6OnlyHandles = new WeakSet<object>();
const weakSetHas = WeakSet.prototype.has;
const weakSetAdd = WeakSet.prototype.add;

/** The flags of a `bind6`, converted once as the native method converts them (ToUint32); notes an IPv6-only bind. */
function noteV6Only(self: object, args: unknown[], at: number): boolean {
  const flags = (args[at] as number) >>> 0;
  setElement(args, at, flags);
  const v6Only = (flags & IPV6_ONLY) !== 0;
  if (v6Only) apply(weakSetAdd, v6OnlyHandles, [self]);
  return v6Only;
}

const tcpBind6 = (self: object, args: unknown[]) => {
  noteV6Only(self, args, 2);
  return null;
};

/**
 * A refused listen makes Node emit EACCES on the server on a later tick; make that event carry the
 * denial instead. The owner is the server Node stored on the handle just before listening.
 */
function reportOnOwner(handle: object, denied: GovernanceDeniedError): void {
  const keys = ownKeys(handle);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key !== 'symbol' || key.description !== 'owner_symbol') continue;
    const owner = (handle as Record<symbol, unknown>)[key];
    if (typeof owner === 'object' && owner !== null) replaceNextError(owner, denied);
  }
}

function replaceNextError(emitter: object, denied: GovernanceDeniedError): void {
  primordials.defineProperty(emitter, 'emit', {
    configurable: true,
    writable: true,
    value: function (this: object, event: unknown): unknown {
      if (event !== 'error') return apply(emit, this, arguments); // forwarded whole: a spread runs Array's iterator
      delete (emitter as { emit?: unknown }).emit;
      return apply(emit, this, ['error', denied]);
    },
  });
}

// ---- Unix sockets: the path is the target; binding one also creates a file there.

const pipeConnect = (_self: object, args: unknown[]) => check('net_connect', socketPath(asString(args, 1)));

/**
 * The socket file a bind creates meets every write's protections (rules files, the audit log's database, key and
 * cache directories), as a listen through net.Server does. Until 2026-11-23 a raw bind met the rules only: with
 * the project writable it planted a socket at `audit.db-journal`, after which no governed process could start.
 */
const pipeBind = (self: object, args: unknown[]) => {
  const name = asString(args, 0);
  const path = socketPath(name);
  const denied = check('net_listen', path);
  if (denied !== null || isAbstractSocket(path)) return denied;
  const deniedWrite = takeGrant('file_write', path) ? checkExplicitDeny('file_write', path) : checkWrite(path);
  if (deniedWrite === null) apply(weakMapSet, boundNames, [self, name]);
  return deniedWrite;
};

// The name each Pipe handle was bound to, as given (libuv's chmod uses that name, relative or not).
const boundNames = new WeakMap<object, string>();
const weakMapGet = WeakMap.prototype.get;
const weakMapSet = WeakMap.prototype.set;

/**
 * `fchmod` (what `listen({ readableAll, writableAll })` calls) is libuv's chmod of the socket's *name*, which
 * follows whatever is there when it runs: a symlink put in place of the socket after the bind made it add read
 * and write bits for everyone to any file (until 2026-11-23). It is decided as a write of what the name resolves
 * to now; a handle this process did not bind (opened on a descriptor) has no name to decide and is refused.
 */
const pipeChmod = (self: object) => {
  const name = apply(weakMapGet, boundNames, [self]) as string | undefined;
  if (name === undefined) return checkViolation('file_write', 'unix-socket:unbound-handle', 'runtime_bypass', 'changing the mode of a unix socket this process did not bind: its path is unknown');
  const path = socketPath(name);
  return isAbstractSocket(path) ? null : checkWrite(path);
};

// ---- UDP: a bind to a fixed port receives datagrams (a listen); every send names its peer unless the
// socket was connected, which is decided at connect. An ephemeral bind (port 0) is what any sender does.

const udpBind = (self: object, args: unknown[]) => {
  const address = asString(args, 0);
  const port = asPort(args, 1);
  const v6Only = args.length > 2 && noteV6Only(self, args, 2);
  return port === 0 ? null : checkListen(hostPort(address, port), v6Only);
};
const udpConnect = (getsockname: HandleMethod | undefined): Decide => (self, args) =>
  check('net_connect', peerHostPort(asString(args, 0), asPort(args, 1), boundAddress(getsockname, self)));
const udpSend = (getsockname: HandleMethod | undefined): Decide => (self, args) =>
  (args.length >= 6 ? check('net_connect', peerHostPort(asString(args, 4), asPort(args, 3), boundAddress(getsockname, self))) : null);

/**
 * Both forms governed, the IPv6 one locked. Node gives a udp6 handle the IPv6 form under the IPv4 name (`handle.bind =
 * handle.bind6`, which a locked slot refused with a TypeError: udp6 sockets could not be made). So the IPv4 slot is a
 * locked accessor that reads as the governed IPv4 form, and whose setter gives a UDP handle an own, locked slot
 * holding the governed IPv6 form and nothing else: no assignment can put an ungoverned function there.
 */
function governUdp(proto: Record<string, HandleMethod> | null, name: string, name6: string, decide: Decide): void {
  const wrapper = governed(proto, name, decide);
  const wrapper6 = governed(proto, name6, decide);
  if (proto === null || wrapper === null) return;
  if (wrapper6 === null) return lockProperty(proto, name, wrapper);
  lockProperty(proto, name6, wrapper6);
  const existing = primordials.getOwnPropertyDescriptor(proto, name);
  primordials.defineProperty(proto, name, {
    __proto__: null,
    enumerable: existing !== undefined && existing.enumerable === true,
    configurable: false,
    get: () => wrapper,
    set: function (this: unknown, value: unknown) {
      if (value !== wrapper6 || typeof this !== 'object' || this === null || getPrototypeOf(this) !== proto) {
        throw new primordials.TypeError(`Cannot assign to read only property '${name}' of UDP handle`);
      }
      primordials.defineProperty(this, name, { __proto__: null, value, writable: false, enumerable: true, configurable: false } as PropertyDescriptor);
    },
  } as PropertyDescriptor);
}

// ---- A descriptor handed to a raw handle (`handle.open(fd)`, what `net.Socket({ fd })` and stdio use): a stream
// over one of the audit database's own descriptors wrote into the database (`new net.Socket({ handle })` on a Pipe
// the program opened with SQLite's descriptor) until 2026-11-23. The descriptor is converted once, as the native
// method converts it (ToInt32), and refused as runtime_bypass when it names a file of the audit log.
const openDescriptor = (_self: object, args: unknown[]) => {
  const fd = +(args[0] as number) | 0;
  setElement(args, 0, fd);
  return checkForeignDescriptor(fd);
};

const governedPrototypes: object[] = [];

/** The TCP, Pipe and UDP handle prototypes once governed (for the integrity watch). */
export function netHandlePrototypes(): readonly object[] {
  return governedPrototypes;
}

export function installNetHandleHooks(): void {
  const { tcp, pipe, udp } = handlePrototypes();
  for (const proto of [tcp, pipe, udp]) if (proto !== null) primordials.ArrayPrototypePush(governedPrototypes, proto);
  const tcpName = tcp === null ? undefined : tcp.getsockname;
  const udpName = udp === null ? undefined : udp.getsockname;
  govern(tcp, 'connect', tcpConnect(tcpName));
  govern(tcp, 'connect6', tcpConnect(tcpName));
  govern(tcp, 'bind6', tcpBind6);
  if (tcp !== null) govern(tcp, 'listen', tcpListen(tcp));
  govern(tcp, 'open', openDescriptor);
  govern(pipe, 'open', openDescriptor);
  govern(udp, 'open', openDescriptor);
  govern(pipe, 'connect', pipeConnect);
  govern(pipe, 'bind', pipeBind);
  govern(pipe, 'fchmod', pipeChmod);
  governUdp(udp, 'bind', 'bind6', udpBind);
  governUdp(udp, 'connect', 'connect6', udpConnect(udpName));
  governUdp(udp, 'send', 'send6', udpSend(udpName));
}
