import { expect } from 'vitest';
import { overIndexedTable } from '../../../src/rules/over-indexed-table.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

/** An API request log: 2,000 inserts, each with a distinct endpoint, four methods and statuses, one of 50 users. */
const REQUEST_LOG = `CREATE TABLE users (id INT PRIMARY KEY) ENGINE=InnoDB;
INSERT INTO users SELECT seq FROM seq_1_to_50;
CREATE TABLE request_log (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id INT, method VARCHAR(6) NOT NULL,
  endpoint VARCHAR(100) NOT NULL, status_code INT NOT NULL, created_at DATETIME NOT NULL,
  KEY rl_user (user_id), KEY rl_created (created_at), KEY rl_method (method), KEY rl_status (status_code), KEY rl_endpoint (endpoint),
  CONSTRAINT rl_user_fk FOREIGN KEY (user_id) REFERENCES users (id)) ENGINE=InnoDB;
INSERT INTO request_log (user_id, method, endpoint, status_code, created_at)
  SELECT 1 + seq % 50, ELT(1 + seq % 4, 'GET', 'POST', 'PUT', 'DELETE'), CONCAT('/api/v1/items/', seq, '/details'),
         ELT(1 + seq % 4, 200, 201, 404, 500), '2025-11-01' + INTERVAL seq MINUTE FROM seq_1_to_2000`;
/** Reads by time range, through its index. */
const READ_BY_TIME =
  "SELECT count(*) FROM request_log FORCE INDEX (rl_created) WHERE created_at >= '2025-11-01 02:00' AND created_at < '2025-11-01 03:00'";
const READ_ALL = [
  READ_BY_TIME,
  "SELECT count(*) FROM request_log FORCE INDEX (rl_method) WHERE method = 'GET'",
  'SELECT count(*) FROM request_log FORCE INDEX (rl_status) WHERE status_code = 404',
  "SELECT count(*) FROM request_log FORCE INDEX (rl_endpoint) WHERE endpoint LIKE '/api/v1/items/1%'",
].join(';\n');
const LOG = { request_log: 'log' } as const;
/** The throwaway server's statistics are seconds old: the rule's own minimum age, set to 0. */
const NO_MINIMUM_AGE = { minStatsAgeDays: 0 };

dialectRuleTester(
  'mysql',
  overIndexedTable,
  {
    valid: [
      {
        name: 'the same table typed transaction',
        sql: `${REQUEST_LOG};\n${READ_ALL}`,
        tableTypes: { request_log: 'transaction' },
        ruleOptions: NO_MINIMUM_AGE,
      },
      {
        name: 'a log table with five indexes, every one read',
        sql: `${REQUEST_LOG.replace(' KEY rl_status (status_code),', '')};\n${READ_ALL.replace(/^.*rl_status.*$\n/m, '')}`,
        tableTypes: LOG,
        ruleOptions: NO_MINIMUM_AGE,
      },
    ],
    invalid: [
      {
        name: 'three indexes never read: dropped; the one the InnoDB foreign key needs stays although never read',
        sql: `${REQUEST_LOG};\n${READ_BY_TIME}`,
        // The ALTER TABLE restarts the table's counters: the reads by time that go on are what the next audit sees.
        afterFixUp: READ_BY_TIME,
        tableTypes: LOG,
        ruleOptions: NO_MINIMUM_AGE,
        expected: (db) => [
          {
            table: 'request_log',
            columns: expect.arrayContaining(['method', 'status_code', 'endpoint']),
            help: expect.stringMatching(
              /^Drop (rl_method|rl_status|rl_endpoint), (rl_method|rl_status|rl_endpoint), (rl_method|rl_status|rl_endpoint): saves .*; keep rl_created for time-range reads\./,
            ),
            evidence: expect.objectContaining({
              indexes: expect.arrayContaining([
                expect.objectContaining({ name: 'rl_user', verdict: expect.stringContaining('rl_user_fk') }),
              ]),
            }),
            fix: expect.objectContaining({
              up: expect.arrayContaining([
                `ALTER TABLE \`${db}\`.\`request_log\` DROP INDEX \`rl_endpoint\`, ALGORITHM=INPLACE, LOCK=NONE`,
              ]),
            }),
          },
        ],
      },
    ],
  },
  { throwawayMariadb: ['performance_schema=ON'] },
);
