import { describe, expect, test } from 'vitest';
import { formatCount, groupBySeverity, humanBytes, issuesInWords, pluralize, summaryLine } from '../../src/report/format.js';
import { makeFindings, makeResult } from './fixture.js';

describe('format helpers', () => {
  test('humanBytes', () => {
    expect(humanBytes(0)).toBe('0 B');
    expect(humanBytes(1023)).toBe('1023 B');
    expect(humanBytes(8192)).toBe('8.0 kB');
    expect(humanBytes(1_258_291)).toBe('1.2 MB');
    expect(humanBytes(1024 * 1024 - 1)).toBe('1.0 MB');
    expect(humanBytes(5 * 1024 ** 3)).toBe('5.0 GB');
  });

  test('formatCount writes what the en-US number format writes', () => {
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    const values = [
      0,
      -0,
      7,
      -7,
      999,
      1000,
      -1000,
      12_345,
      999_999,
      1_000_000,
      -1_234_567,
      2 ** 53 - 1,
      2 ** 53,
      1e21,
      2.5,
      -2.5,
      0.4,
      -0.4,
      1234.5,
      NaN,
      Infinity,
    ];
    for (const value of values) expect([value, formatCount(value)]).toEqual([value, intl.format(value)]);
    for (let i = 0; i < 2000; i++) {
      const value = Math.floor((Math.random() - 0.5) * 10 ** (1 + (i % 15)));
      expect(formatCount(value)).toBe(intl.format(value));
    }
  });

  test('pluralize rule nouns', () => {
    expect(pluralize('index')).toBe('indexes');
    expect(pluralize('key')).toBe('keys');
    expect(pluralize('entry')).toBe('entries');
  });

  test('groupBySeverity orders groups and omits empty ones', () => {
    const findings = makeFindings().filter((f) => f.severity !== 'medium');
    expect(groupBySeverity(findings).map((g) => g.severity)).toEqual(['critical', 'low']);
  });

  test('issues in words, most urgent rule first', () => {
    expect(issuesInWords(makeResult())).toBe('1 duplicate index, 1 redundant index and 1 unindexed foreign key');
  });

  test('summary line', () => {
    const result = makeResult();
    expect(summaryLine(result, [{ severity: 'critical' }, { severity: 'low' }])).toBe(
      '2 objects to act on (1 critical, 0 medium, 1 low; 3 findings) — 2 tables, 6 indexes, 1.2 MB reclaimable',
    );
    expect(summaryLine(makeResult({ findings: [] }), [])).toBe('no findings — 2 tables, 6 indexes');
  });
});
