// Export of an audit log as a self-contained NDJSON bundle: a header, the public keys of the key dir
// (for information: a verifier trusts only keys it is given), the key certificates, every checkpoint, then
// every entry body.
import fs = require('node:fs');
import { isoFromMillis } from './encoding';
import { openAuditReader } from './reader';
import { EXPORT_FORMAT, type ExportLine } from './export-format';

export interface ExportSummary {
  out: string;
  logId: string;
  entries: number;
  checkpoints: number;
}

export function exportAuditLog(dbPath: string, out: string, publicKeys: readonly { keyId: string; pem: string }[] = []): ExportSummary {
  const reader = openAuditReader(dbPath);
  const fd = fs.openSync(out, 'w');
  try {
    const checkpoints = reader.checkpoints();
    const write = (line: ExportLine): void => { fs.writeSync(fd, JSON.stringify(line) + '\n'); };
    const entries = reader.size();
    write({ type: 'header', format: EXPORT_FORMAT, version: 1, logId: reader.logId(), entries, checkpoints: checkpoints.length, exportedAt: isoFromMillis(Date.now()) });
    for (const k of publicKeys) write({ type: 'key', keyId: k.keyId, pem: k.pem });
    for (const c of reader.certificates()) write({ type: 'certificate', body: c.body, sig: c.sig });
    checkpoints.forEach((cp) => write({ type: 'checkpoint', body: cp.body, sig: cp.sig }));
    let chunk: string[] = [];
    for (const row of reader.bodies()) {
      const line: ExportLine = row.leaf === null ? { type: 'entry', seq: row.seq, body: row.body } : { type: 'entry', seq: row.seq, body: row.body, leaf: row.leaf };
      chunk.push(JSON.stringify(line));
      if (chunk.length === 4096) { fs.writeSync(fd, chunk.join('\n') + '\n'); chunk = []; }
    }
    if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
    return { out, logId: reader.logId(), entries, checkpoints: checkpoints.length };
  } finally {
    fs.closeSync(fd);
    reader.close();
  }
}
