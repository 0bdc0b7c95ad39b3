import { partitionCandidate } from '../../../src/rules/partition-candidate.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

/** An append-only event log with a write-time column, far above the (lowered) size threshold. */
const EVENTS = `CREATE TABLE events (id BIGINT AUTO_INCREMENT PRIMARY KEY, created_at DATETIME NOT NULL, payload VARCHAR(40),
  KEY ix_created (created_at)) ENGINE=InnoDB;
INSERT INTO events (created_at, payload) SELECT '2025-01-01' + INTERVAL seq MINUTE, 'x' FROM seq_1_to_2000;
ANALYZE TABLE events`;

// The partitioning plan dbdoctor writes is PostgreSQL's (CREATE TABLE … PARTITION OF, pg_cron):
// on MariaDB it proposes none rather than DDL the server would refuse.
dialectRuleTester('mysql', partitionCandidate, {
  valid: [
    {
      name: 'a large log table with a time column gets no PostgreSQL partitioning plan',
      sql: EVENTS,
      tableTypes: { events: 'log' },
      ruleOptions: { partitionMinRows: 500 },
    },
  ],
  invalid: [],
});
