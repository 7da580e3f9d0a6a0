// Per-package (`from`) rules read the caller of an ES module from its frame's URL. The whole URL was decoded, query
// and fragment included, so the program's own module imported as `./helper.mjs?/node_modules/good-pkg/x` (or with
// `#`) counted as good-pkg's; and it was decoded with the global `decodeURIComponent`, which the program replaced to
// answer a file of good-pkg. Either way the program's own code took good-pkg's rule and wrote into a denied directory,
// with nothing written anywhere. A URL's query and fragment are now no part of the file, and the decoder is captured.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { expectWriteRefused } from '../helpers/refused-write';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const path = require('node:path');
const here = process.cwd();
const results = {};
async function attempt(label, fn) {
  try { await fn(); results[label] = { outcome: 'done' }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
const denied = (name) => path.join(here, 'denied', name);
(async () => {
  await attempt('a module imported with a query naming good-pkg', async () => (await import('./helper.mjs?/node_modules/good-pkg/x')).write(denied('query.txt')));
  await attempt('a module imported with a fragment naming good-pkg', async () => (await import('./helper.mjs#/node_modules/good-pkg/x')).write(denied('fragment.txt')));
  await attempt('a replaced decodeURIComponent answering a file of good-pkg', async () => (await import('./decoder.mjs')).write(denied('decoder.txt')));
  await attempt('positive control: good-pkg itself', () => require('good-pkg/writer.js')(denied('by-good-pkg.txt')));
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const HELPER = `import fs from 'node:fs';\nexport function write(file) { fs.writeFileSync(file, 'EVIL'); }\n`;
const DECODER = String.raw`
import fs from 'node:fs';
import path from 'node:path';
export function write(file) {
  const real = globalThis.decodeURIComponent;
  const forged = path.join(process.cwd(), 'node_modules', 'good-pkg', 'writer.js');
  globalThis.decodeURIComponent = (text) => (text.includes('decoder.mjs') ? forged : real(text));
  try { fs.writeFileSync(file, 'EVIL'); } finally { globalThis.decodeURIComponent = real; }
}
`;

type Outcome = { outcome: string; code?: string; message?: string };
const SPOOFED: Record<string, string> = {
  'a module imported with a query naming good-pkg': 'query.txt',
  'a module imported with a fragment naming good-pkg': 'fragment.txt',
  'a replaced decodeURIComponent answering a file of good-pkg': 'decoder.txt',
};

describe.each(LAUNCH_MODES)('ES module URLs and per-package rules (%s)', (mode) => {
  const dir = createProject({
    files: {
      'app.cjs': APP,
      'helper.mjs': HELPER,
      'decoder.mjs': DECODER,
      'denied/.keep': '',
      'node_modules/good-pkg/package.json': '{ "name": "good-pkg", "version": "1.0.0" }',
      'node_modules/good-pkg/writer.js': 'module.exports = (file) => require("node:fs").writeFileSync(file, "good");\n',
    },
  });
  const policy = writeOnlyInOkPolicy(dir, { rules: [{ id: 'good-pkg-writes', action: 'file_write', target: `${dir}/denied/**`, effect: 'allow', from: ['good-pkg'] }] });
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const outcomes = run.status === 0 ? routeResults<Record<string, Outcome>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.keys(SPOOFED))("%s: the write is the program's, refused and recorded", (label) => {
    expectWriteRefused(outcomes[label], run, join(dir, 'denied', SPOOFED[label]));
  });

  it("positive control: good-pkg's own code still has its rule", () => {
    expect(outcomes['positive control: good-pkg itself']).toEqual({ outcome: 'done' });
    expect(readFileSync(join(dir, 'denied', 'by-good-pkg.txt'), 'utf8')).toBe('good');
  });
});
