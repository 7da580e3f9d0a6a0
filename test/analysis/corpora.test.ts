// Figures of the synthetic_data and missing_governance_import checks on the labelled corpora in ../shared/corpora,
// measured by the scripts in scripts/corpora (they run the built engine: `npm run build` first).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const scripts = resolve(__dirname, '..', '..', 'scripts', 'corpora');
const measure = (name: string) => JSON.parse(execFileSync(process.execPath, [join(scripts, name), '--json'], { encoding: 'utf8' }));

// ../shared/corpora sits beside the repository in this project's CI; a plain clone has no corpora to measure.
const CORPORA = resolve(__dirname, '..', '..', '..', 'shared', 'corpora');

describe.skipIf(!existsSync(CORPORA))('labelled corpora', () => {
  it('randomness: every invalid row flagged, no valid row flagged, every expected error line reported', () => {
    const result = measure('measure-randomness.js');
    expect(result.invalid).toEqual({ total: 9, flagged: 9 });
    expect(result.valid).toEqual({ total: 11, clean: 11 });
    expect(result.errorLines).toEqual({ total: 25, reported: 25 });
    expect(result.disagreements).toEqual([]);
  });

  it('required import: agrees on 9 of 10 rows; the one miss is a glob the upstream rule calls invalid', () => {
    const result = measure('measure-required-import.js');
    expect(result).toMatchObject({ total: 10, agree: 9, valid: { total: 4, agree: 4 }, invalid: { total: 6, agree: 5 } });
    expect(result.disagreements).toEqual([expect.objectContaining({ options: [{ 'a value': 'anything' }] })]);
  });
});
