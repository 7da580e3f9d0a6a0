// The text hint that lets the engine skip files must hold for every name the synthetic_data rules look for.
import { describe, expect, it } from 'vitest';
import { NUMERIC_RANDOM_FUNCTIONS, RANDOM_DATA_PACKAGES, RANDOM_DATA_PACKAGE_PREFIXES, SYNTHETIC_DATA_HINT, packageOf, randomPackageOf } from '../../../src/analysis/synthetic-data/libraries';

describe('synthetic_data libraries', () => {
  it('the skip hint matches every package, prefix and function name the rules flag', () => {
    const names = [...RANDOM_DATA_PACKAGES, ...RANDOM_DATA_PACKAGE_PREFIXES, ...[...NUMERIC_RANDOM_FUNCTIONS.values()].flatMap((set) => [...set]), 'Math.random', 'pseudoRandomBytes'];
    expect(names.filter((name) => !SYNTHETIC_DATA_HINT.test(name))).toEqual([]);
    expect(SYNTHETIC_DATA_HINT.test('const total = items.length;')).toBe(false);
  });

  it('finds the package of a specifier', () => {
    expect(packageOf('@faker-js/faker/locale/de')).toBe('@faker-js/faker');
    expect(packageOf('node:crypto')).toBe('crypto');
    expect(packageOf('../node_modules/chance/lib')).toBe('chance');
    expect(packageOf('./local')).toBeNull();
    expect(randomPackageOf('random-float2')).toBeNull();
    expect(randomPackageOf('@stdlib/random-base-uniform')).toBe('@stdlib/random-base-uniform');
  });
});
