import { describe, expect, it } from 'vitest';
import { mysqlHistogramStatistics } from '../../../src/dialects/mysql/histograms.js';
import { featuresOf, parseServerVersion } from '../../../src/dialects/mysql/server.js';

/**
 * MySQL 8 is not installed here, so its histograms are read from JSON written to the format the
 * MySQL manual documents for information_schema.COLUMN_STATISTICS (values and frequencies are ours).
 */
describe('MySQL 8 histograms', () => {
  it('reads a singleton histogram as exact value frequencies, most common first', () => {
    // 10% NULL; of all rows 30% 'new', 50% 'paid', 10% 'void' (cumulative: 0.3, 0.8, 0.9 = 1 − null-values).
    const histogram = {
      buckets: [
        ['base64:type254:bmV3', 0.3],
        ['base64:type254:cGFpZA==', 0.8],
        ['base64:type254:dm9pZA==', 0.9],
      ],
      'null-values': 0.1,
      'last-updated': '2024-03-01 10:00:00.000000',
      'sampling-rate': 1,
      'histogram-type': 'singleton',
      'number-of-buckets-specified': 100,
      'data-type': 'string',
      'collation-id': 255,
    };
    const stats = mysqlHistogramStatistics(JSON.stringify(histogram))!;
    expect(stats.nullFraction).toBe(0.1);
    expect(stats.distinctValues).toBe(3);
    expect(stats.mostCommonValues).toEqual(['paid', 'new', 'void']);
    [0.5, 0.3, 0.1].forEach((f, i) => expect(stats.mostCommonFrequencies[i]).toBeCloseTo(f, 10));
    expect(stats.mostCommonComplete).toBeUndefined();
    // MySQL keeps no value widths.
    expect(stats).toMatchObject({ averageWidth: 0, averageWidthKnown: false, correlation: null });
  });

  it('scales frequencies to all rows when they are fractions of the non-null rows', () => {
    const stats = mysqlHistogramStatistics({
      buckets: [
        [1, 0.25],
        [2, 1],
      ],
      'null-values': 0.2,
      'histogram-type': 'singleton',
    })!;
    // 25% and 75% of the 80% non-null rows.
    expect(stats.mostCommonFrequencies[0]).toBeCloseTo(0.75 * 0.8, 10);
    expect(stats.mostCommonFrequencies[1]).toBeCloseTo(0.25 * 0.8, 10);
  });

  it('reads an equi-height histogram: distinct counts summed, values only where one fills a bucket', () => {
    const histogram = {
      buckets: [
        [1, 10, 0.2, 10],
        [11, 11, 0.6, 1],
        [12, 40, 1, 29],
      ],
      'null-values': 0,
      'histogram-type': 'equi-height',
    };
    const stats = mysqlHistogramStatistics(histogram)!;
    expect(stats.distinctValues).toBe(10 + 1 + 29);
    expect(stats.mostCommonValues).toEqual(['11']);
    expect(stats.mostCommonFrequencies[0]).toBeCloseTo(0.4, 10);
    expect(stats.mostCommonComplete).toBe(false);
  });

  it('reads nothing from something that is not a histogram', () => {
    expect(mysqlHistogramStatistics('not json')).toBeNull();
    expect(mysqlHistogramStatistics({ buckets: 'x' })).toBeNull();
  });
});

describe('server versions', () => {
  it('tells MariaDB from MySQL and what each version offers', () => {
    const maria = parseServerVersion('10.11.19-MariaDB-0+deb12u1');
    expect(maria).toMatchObject({ product: 'mariadb', major: 10, minor: 11, patch: 19, versionNum: 101119 });
    expect(featuresOf(maria)).toMatchObject({
      visibility: 'ignored',
      descendingKeys: true,
      expressionKeys: false,
      histograms: 'column-stats',
    });
    expect(featuresOf(parseServerVersion('10.5.2-MariaDB'))).toMatchObject({ visibility: null, descendingKeys: false });
    const mysql = parseServerVersion('8.0.36-0ubuntu0.22.04.1');
    expect(mysql).toMatchObject({ product: 'mysql', versionNum: 80036 });
    expect(featuresOf(mysql)).toMatchObject({
      visibility: 'invisible',
      expressionKeys: true,
      histograms: 'column-statistics',
      readOnlyVariable: 'transaction_read_only',
      statementTimeout: { variable: 'max_execution_time', unit: 'ms' },
    });
    expect(featuresOf(parseServerVersion('8.0.12'))).toMatchObject({ expressionKeys: false });
    expect(featuresOf(parseServerVersion('5.7.44-log'))).toMatchObject({ visibility: null, histograms: null, descendingKeys: false });
  });
});
