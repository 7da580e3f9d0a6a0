// The log signing key: files and modes, keyId, racing creators, RSA-PSS signatures.
import { spawn } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSigningKey, ensureSigningKey, loadSigningKey, readPublicKeyFile } from '../../src/crypto/keys';
import { signPss, verifyPss } from '../../src/crypto/sign';

const dirs: string[] = [];
const temp = (): string => { const d = mkdtempSync(join(tmpdir(), 'keys-test-')); dirs.push(d); return d; };
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('log signing keys', () => {
  it('are RSA-2048, private key mode 0600, keyId the SHA-256 of the SPKI DER', () => {
    const dir = join(temp(), 'keys');
    const { key, created } = ensureSigningKey(dir);
    expect(created).toBe(true);
    expect(statSync(join(dir, 'log-signing.key.pem')).mode & 0o777).toBe(0o600);
    expect(key.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const der = createPublicKey(readFileSync(join(dir, 'log-signing.pub.pem'))).export({ type: 'spki', format: 'der' });
    expect(key.keyId).toBe(createHash('sha256').update(der).digest('hex'));
    expect(readPublicKeyFile(join(dir, 'log-signing.pub.pem')).keyId).toBe(key.keyId);
    expect(ensureSigningKey(dir)).toMatchObject({ created: false, key: { keyId: key.keyId } });
  });

  it('are replaced only when asked', () => {
    const dir = join(temp(), 'keys');
    const first = createSigningKey(dir).key;
    expect(createSigningKey(dir).key.keyId).toBe(first.keyId);
    const second = createSigningKey(dir, { replace: true }).key;
    expect(second.keyId).not.toBe(first.keyId);
    expect(loadSigningKey(dir)!.keyId).toBe(second.keyId);
  });

  it('end up as one key when several processes create it at once', async () => {
    const dir = join(temp(), 'keys');
    const keysJs = resolve(__dirname, '..', '..', 'dist', 'src', 'crypto', 'keys.js');
    const script = `process.stdout.write(require(process.argv[1]).ensureSigningKey(process.argv[2]).key.keyId)`;
    const ids = await Promise.all(Array.from({ length: 4 }, () => new Promise<string>((res) => {
      let out = '';
      const p = spawn(process.execPath, ['-e', script, keysJs, dir]);
      p.stdout.on('data', (d) => { out += d; });
      p.on('exit', () => res(out));
    })));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBe(loadSigningKey(dir)!.keyId);
  });

  it('reject a file that is not a public key, naming it', () => {
    const file = join(temp(), 'not-a-key.pem');
    writeFileSync(file, 'hello');
    expect(() => readPublicKeyFile(file)).toThrow(/not-a-key\.pem: not a PEM public key/);
    expect(() => readPublicKeyFile(join(temp(), 'missing.pem'))).toThrow(/cannot read trusted key/);
  });
});

describe('RSA-PSS signatures', () => {
  it('verify for the signed bytes only, and only with the right key', () => {
    const a = createSigningKey(join(temp(), 'a')).key;
    const b = createSigningKey(join(temp(), 'b')).key;
    const data = Buffer.from('{"size":10}');
    const sig = signPss(a.privateKey, data);
    expect(sig.length).toBe(256);
    expect(verifyPss(a.publicKey, data, sig)).toBe(true);
    expect(verifyPss(b.publicKey, data, sig)).toBe(false);
    expect(verifyPss(a.publicKey, Buffer.from('{"size":11}'), sig)).toBe(false);
    sig[0] ^= 1;
    expect(verifyPss(a.publicKey, data, sig)).toBe(false);
    expect(verifyPss(a.publicKey, data, Buffer.alloc(3))).toBe(false);
  });
});
