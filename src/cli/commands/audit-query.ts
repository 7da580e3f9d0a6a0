// `mltrainer-governance audit query`: audit entries matching filters, as NDJSON (--json) or a table.
import { openAuditReader } from '../../audit/index';
import type { AuditEntry, AuditQuery, Decision } from '../../types';
import { EXIT_OK, UsageError, intOption, stringOption, type Command } from '../command';
import { LOCATION_USAGE, locate, locationOptions, printable } from './audit-common';

function table(entries: readonly AuditEntry[]): string {
  const head = ['SEQ', 'TS', 'PID', 'ACTOR', 'DECISION', 'ACTION', 'TARGET', 'RULE'];
  const rows = entries.map((e) => [String(e.seq), e.ts, String(e.pid), e.actor, e.decision + (e.violation ? ` (${e.violation})` : ''), e.action, e.target, e.ruleId ?? '-'].map(printable));
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i].length))));
  return [head, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

function timestamp(ctx: Parameters<Command['run']>[0], name: string): string | undefined {
  const v = stringOption(ctx, name);
  if (v !== undefined && Number.isNaN(Date.parse(v))) throw new UsageError(`--${name} must be an ISO-8601 timestamp, got "${v}"`);
  return v;
}

const command: Command = {
  name: ['audit', 'query'],
  summary: 'list audit entries (NDJSON with --json)',
  usage: `audit query [--actor A] [--action KIND] [--decision allow|deny|would_deny|approved] [--since T] [--until T] [--limit N] [--json] ${LOCATION_USAGE}`,
  options: { actor: { type: 'string' }, action: { type: 'string' }, decision: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, limit: { type: 'string' }, ...locationOptions },
  run(ctx) {
    const decision = stringOption(ctx, 'decision');
    if (decision !== undefined && !['allow', 'deny', 'would_deny', 'approved'].includes(decision)) throw new UsageError(`--decision must be allow, deny, would_deny or approved, got "${decision}"`);
    const q: AuditQuery = {
      actor: stringOption(ctx, 'actor'), action: stringOption(ctx, 'action'), decision: decision as Decision | undefined,
      since: timestamp(ctx, 'since'), until: timestamp(ctx, 'until'), limit: intOption(ctx, 'limit'),
    };
    const { dbPath } = locate(ctx);
    let reader;
    try {
      reader = openAuditReader(dbPath);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    try {
      const entries = reader.query(q);
      if (ctx.values.json) for (const e of entries) ctx.out(JSON.stringify(e));
      else ctx.out(entries.length ? table(entries) : 'no matching entries');
    } finally {
      reader.close();
    }
    return EXIT_OK;
  },
};

export default command;
