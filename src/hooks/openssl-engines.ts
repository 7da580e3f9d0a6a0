// OpenSSL engines are shared objects OpenSSL loads into the process: native code, like an addon. They come in
// through crypto.setEngine(engine) and through a TLS context's client-certificate or private-key engine (the
// clientCertEngine / privateKeyEngine options of tls, https and http2, or the context's own
// setClientCertEngine / setEngineKey, which every one of those routes ends in). Each is decided as
// native_addon of the engine: its path, or `openssl-engine:<name>` for a name OpenSSL looks up (an engine id,
// or a library the dynamic loader searches for, also in $OPENSSL_ENGINES, which the program can set).
import crypto = require('node:crypto');
import type { GovernanceDeniedError } from '../kernel/errors';
import { checkAction } from '../kernel/gate';
import { primordials } from '../primordials';
import { resolveTarget } from './fs-paths';
import { guardMethod } from './lock';
import { loadBuiltinQuietly } from './quiet-builtin';

const { getPrototypeOf, StringPrototypeIndexOf } = primordials;

function decideEngine(engine: unknown): GovernanceDeniedError | null {
  if (typeof engine !== 'string') return null; // Node rejects it
  const target = StringPrototypeIndexOf(engine, '/') === -1 ? `openssl-engine:${engine}` : resolveTarget(engine, true);
  return checkAction('native_addon', target);
}

export function installOpensslEngineHooks(): void {
  guardMethod(crypto, 'setEngine', (args) => decideEngine(args[0]));
  // The native context class is reachable only through a context. tls loads first: _tls_common loaded on its
  // own leaves tls with a half-built copy of it (the two require each other).
  if (loadBuiltinQuietly('tls') === null) return;
  const tlsCommon = loadBuiltinQuietly<{ SecureContext: new () => { context: object } }>('_tls_common');
  if (tlsCommon === null) return;
  const proto = getPrototypeOf(new tlsCommon.SecureContext().context) as object;
  guardMethod(proto, 'setClientCertEngine', (args) => decideEngine(args[0]));
  guardMethod(proto, 'setEngineKey', (args) => decideEngine(args[1]));
}
