import { expect } from 'vitest';
import { overIndexedTable } from '../../src/rules/over-indexed-table.js';
import { ruleTester } from '../helpers/rule-tester.js';

const FLUSH_STATS = 'SELECT pg_stat_force_next_flush()';

/**
 * An API request log: 2,000 inserts, each with a distinct endpoint, four methods and statuses,
 * one of 50 users, a minute apart.
 */
const REQUEST_LOG = `
  CREATE TABLE users (id int PRIMARY KEY);
  INSERT INTO users SELECT generate_series(1, 50);
  CREATE TABLE request_log (
    id bigserial PRIMARY KEY,
    user_id int REFERENCES users,
    method text NOT NULL,
    endpoint text NOT NULL,
    status_code int NOT NULL,
    created_at timestamptz NOT NULL
  );
  INSERT INTO request_log (user_id, method, endpoint, status_code, created_at)
  SELECT 1 + g % 50, (ARRAY['GET','POST','PUT','DELETE'])[1 + g % 4], '/api/v1/items/' || g || '/details',
         (ARRAY[200, 201, 404, 500])[1 + g % 4], TIMESTAMPTZ '2025-11-01 00:00:00+00' + g * INTERVAL '1 minute'
  FROM generate_series(1, 2000) AS g`;

/** The log's usual indexes: on the foreign key, the time column and three columns nobody reads by. */
const INDEXES = `
  CREATE INDEX rl_user ON request_log (user_id);
  CREATE INDEX rl_created ON request_log (created_at);
  CREATE INDEX rl_method ON request_log (method);
  CREATE INDEX rl_status ON request_log (status_code);
  CREATE INDEX rl_endpoint ON request_log (endpoint)`;

/** Reads by time range and by user, through their indexes. */
const READS = `
  SELECT count(*) FROM request_log WHERE created_at >= '2025-11-01 02:00+00' AND created_at < '2025-11-01 03:00+00';
  SELECT count(*) FROM request_log WHERE created_at >= '2025-11-01 04:00+00' AND created_at < '2025-11-01 05:00+00';
  SELECT count(*) FROM request_log WHERE user_id = 7;
  SELECT count(*) FROM request_log WHERE user_id = 8`;

function workload(reads: string): string {
  return `ANALYZE request_log; SET enable_seqscan = off; ${reads}; RESET enable_seqscan; ${FLUSH_STATS}`;
}

const LOG = { request_log: 'log' } as const;

