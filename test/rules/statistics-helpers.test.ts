import { describe, expect, test } from 'vitest';
import type { Column, Index } from '../../src/model/types.js';
import { percent, scansOf, sqlValue, valueShares, formatBytes, times } from '../../src/rules/_statistics.js';

function column(typeCategory: Column['typeCategory'], stats: Partial<NonNullable<Column['statistics']>> | null): Column {
  return {
    name: 'c',
    position: 1,
    type: typeCategory === 'boolean' ? 'boolean' : 'text',
    notNull: false,
    collation: null,
    typeCategory,
    statistics:
      stats === null
        ? null
        : {
            nullFraction: 0,
            rawDistinct: 2,
            distinctValues: 2,
            mostCommonFrequencies: [],
            mostCommonValues: [],
            correlation: null,
            averageWidth: 1,
            inherited: false,
            ...stats,
          },
  };
}

describe('statistics helpers', () => {
  test('a boolean value pg_stats leaves out of its list is derived from the rest of the rows', () => {
    const shares = valueShares(column('boolean', { mostCommonValues: ['t'], mostCommonFrequencies: [0.9], nullFraction: 0.02 }));
    expect(shares.map((s) => [s.value, Number(s.fraction.toFixed(3))])).toEqual([
      ['t', 0.9],
      ['f', 0.08],
      [null, 0.02],
    ]);
  });

  test('text columns get no derived values; NULL counts as a value', () => {
    const shares = valueShares(column('string', { mostCommonValues: ['a'], mostCommonFrequencies: [0.5], nullFraction: 0.3 }));
    expect(shares).toEqual([
      { value: 'a', fraction: 0.5 },
      { value: null, fraction: 0.3 },
    ]);
    expect(valueShares(column('string', null))).toEqual([]);
  });

  test('values as SQL: booleans as words, numbers bare, text quoted', () => {
    expect(sqlValue(column('boolean', null), 'f')).toBe('false');
    expect(sqlValue(column('numeric', null), '502')).toBe('502');
    expect(sqlValue(column('string', null), "it's")).toBe("'it''s'");
  });

  test('scans add up over every node read, and an unknown on any node stays unknown', () => {
    const base = { usage: { scans: 0, tuplesRead: 0, tuplesFetched: 0, lastScanAt: null } } as unknown as Index;
    expect(scansOf(base)).toBe(0);
    const nodes = (scans: (number | null)[]): Index => ({
      ...base,
      usageByNode: scans.map((s, i) => ({ node: `n${i}`, scans: s, statsResetAt: null })),
    });
    expect(scansOf(nodes([0, 3]))).toBe(3);
    expect(scansOf(nodes([0, null]))).toBeNull();
    expect(scansOf({ ...base, usage: null })).toBeNull();
  });

  test('numbers as a person reads them', () => {
    expect(percent(0.953)).toBe('95.3%');
    expect(percent(0.0004)).toBe('0.04%');
    expect(formatBytes(917504)).toBe('896 kB');
    expect(formatBytes(512)).toBe('512 bytes');
    expect([times(1), times(2), times(1200)]).toEqual(['once', 'twice', '1,200 times']);
  });
});
