// Key certificates kept with the log: rows of the append-only `meta` table (no schema change, so logs written
// before epoch keys stay readable), key `keycert:<epoch>`, value the signed certificate as JSON.
import type { AuditDatabase } from './schema';
import type { SignedCertificate } from '../crypto/certificate';

const PREFIX = 'keycert:';

export function storedCertificates(db: AuditDatabase): SignedCertificate[] {
  const values = db.prepare(`SELECT value FROM meta WHERE key >= '${PREFIX}' AND key < '${PREFIX}~' ORDER BY key`).pluck().all() as string[];
  return values.map((v) => {
    try {
      const c = JSON.parse(v) as SignedCertificate;
      return { body: String(c.body), sig: String(c.sig) };
    } catch {
      return { body: v, sig: '' };
    }
  });
}

export function storeCertificate(db: AuditDatabase, epoch: number, cert: SignedCertificate): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(`${PREFIX}${String(epoch).padStart(8, '0')}`, JSON.stringify(cert));
}
