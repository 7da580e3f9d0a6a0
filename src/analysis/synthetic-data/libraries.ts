// What counts as a source of synthetic data: random and mock-data packages, and the random
// generators of common numeric libraries. Cryptographic randomness (randomBytes, randomUUID,
// getRandomValues) is left alone: it makes keys and IDs, not data.

/** Packages whose only purpose is random or fake data; importing one at all is flagged. */
export const RANDOM_DATA_PACKAGES: ReadonlySet<string> = new Set([
  '@faker-js/faker',
  'faker',
  'chance',
  'casual',
  'seedrandom',
  'random-js',
  'd3-random',
  'mockjs',
  '@ngneat/falso',
  'json-schema-faker',
  'dummy-json',
  'lorem-ipsum',
  'randexp',
  'random-number',
  'random-int',
  'random-float',
  'random-seed',
  'random-item',
  'random-words',
  'unique-random',
  'pure-rand',
  'mersenne-twister',
  'lodash.random',
]);

/** Package-name prefixes of families of random packages (e.g. `@stdlib/random-base-normal`). */
export const RANDOM_DATA_PACKAGE_PREFIXES: readonly string[] = ['@stdlib/random'];

const TFJS_RANDOM = ['randomNormal', 'randomUniform', 'randomUniformInt', 'randomGamma', 'randomStandardNormal', 'truncatedNormal'];

/** Random generators of numeric libraries, by package: calling one is flagged. */
export const NUMERIC_RANDOM_FUNCTIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['@tensorflow/tfjs', new Set(TFJS_RANDOM)],
  ['@tensorflow/tfjs-core', new Set(TFJS_RANDOM)],
  ['@tensorflow/tfjs-node', new Set(TFJS_RANDOM)],
  ['@tensorflow/tfjs-node-gpu', new Set(TFJS_RANDOM)],
  ['numjs', new Set(['random'])],
  ['@d4c/numjs', new Set(['random'])],
  ['mathjs', new Set(['random', 'randomInt', 'pickRandom'])],
  ['simple-statistics', new Set(['sample', 'sampleWithReplacement', 'shuffle', 'shuffleInPlace'])],
  ['ml-matrix', new Set(['rand', 'randInt', 'random'])],
  ['gl-matrix', new Set(['random'])],
  ['d3', new Set(['randomUniform', 'randomInt', 'randomNormal', 'randomLogNormal', 'randomBates', 'randomIrwinHall', 'randomExponential', 'randomPareto', 'randomBernoulli', 'randomGeometric', 'randomBinomial', 'randomGamma', 'randomBeta', 'randomWeibull', 'randomCauchy', 'randomLogistic', 'randomPoisson', 'randomLcg'])],
  ['lodash', new Set(['random'])],
  ['underscore', new Set(['random'])],
]);

/** Factories that return the library itself, e.g. mathjs `create(all)`. */
export const LIBRARY_FACTORIES: ReadonlyMap<string, string> = new Map([['mathjs', 'create']]);

/** The package a specifier names: `@scope/name` or `name`, or after the last `node_modules/` in a path. */
export function packageOf(specifier: string): string | null {
  const inNodeModules = specifier.lastIndexOf('node_modules/');
  const bare = inNodeModules >= 0 ? specifier.slice(inNodeModules + 'node_modules/'.length) : specifier;
  if (bare.startsWith('.') || bare.startsWith('/')) return null;
  const parts = bare.replace(/^node:/, '').split('/');
  return parts[0]!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function isRandomPackage(name: string): boolean {
  return RANDOM_DATA_PACKAGES.has(name) || RANDOM_DATA_PACKAGE_PREFIXES.some((prefix) => name === prefix || name.startsWith(`${prefix}-`));
}

/**
 * The random-data package a specifier names, if any. A bare specifier whose first part is not a package name
 * (a glob such as two stars, then `/chance.js`) is judged by its last segment.
 */
export function randomPackageOf(specifier: string): string | null {
  const name = packageOf(specifier);
  if (name === null) return null;
  if (isRandomPackage(name)) return name;
  if (/^[@a-z0-9]/i.test(name)) return null;
  const last = specifier.split('/').pop()!.replace(/\.[cm]?js$/, '');
  return isRandomPackage(last) ? last : null;
}

/**
 * Text that every file the synthetic_data rules can flag contains: a word of one of the names above, or an
 * escape sequence (`Math.r\u0061ndom`, `require('\x63hance')`) that could spell one. Files without it are skipped.
 */
export const SYNTHETIC_DATA_HINT = /rand|faker|chance|casual|mock|falso|dummy|lorem|sample|shuffle|truncatedNormal|mersenne|\\[ux0-7]/i;

// The four synthetic_data rules ask about the same text one after the other: the last answer is kept.
let lastCode: string | null = null;
let lastAnswer = false;

export function mayHoldSyntheticData(code: string): boolean {
  if (code !== lastCode) {
    lastAnswer = SYNTHETIC_DATA_HINT.test(code);
    lastCode = code;
  }
  return lastAnswer;
}
