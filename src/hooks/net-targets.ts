// Network targets as the kernel sees them (`host:port`, `[v6]:port`, or a socket path), and the grants
// that let the handle layer skip a check the public layer already made for the same connection.
import { isIP } from 'node:net';
import { cString, resolveTarget } from './fs-paths';
import { canonicalIPv6 } from '../rules/ipv6';
import { primordials } from '../primordials';
import type { ActionKind } from '../types';

const { MapPrototypeGet, MapPrototypeSet, MapPrototypeClear, MapPrototypeGetSize, StringPrototypeToLowerCase, StringPrototypeStartsWith, StringPrototypeEndsWith, StringPrototypeIndexOf, StringPrototypeSlice } = primordials;
const GRANT_LIMIT = 1024;
const mapDelete = Map.prototype.delete;

/**
 * `host:port`; IPv6 addresses in brackets, names lower-cased, a trailing dot dropped. The host as C reads it (up
 * to a NUL): libuv's inet_pton and getaddrinfo stop there, so `127.0.0.1\0x` handed to a raw handle reached
 * 127.0.0.1 past a deny rule on it, and `localhost\0x` resolved as localhost (until 2026-11-23).
 */
export function hostPort(host: string, port: unknown, reader: AddressReader = 'socket'): string {
  let name = StringPrototypeToLowerCase(cString(host));
  if (name.length > 1 && StringPrototypeStartsWith(name, '[') && StringPrototypeEndsWith(name, ']')) name = StringPrototypeSlice(name, 1, -1);
  if (name.length > 1 && StringPrototypeEndsWith(name, '.')) name = StringPrototypeSlice(name, 0, -1);
  name = zonedAddress(name, reader);
  if (isIP(name) !== 6) return `${name}:${port as string}`;
  name = canonicalIPv6(name);
  return isIP(name) === 6 ? `[${name}]:${port as string}` : `${name}:${port as string}`;
}

/**
 * `hostPort` for the far end of a connect or a send. Linux routes a connect to the unspecified address to this
 * host: to the address the socket is bound to, or, unbound, to loopback (`0.0.0.0` reaches `127.0.0.1`, `::`
 * reaches `::1`; so do `0`, `0x0`, `::ffff:0.0.0.0` and `0:0::0`). Such a peer is decided as the address it
 * reaches (until 2026-11-23 they passed deny rules on `127.0.0.1:*` and `[::1]:*`, and with a bound local address
 * on that address). `bound` (asked only for such a peer) gives the socket's bound address, if it knows it. A
 * listen's wildcard keeps its own spelling (`hostPort`).
 */
export function peerHostPort(host: string, port: unknown, bound?: () => unknown, reader: AddressReader = 'socket'): string {
  const target = hostPort(host, port, reader);
  const v4 = StringPrototypeStartsWith(target, '0.0.0.0:');
  if (!v4 && !StringPrototypeStartsWith(target, '[::]:')) return target;
  const local = bound === undefined ? undefined : bound();
  if (typeof local === 'string' && local !== '') {
    const reached = hostPort(local, port);
    if (!StringPrototypeStartsWith(reached, '0.0.0.0:') && !StringPrototypeStartsWith(reached, '[::]:')) return reached;
  }
  return v4 ? `127.0.0.1:${StringPrototypeSlice(target, 8)}` : `[::1]:${StringPrototypeSlice(target, 5)}`;
}

/** What libuv's uv_ip6_addr keeps of an address before its zone id: at most 39 characters (its buffer's size). */
const ZONED_ADDRESS_LIMIT = 39;
/** uv_inet_pton (what Node hands a resolver's servers to) refuses an address part longer than this before a zone. */
const PTON_ZONED_LIMIT = 45;

/** How a native call reads an IPv6 address: uv_ip6_addr (sockets: connect, bind, send) or uv_inet_pton (resolver servers). */
export type AddressReader = 'socket' | 'pton';

/**
 * An address with a zone id (`<address>%<zone>`) as libuv reads it: the zone is cut off whatever it holds, and
 * uv_ip6_addr cuts the address part to 39 characters before inet_pton (uv_inet_pton refuses more than 45). Node's
 * isIP is stricter about both, so `::1%lo/x` (a zone isIP refuses) and `0000:0000:0000:0000:0000:ffff:127.0.0.10%lo`
 * (which a socket reads as `...127.0.0.1`) were decided as other targets and reached ::1 and 127.0.0.1 past deny
 * rules on them (raw handles, and the second through `net.connect` too; every line, until 2026-11-23). Anything
 * else stays as given.
 */
function zonedAddress(name: string, reader: AddressReader): string {
  const zone = StringPrototypeIndexOf(name, '%');
  if (zone < 0) return name;
  if (reader === 'pton' && zone > PTON_ZONED_LIMIT) return name; // refused there
  const end = reader === 'socket' && zone > ZONED_ADDRESS_LIMIT ? ZONED_ADDRESS_LIMIT : zone;
  const address = StringPrototypeSlice(name, 0, end);
  return isIP(address) === 6 ? address : name;
}

export function isIpAddress(host: string): boolean {
  return isIP(host) !== 0;
}

// Endpoints the public layer has decided and allowed, each good for one native connect.
const grants = new primordials.SafeMap<string, number>();

export function grant(kind: ActionKind, target: string): void {
  const key = `${kind}|${target}`;
  if (MapPrototypeGetSize(grants) >= GRANT_LIMIT) MapPrototypeClear(grants);
  MapPrototypeSet(grants, key, (MapPrototypeGet(grants, key) ?? 0) + 1);
}

/** Consumes one grant for `kind:target`; true when there was one. */
export function takeGrant(kind: ActionKind, target: string): boolean {
  const key = `${kind}|${target}`;
  const count = MapPrototypeGet(grants, key);
  if (count === undefined) return false;
  if (count <= 1) primordials.apply(mapDelete, grants, [key]);
  else MapPrototypeSet(grants, key, count - 1);
  return true;
}

/** The size of `sockaddr_un.sun_path` on Linux. */
const SUN_PATH_SIZE = 108;
const byteLength = Buffer.byteLength;
const bufferFrom = Buffer.from;
const bufferToString = Buffer.prototype.toString;

/**
 * The name as the kernel gets it: libuv before 1.52 (Node 20 and 22) copies at most the first 108 bytes of a
 * longer name into `sun_path` and binds or connects there, so `<108 bytes naming a forbidden socket>/../ok/x.sock`
 * was decided as `ok/x.sock` and reached the forbidden one (a bypass until 2026-11-23). Later versions refuse such
 * a name (EINVAL), so deciding its first 108 bytes is only stricter there.
 */
function asSunPath(path: string): string {
  if (path.length * 3 <= SUN_PATH_SIZE || byteLength(path, 'utf8') <= SUN_PATH_SIZE) return path;
  return primordials.apply(bufferToString, bufferFrom(path, 'utf8'), ['utf8', 0, SUN_PATH_SIZE]) as string;
}

/** The kernel's target for a unix socket path; Linux abstract names (leading NUL) are kept as they are. */
export function socketPath(path: string): string {
  const name = asSunPath(path);
  return name.length > 0 && primordials.StringPrototypeCharCodeAt(name, 0) === 0 ? name : resolveTarget(name, true);
}

export function isAbstractSocket(target: string): boolean {
  return primordials.StringPrototypeCharCodeAt(target, 0) === 0;
}
