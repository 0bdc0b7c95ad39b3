import { expect } from 'vitest';
import { compositeColumnOrder } from '../../../src/rules/composite-column-order.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

// sqlite_stat1 keeps distinct counts per index prefix, not per column: the later column's own
// selectivity is unknown, so the order of a composite index is never judged (nor guessed).
dialectRuleTester('sqlite', compositeColumnOrder, {
  valid: [
    {
      name: 'a composite index led by a column with 3 values, analyzed: no per-column statistics, no hint',
      sql: `CREATE TABLE orders (id INTEGER PRIMARY KEY, region INTEGER NOT NULL, reference TEXT NOT NULL);
CREATE INDEX ix_region_ref ON orders (region, reference);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO orders (region, reference) SELECT i % 3, 'R' || i FROM n;
ANALYZE;`,
      report: (result) =>
        expect(result.model.limitations).toContain(
          'SQLite keeps no per-column statistics: value distributions are unknown beyond the per-index averages of sqlite_stat1',
        ),
    },
  ],
  invalid: [],
});
