// Governs DNS queries a program makes itself: a query carries its name to a resolver, so data can leave
// through DNS names. Each is decided as `net_connect` of `dns:<name>` (`dns:<address>` for reverse
// lookups); pointing a resolver at other servers is `net_connect` of each `server:port`. The lookups
// Node makes for a connection (net.Socket#connect to a host name) are covered by that connection's own
// decision and not decided again.
// getaddrinfo is reached only through the public lookup functions, which surface a GovernanceDeniedError
// the way Node reports a failed lookup. Every resolver query (dns.resolve*, dns.promises.resolve*,
// Resolver objects, whose methods Node binds at load) ends in the c-ares channel's methods, which throw
// the denial: the callback API throws it as it throws its own query errors, the promise API rejects.
import dns = require('node:dns');
import { checkAction } from '../kernel/gate';
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';
import { cString } from './fs-paths';
import { guardMethod, lockProperty, shapeLike } from './lock';
import { isIpAddress, peerHostPort } from './net-targets';
import { refuseSteeredLookup } from './resolver-environment';
import { surfaceError, type ApiForm } from './surface';

const { apply, getPrototypeOf, isArray, StringPrototypeEndsWith, StringPrototypeSlice, StringPrototypeStartsWith, StringPrototypeToLowerCase } = primordials;
const DNS_PORT = 53;

/**
 * `dns:<name>`, lower-cased, without a trailing dot, and up to a NUL: c-ares and getaddrinfo read the name as a C
 * string, so `secret.internal\0x` queried `secret.internal` past a rule on it (until 2026-11-23).
 */
export function dnsTarget(name: string): string {
  let normal = StringPrototypeToLowerCase(cString(name));
  if (normal.length > 1 && StringPrototypeEndsWith(normal, '.')) normal = StringPrototypeSlice(normal, 0, -1);
  return `dns:${normal}`;
}

/**
 * Decides a query about `name`. `literalIsLocal`: getaddrinfo answers an address literal itself, without
 * a query (resolver queries and reverse lookups always send one).
 */
function checkQuery(name: unknown, literalIsLocal: boolean): GovernanceDeniedError | null {
  if (typeof name !== 'string' || name === '') return null; // Node rejects it before any query
  if (literalIsLocal && isIpAddress(name)) return null;
  const target = dnsTarget(name);
  return (literalIsLocal ? refuseSteeredLookup(target) : null) ?? checkAction('net_connect', target);
}

function wrapLookup(original: Function, form: ApiForm, literalIsLocal: boolean): Function {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const denied = checkQuery(args[0], literalIsLocal);
    if (denied !== null) return surfaceError(form, denied, args);
    return apply(original, this, args);
  };
  return shapeLike(wrapper, original);
}

type ChannelMethod = (this: object, ...args: unknown[]) => unknown;

/**
 * setServers gets `[[family, address, port], ...]` (port 0 means 53). Node hands c-ares the port converted with
 * ToInt32 (and only its low 16 bits reach the socket), so the list is rebuilt from values read once, with the port
 * converted as the socket gets it: an object, a string or `port + 65536` was decided as port 53 (or a port no rule
 * names) and the resolver queried a denied server (until 2026-11-23).
 */
function checkServers(args: unknown[]): GovernanceDeniedError | null {
  const servers = args[0];
  if (!isArray(servers)) return null;
  const list = servers as unknown[];
  const decided = primordials.newList<unknown>();
  for (let i = 0; i < list.length; i++) {
    const server = list[i];
    if (!isArray(server)) {
      decided[decided.length] = server; // Node refuses it
      continue;
    }
    const family = (server as unknown[])[0];
    const address = (server as unknown[])[1];
    const port = (+((server as unknown[])[2] as number) | 0) & 0xffff;
    const tuple = primordials.newList<unknown>();
    tuple[0] = family;
    tuple[1] = address;
    tuple[2] = port;
    decided[decided.length] = tuple;
    if (typeof address !== 'string') continue; // Node refuses it
    const denied = checkAction('net_connect', peerHostPort(address, port !== 0 ? port : DNS_PORT, undefined, 'pton'));
    if (denied !== null) return denied;
  }
  primordials.setElement(args, 0, decided);
  return null;
}

const channelPrototypes: object[] = [];

/** The c-ares channel prototype once governed (for the integrity watch). */
export function dnsChannelPrototypes(): readonly object[] {
  return channelPrototypes;
}

export function installDnsHooks(): void {
  const dnsModule = dns as unknown as Record<string, Function>;
  const promises = dns.promises as unknown as Record<string, Function>;
  lockProperty(dnsModule, 'lookup', wrapLookup(dnsModule.lookup, 'callback', true));
  lockProperty(dnsModule, 'lookupService', wrapLookup(dnsModule.lookupService, 'callback', false));
  lockProperty(promises, 'lookup', wrapLookup(promises.lookup, 'promise', true));
  lockProperty(promises, 'lookupService', wrapLookup(promises.lookupService, 'promise', false));
  const channel = getPrototypeOf((new dns.Resolver() as unknown as { _handle: object })._handle) as Record<string, ChannelMethod>;
  const names = primordials.ownKeys(channel);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (typeof name === 'string' && StringPrototypeStartsWith(name, 'query')) guardMethod(channel, name, (args) => checkQuery(args[1], false));
  }
  guardMethod(channel, 'getHostByAddr', (args) => checkQuery(args[1], false));
  guardMethod(channel, 'setServers', checkServers);
  primordials.ArrayPrototypePush(channelPrototypes, channel);
}
