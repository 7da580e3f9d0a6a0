// `mltrainer-governance audit proof`: an RFC 9162 inclusion proof (--seq) or consistency proof (--old/--new).
import { verifyConsistency, verifyInclusion } from '../../audit/index';
import { parseCheckpoint } from '../../audit/encoding';
import { EXIT_OK, EXIT_PROBLEMS, UsageError, intOption, stringOption, type Command } from '../command';
import { LOCATION_USAGE, locationOptions, openReader, readCheckpointFile } from './audit-common';

const hex = (h: string): Buffer => Buffer.from(h, 'hex');

const command: Command = {
  name: ['audit', 'proof'],
  summary: 'print an inclusion proof (--seq N) or a consistency proof (--old M [--new N]), checked before printing',
  usage: `audit proof (--seq N [--tree-size M] | --old M [--new N]) [--checkpoint FILE] [--json] ${LOCATION_USAGE}`,
  options: { seq: { type: 'string' }, 'tree-size': { type: 'string' }, old: { type: 'string' }, new: { type: 'string' }, checkpoint: { type: 'string' }, ...locationOptions },
  run(ctx) {
    const seq = intOption(ctx, 'seq');
    const old = intOption(ctx, 'old');
    if ((seq === undefined) === (old === undefined)) throw new UsageError('give either --seq N (inclusion) or --old M (consistency)');
    const cpFile = stringOption(ctx, 'checkpoint');
    const cp = cpFile ? parseCheckpoint(readCheckpointFile(cpFile).body) : undefined;
    if (cp && !cp.ok) throw new UsageError(`${cpFile}: ${cp.error}`);
    const pinnedSize = cp?.ok ? cp.fields.size : undefined;
    const reader = openReader(ctx);
    try {
      let proof: object;
      let verified: boolean;
      let root: string;
      try {
        if (seq !== undefined) {
          const p = reader.getInclusionProof(seq, intOption(ctx, 'tree-size') ?? pinnedSize);
          verified = verifyInclusion(p.leafIndex, p.treeSize, hex(p.leafHash), p.path.map(hex), hex(p.root));
          root = p.root;
          proof = { type: 'inclusion', ...p };
        } else {
          const p = reader.getConsistencyProof(old!, intOption(ctx, 'new') ?? pinnedSize);
          verified = verifyConsistency(p.oldSize, p.newSize, hex(p.oldRoot), hex(p.newRoot), p.path.map(hex));
          root = p.newRoot;
          proof = { type: 'consistency', ...p };
        }
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const matchesCheckpoint = cp?.ok ? cp.fields.root === root : undefined;
      const result = { ...proof, verified, ...(matchesCheckpoint === undefined ? {} : { matchesCheckpoint }) };
      ctx.out(ctx.values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
      return verified && matchesCheckpoint !== false ? EXIT_OK : EXIT_PROBLEMS;
    } finally {
      reader.close();
    }
  },
};

export default command;
