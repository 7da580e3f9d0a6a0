// Network targets as the kernel sees them (`host:port`, `[v6]:port`, or a socket path), and the grants
// that let the handle layer skip a check the public layer already made for the same connection.
import { isIP } from 'node:net';
import { resolveTarget } from './fs-paths';
import { primordials } from '../primordials';
import type { ActionKind } from '../types';

const { MapPrototypeGet, MapPrototypeSet, MapPrototypeClear, MapPrototypeGetSize, StringPrototypeToLowerCase, StringPrototypeStartsWith, StringPrototypeEndsWith, StringPrototypeSlice } = primordials;
const GRANT_LIMIT = 1024;
const mapDelete = Map.prototype.delete;

/** `host:port`; IPv6 addresses in brackets, names lower-cased, a trailing dot dropped. */
export function hostPort(host: string, port: unknown): string {
  let name = StringPrototypeToLowerCase(host);
  if (name.length > 1 && StringPrototypeStartsWith(name, '[') && StringPrototypeEndsWith(name, ']')) name = StringPrototypeSlice(name, 1, -1);
  if (name.length > 1 && StringPrototypeEndsWith(name, '.')) name = StringPrototypeSlice(name, 0, -1);
  // An IPv4-mapped IPv6 address reaches the IPv4 host: match it as that host.
  if (StringPrototypeStartsWith(name, '::ffff:') && isIP(StringPrototypeSlice(name, 7)) === 4) name = StringPrototypeSlice(name, 7);
  return isIP(name) === 6 ? `[${name}]:${port as string}` : `${name}:${port as string}`;
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
