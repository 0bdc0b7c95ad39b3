import { partitionCandidate } from '../../../src/rules/partition-candidate.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

/** An append-only event log with a write-time column, far above the (lowered) size threshold. */
const EVENTS = `CREATE TABLE events (id INTEGER PRIMARY KEY, created_at TIMESTAMP NOT NULL, payload TEXT);
CREATE INDEX ix_created ON events (created_at);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO events (created_at, payload) SELECT datetime('2025-01-01', '+' || i || ' minutes'), 'x' FROM n;
ANALYZE;`;

// SQLite has no partitioning: a log table, however large, gets no partitioning plan.
dialectRuleTester('sqlite', partitionCandidate, {
  valid: [
    {
      name: 'a large log table with a time column gets no partitioning plan',
      sql: EVENTS,
      tableTypes: { events: 'log' },
      ruleOptions: { partitionMinRows: 500 },
    },
  ],
  invalid: [],
});