ruleTester(overIndexedTable, {
  valid: [
    {
      name: 'the same table typed transaction: its indexes are its business',
      sql: `${REQUEST_LOG}; ${INDEXES}; ${workload(READS)}`,
      tableTypes: { request_log: 'transaction' },
    },
    {
      name: 'a log table indexed only for what it is read by',
      sql: `${REQUEST_LOG}; CREATE INDEX rl_user ON request_log (user_id); CREATE INDEX rl_created ON request_log (created_at); ${workload(READS)}`,
      tableTypes: LOG,
    },
    {
      name: 'a time-range index scanned rarely stays: it is the access path a log table needs',
      sql: `${REQUEST_LOG}; CREATE INDEX rl_created ON request_log (created_at);
        ${workload("SELECT count(*) FROM request_log WHERE created_at >= '2025-11-01 02:00+00' AND created_at < '2025-11-01 03:00+00'")}`,
      tableTypes: LOG,
      ruleOptions: { overIndexedWritesPerScan: 100_000 },
    },
  ],
  invalid: [
    {
      name: 'unused indexes on a log table: one finding, the drops as a fix, the savings',
      sql: `${REQUEST_LOG}; ${INDEXES}; ${workload(READS)}`,
      tableTypes: LOG,
      expected: [
        {
          severity: 'medium',
          table: 'request_log',
          index: undefined,
          message: expect.stringMatching(
            /is a log table \(high confidence\) with 6 indexes, so every insert writes 6 index entries \(2,000 inserts .*3 never scanned since the statistics reset \(rl_endpoint, on high-cardinality text; rl_method; rl_status\)/,
          ),
          help: expect.stringMatching(
            /^Drop rl_endpoint, rl_method, rl_status: saves .* and 3 of 6 index writes per insert; keep rl_created for time-range reads\.$/,
          ),
          evidence: expect.objectContaining({
            indexWritesPerInsert: 6,
            suggestedDrops: ['rl_endpoint', 'rl_method', 'rl_status'],
            savings: expect.objectContaining({
              indexWritesPerInsert: 3,
              indexWritesPerInsertAfter: 3,
              indexEntryWritesSinceStatsReset: 6000,
              bytes: expect.any(Number),
            }),
          }),
          fix: expect.objectContaining({
            up: [
              expect.stringMatching(/^DROP INDEX CONCURRENTLY IF EXISTS \S+\.rl_endpoint$/),
              expect.stringMatching(/rl_method$/),
              expect.stringMatching(/rl_status$/),
            ],
            down: [expect.stringMatching(/rl_status ON/), expect.stringMatching(/rl_method ON/), expect.stringMatching(/rl_endpoint ON/)],
            transactional: false,
          }),
        },
      ],
    },
    {
      name: 'statistics not conclusive (too little activity for minStatsActivity): low, the drops suggested but not offered as a fix',
      sql: `${REQUEST_LOG}; ${INDEXES}; ${workload(READS)}`,
      tableTypes: LOG,
      ruleOptions: { minStatsActivity: 1_000_000 },
      expected: [
        {
          severity: 'low',
          message: expect.stringMatching(/\. But statistics are not conclusive yet: Almost no activity is recorded/),
          evidence: expect.objectContaining({ suggestedDrops: ['rl_endpoint', 'rl_method', 'rl_status'], statisticsConclusive: false }),
          fix: undefined,
        },
      ],
    },
    {
      name: 'typed log by the classifier from the statistics alone (2,000 inserts, a few scans)',
      sql: `${REQUEST_LOG}; ${INDEXES}; ${workload(READS)}`,
      expected: [
        {
          table: 'request_log',
          evidence: expect.objectContaining({
            tableType: expect.objectContaining({ type: 'log', source: 'statistics' }),
            suggestedDrops: ['rl_endpoint', 'rl_method', 'rl_status'],
          }),
        },
      ],
    },
    {
      name: 'known queries: each index lists the ones it could serve, and an unused drop that is the only path for one is flagged',
      sql: `${REQUEST_LOG}; ${INDEXES}; ${workload(READS)}`,
      tableTypes: LOG,
      queries: `SELECT count(*) FROM request_log WHERE created_at >= $1 AND created_at < $2;
        SELECT * FROM request_log WHERE status_code = 500 ORDER BY created_at DESC LIMIT 20;`,
      expected: [
        {
          help: expect.stringMatching(/Check first: rl_status is the only index a known query could use/),
          evidence: expect.objectContaining({
            suggestedDrops: ['rl_endpoint', 'rl_method', 'rl_status'],
            indexes: expect.arrayContaining([
              expect.objectContaining({
                name: 'rl_status',
                knownQueries: [{ query: expect.stringMatching(/WHERE status_code = \$1 ORDER BY created_at DESC/), alsoServedBy: [] }],
              }),
              expect.objectContaining({ name: 'rl_method', knownQueries: [] }),
              expect.objectContaining({
                name: 'rl_created',
                knownQueries: expect.arrayContaining([
                  expect.objectContaining({ query: expect.stringMatching(/created_at >= \$1 AND created_at < \$2/) }),
                ]),
              }),
            ]),
          }),
        },
      ],
    },
    {
      name: 'the endpoint index is high-cardinality text: named as such',
      sql: `${REQUEST_LOG}; ${INDEXES}; ${workload(READS)}`,
      tableTypes: LOG,
      expected: [
        {
          evidence: expect.objectContaining({
            indexes: expect.arrayContaining([
              expect.objectContaining({
                name: 'rl_endpoint',
                verdict: 'drop: unused',
                highCardinalityText: expect.stringMatching(/^endpoint is high-cardinality text \(~2,000 distinct values in ~2,000 rows\)$/),
              }),
              expect.objectContaining({ name: 'request_log_pkey', verdict: 'keep: it is the primary key' }),
              expect.objectContaining({ name: 'rl_created', verdict: 'keep: used' }),
            ]),
          }),
        },
      ],
    },
    {
      name: 'barely used: scanned once in 2,000 inserts',
      sql: `${REQUEST_LOG}; CREATE INDEX rl_created ON request_log (created_at); CREATE INDEX rl_method ON request_log (method);
        ${workload("SELECT count(*) FROM request_log WHERE method = 'PUT'; SELECT count(*) FROM request_log WHERE created_at < '2025-11-01 01:00+00'")}`,
      tableTypes: LOG,
      expected: [
        {
          message: expect.stringMatching(/: 1 scanned less than once per 1,000 index writes \(rl_method scanned once\)\.$/),
          evidence: expect.objectContaining({
            suggestedDrops: ['rl_method'],
            indexes: expect.arrayContaining([
              expect.objectContaining({
                name: 'rl_created',
                scans: 1,
                verdict: 'keep: time-range index, the access path a log table needs',
              }),
            ]),
          }),
        },
      ],
    },
    {
      name: 'an unused index that is the only one serving a foreign key stays',
      sql: `${REQUEST_LOG}; CREATE INDEX rl_user ON request_log (user_id); CREATE INDEX rl_method ON request_log (method); ${workload('SELECT 1')}`,
      tableTypes: LOG,
      expected: [
        {
          evidence: expect.objectContaining({
            suggestedDrops: ['rl_method'],
            indexes: expect.arrayContaining([
              expect.objectContaining({ name: 'rl_user', verdict: 'keep: the only index serving foreign key request_log_user_id_fkey' }),
            ]),
          }),
        },
      ],
    },
    {
      name: 'a used index on high-cardinality text: low, reviewed, nothing to drop',
      sql: `${REQUEST_LOG}; CREATE INDEX rl_endpoint ON request_log (endpoint);
        ${workload("SELECT * FROM request_log WHERE endpoint = '/api/v1/items/5/details'")}`,
      tableTypes: LOG,
      ruleOptions: { overIndexedWritesPerScan: 10_000 },
      expected: [{ severity: 'low', help: expect.stringMatching(/^Review rl_endpoint: high-cardinality text/), fix: undefined }],
    },
    {
      name: 'more indexes than overIndexedMaxIndexes, all used: low',
      sql: `${REQUEST_LOG}; CREATE INDEX rl_user ON request_log (user_id); CREATE INDEX rl_created ON request_log (created_at); ${workload(READS)}`,
      tableTypes: LOG,
      ruleOptions: { overIndexedMaxIndexes: 2 },
      expected: [
        {
          severity: 'low',
          message: expect.stringMatching(/with 3 indexes.*more than the 2 indexes a log table should need/),
          fix: undefined,
        },
      ],
    },
  ],
});
