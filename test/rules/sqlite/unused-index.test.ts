import { expect } from 'vitest';
import { unusedIndex } from '../../../src/rules/unused-index.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

const NO_USAGE =
  'SQLite keeps no usage statistics: whether an index is used is unknown (give the queries the application runs to judge it)';

// SQLite counts no index reads: no index is ever called unused, and the audit says why.
dialectRuleTester('sqlite', unusedIndex, {
  valid: [
    {
      name: 'an index no query has read is not called unused: SQLite does not count reads',
      sql: `CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER); CREATE INDEX ix_a ON t (a); CREATE INDEX ix_b ON t (b);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO t (a, b) SELECT i, i % 7 FROM n;
ANALYZE;`,
      ruleOptions: { minStatsAgeDays: 0, minStatsActivity: 0 },
      report: (result) => {
        expect(result.model.capabilities.usageStatistics).toBe(false);
        expect(result.model.limitations).toContain(NO_USAGE);
      },
    },
  ],
  invalid: [],
});
