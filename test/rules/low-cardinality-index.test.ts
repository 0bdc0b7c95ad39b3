import { expect } from 'vitest';
import { lowCardinalityIndex } from '../../src/rules/low-cardinality-index.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** Makes this session's table and index statistics visible to the next transaction (PostgreSQL 15+ flushes them lazily). */
const FLUSH_STATS = 'SELECT pg_stat_force_next_flush()';

/**
 * 400 accounts: is_active half and half, status over four equally common values, is_admin true for
 * 1% (4 rows), a referrer for 4% (NULL otherwise), a distinct email each.
 */
const ACCOUNTS = `
  CREATE TYPE mood AS ENUM ('happy', 'neutral', 'sad');
  CREATE TABLE accounts (id int PRIMARY KEY, is_active boolean NOT NULL, is_admin boolean NOT NULL, status text NOT NULL,
                         mood mood NOT NULL, referrer text, email text NOT NULL);
  INSERT INTO accounts
  SELECT g, g % 2 = 0, g % 100 = 0, (ARRAY['new','active','suspended','closed'])[1 + g % 4],
         (ARRAY['happy','neutral','sad']::mood[])[1 + g % 3], CASE WHEN g % 25 = 0 THEN 'ref-' || g END, 'user' || g || '@example.com'
  FROM generate_series(1, 400) AS g`;

/** ANALYZE, then the read traffic in `reads` (index scans forced), then the statistics flushed. */
function workload(reads = ''): string {
  return `ANALYZE accounts; SET enable_seqscan = off; ${reads}; RESET enable_seqscan; ${FLUSH_STATS}`;
}

/** Judge column statistics on this small table, and take its few hundred writes as conclusive usage statistics. */
const SMALL = { cardinalityMinRows: 100, minStatsActivity: 100 };

ruleTester(lowCardinalityIndex, {
  valid: [
    {
      name: 'index on a column with a distinct value per row',
      sql: `${ACCOUNTS}; CREATE INDEX acc_email ON accounts (email); ${workload()}`,
      ruleOptions: SMALL,
    },
    {
      name: 'table below cardinalityMinRows: every column has few values there',
      sql: `${ACCOUNTS}; CREATE INDEX acc_status ON accounts (status); ${workload()}`,
    },
    {
      name: 'partial index on the rare value',
      sql: `${ACCOUNTS}; CREATE INDEX acc_admins ON accounts (is_admin) WHERE is_admin; ${workload()}`,
      ruleOptions: SMALL,
    },
    {
      name: 'composite led by a selective column',
      sql: `${ACCOUNTS}; CREATE INDEX acc_email_active ON accounts (email, is_active); ${workload()}`,
      ruleOptions: SMALL,
    },
    {
      name: 'hash index',
      sql: `${ACCOUNTS}; CREATE INDEX acc_status_hash ON accounts USING hash (status); ${workload()}`,
      ruleOptions: SMALL,
    },
    {
      name: 'expression index',
      sql: `${ACCOUNTS}; CREATE INDEX acc_status_lower ON accounts (lower(status)); ${workload()}`,
      ruleOptions: SMALL,
    },
    {
      name: 'covering index with INCLUDE columns (index-only scans)',
      sql: `${ACCOUNTS}; CREATE INDEX acc_status_inc ON accounts (status) INCLUDE (email); ${workload()}`,
      ruleOptions: SMALL,
    },
    {
      name: 'a text column never analyzed: no statistics, no finding',
      sql: `${ACCOUNTS}; CREATE INDEX acc_status ON accounts (status); ${FLUSH_STATS}`,
      ruleOptions: SMALL,
    },
    {
      name: 'unique index on a few-valued column of a small table is left to uniqueness',
      sql: `CREATE TABLE plans (id int PRIMARY KEY, tier text NOT NULL UNIQUE);
        INSERT INTO plans VALUES (1, 'free'), (2, 'pro'), (3, 'team'); ANALYZE plans`,
      ruleOptions: { cardinalityMinRows: 1 },
    },
  ],
  invalid: [
    {
      name: 'boolean half and half, never scanned, on a table with traffic: medium, with a drop',
      sql: `${ACCOUNTS}; CREATE INDEX acc_active ON accounts (is_active); ${workload()}`,
      ruleOptions: SMALL,
      expected: [
        {
          severity: 'medium',
          table: 'accounts',
          index: 'acc_active',
          columns: ['is_active'],
          message: expect.stringMatching(
            /2 distinct values over ~400 rows \((true|false) 50%, (true|false) 50%\); it has not been scanned/,
          ),
          fix: expect.objectContaining({
            up: [expect.stringMatching(/^DROP INDEX CONCURRENTLY IF EXISTS \S+\.acc_active$/)],
            transactional: false,
          }),
        },
      ],
    },
    {
      name: 'never scanned, but the only index serving a foreign key: medium, no drop, the check named',
      sql: `CREATE TABLE plans (id int PRIMARY KEY); INSERT INTO plans VALUES (1), (2);
        CREATE TABLE subscriptions (id int PRIMARY KEY, plan_id int NOT NULL REFERENCES plans);
        INSERT INTO subscriptions SELECT g, 1 + g % 2 FROM generate_series(1, 400) AS g;
        CREATE INDEX subscriptions_plan ON subscriptions (plan_id); ANALYZE subscriptions; ${FLUSH_STATS}`,
      ruleOptions: SMALL,
      expected: [
        {
          severity: 'medium',
          table: 'subscriptions',
          index: 'subscriptions_plan',
          message: expect.stringMatching(/2 distinct values over ~400 rows .*it has not been scanned/),
          help: expect.stringMatching(
            /subscriptions_plan is the only one serving the check of subscriptions_plan_id_fkey \(to \S+\.plans\), run on every DELETE/,
          ),
          evidence: expect.objectContaining({ onlyIndexForForeignKeys: ['subscriptions_plan_id_fkey'] }),
          fix: undefined,
        },
      ],
    },
    {
      name: 'never scanned, but the statistics record too little activity to mean anything: low, no fix, said so',
      sql: `${ACCOUNTS}; CREATE INDEX acc_active ON accounts (is_active); ${workload()}`,
      ruleOptions: { cardinalityMinRows: 100 },
      expected: [
        {
          severity: 'low',
          index: 'acc_active',
          message: expect.stringMatching(
            /it has not been scanned since the statistics reset \(statistics are not conclusive yet: Almost no activity is recorded/,
          ),
          help: expect.stringMatching(/^Look again once the statistics are conclusive/),
          fix: undefined,
        },
      ],
    },
    {
      name: 'four equally common statuses, scanned: low, no fix',
      sql: `${ACCOUNTS}; CREATE INDEX acc_status ON accounts (status); ${workload("SELECT count(*) FROM accounts WHERE status = 'closed'")}`,
      ruleOptions: SMALL,
      expected: [
        {
          severity: 'low',
          index: 'acc_status',
          message: expect.stringMatching(/4 distinct values .*it was scanned once, but every value covers at least 25% of the rows/),
          fix: undefined,
        },
      ],
    },
    {
      name: 'boolean with a rare value that queries look up: low, partial index suggested, no fix',
      sql: `${ACCOUNTS}; CREATE INDEX acc_admin ON accounts (is_admin); ${workload('SELECT id FROM accounts WHERE is_admin')}`,
      ruleOptions: SMALL,
      expected: [
        {
          severity: 'low',
          index: 'acc_admin',
          message: expect.stringMatching(/false 99%, true 1%\).*may still serve lookups of the less common value \(true 1%\)/),
          help: expect.stringMatching(/CREATE INDEX CONCURRENTLY acc_admin_partial ON \S+\.accounts \(is_admin\) WHERE is_admin = true/),
          evidence: expect.objectContaining({ lessCommonValues: [{ value: 't', fraction: 0.01 }] }),
          fix: undefined,
        },
      ],
    },
    {
      name: 'rare value but never scanned: medium, still no fix (the rare value could use it)',
      sql: `${ACCOUNTS}; CREATE INDEX acc_admin ON accounts (is_admin); ${workload()}`,
      ruleOptions: SMALL,
      expected: [
        {
          severity: 'medium',
          index: 'acc_admin',
          message: expect.stringMatching(/not been scanned .* although lookups of the less common value \(true 1%\) could use it/),
          help: expect.stringMatching(
            /^Drop acc_admin, since no query used it; if queries do look up the less common values, a partial index \(CREATE INDEX CONCURRENTLY acc_admin_partial .* WHERE is_admin = true\)/,
          ),
          fix: undefined,
        },
      ],
    },
    {
      name: 'one value dominates (90%) though none is rare, never scanned: no drop offered, the partial index is',
      sql: `${ACCOUNTS}; CREATE TABLE jobs (id int PRIMARY KEY, state text NOT NULL);
        INSERT INTO jobs SELECT g, CASE WHEN g % 10 = 0 THEN 'failed' ELSE 'done' END FROM generate_series(1, 400) g;
        CREATE INDEX jobs_state ON jobs (state); ANALYZE jobs; ${FLUSH_STATS}`,
      ruleOptions: SMALL,
      expected: [
        {
          severity: 'medium',
          index: 'jobs_state',
          message: expect.stringMatching(/2 distinct values over ~400 rows \('done' 90%, 'failed' 10%\); it has not been scanned/),
          evidence: expect.objectContaining({ suggestedPartialIndex: expect.stringMatching(/\(state\) WHERE state = 'failed'$/) }),
          fix: undefined,
        },
      ],
    },
    {
      name: 'boolean never analyzed: low, judged by its type alone',
      sql: `${ACCOUNTS}; CREATE INDEX acc_active ON accounts (is_active); ${FLUSH_STATS}`,
      expected: [
        {
          severity: 'low',
          index: 'acc_active',
          message: expect.stringMatching(/never been analyzed, so this is judged by its boolean type alone/),
          evidence: expect.objectContaining({ column: expect.objectContaining({ analyzed: false }) }),
          fix: undefined,
        },
      ],
    },
    {
      name: 'mostly NULL column: partial index WHERE col IS NOT NULL',
      sql: `${ACCOUNTS}; CREATE INDEX acc_referrer ON accounts (referrer); ${workload()}`,
      ruleOptions: SMALL,
      expected: [
        {
          index: 'acc_referrer',
          message: expect.stringMatching(/NULL 96%/),
          evidence: expect.objectContaining({ suggestedPartialIndex: expect.stringMatching(/WHERE referrer IS NOT NULL$/) }),
        },
      ],
    },
    {
      name: 'enum column with three values',
      sql: `${ACCOUNTS}; CREATE INDEX acc_mood ON accounts (mood); ${workload()}`,
      ruleOptions: SMALL,
      expected: [{ index: 'acc_mood', columns: ['mood'], message: expect.stringMatching(/3 distinct values/) }],
    },
    {
      name: 'known queries looking up one status: the partial index is on that value',
      sql: `${ACCOUNTS}; CREATE INDEX acc_status ON accounts (status); ${workload()}`,
      ruleOptions: SMALL,
      queries: `SELECT id FROM accounts WHERE status = 'suspended' AND email LIKE 'user1%';
        SELECT count(*) FROM accounts WHERE status IN ('suspended', 'closed');`,
      expected: [
        {
          index: 'acc_status',
          message: expect.stringMatching(/; 2 known queries filter on status, looking up 'suspended', 'closed'\.$/),
          evidence: expect.objectContaining({
            suggestedPartialIndex: expect.stringMatching(/\(status\) WHERE status IN \('suspended', 'closed'\)$/),
            queries: expect.objectContaining({ valuesLookedUp: ['suspended', 'closed'] }),
          }),
        },
      ],
    },
    {
      name: 'looked-up values covering most rows: no partial index on them',
      sql: `${ACCOUNTS}; CREATE INDEX acc_status ON accounts (status); ${workload()}`,
      ruleOptions: SMALL,
      queries: "SELECT count(*) FROM accounts WHERE status IN ('new', 'active', 'closed');",
      expected: [{ index: 'acc_status', evidence: expect.objectContaining({ suggestedPartialIndex: null }) }],
    },
    {
      name: 'a known query grouping by the column, and no plan using the index for it',
      sql: `${ACCOUNTS}; CREATE INDEX acc_status ON accounts (status); ${workload()}`,
      ruleOptions: SMALL,
      queries: 'SELECT status, count(*) FROM accounts GROUP BY status;',
      expected: [
        {
          index: 'acc_status',
          message: expect.stringMatching(
            /; no known query filters on status; a known query groups or sorts by it, yet no plan used the index for that\.$/,
          ),
          evidence: expect.objectContaining({
            queries: expect.objectContaining({ groupOrSortBy: ['SELECT status, count(*) FROM accounts GROUP BY status'] }),
          }),
        },
      ],
    },
    {
      name: 'known queries that never filter on the column are said so',
      sql: `${ACCOUNTS}; CREATE INDEX acc_active ON accounts (is_active); ${workload()}`,
      ruleOptions: SMALL,
      queries: 'SELECT id FROM accounts WHERE email = $1;',
      expected: [{ index: 'acc_active', message: expect.stringMatching(/; no known query filters on is_active\.$/) }],
    },
    {
      name: 'a known query looking up the dominant value is told a sequential scan serves it',
      sql: `${ACCOUNTS}; CREATE INDEX acc_admin ON accounts (is_admin); ${workload()}`,
      ruleOptions: SMALL,
      queries: 'SELECT count(*) FROM accounts WHERE NOT is_admin;',
      expected: [
        {
          index: 'acc_admin',
          message: expect.stringMatching(
            /a known query filters on is_admin, looking up false \(for the dominant value false a sequential scan serves as well\)\.$/,
          ),
          evidence: expect.objectContaining({ suggestedPartialIndex: expect.stringMatching(/WHERE is_admin = true$/) }),
        },
      ],
    },
    {
      name: 'composites that hold the column after a selective key are named, not counted as covering it',
      sql: `${ACCOUNTS}; CREATE INDEX acc_status ON accounts (status); CREATE INDEX acc_email_status ON accounts (email, status); ${workload()}`,
      ruleOptions: SMALL,
      expected: [
        {
          index: 'acc_status',
          help: expect.stringMatching(/also filter on email are served by acc_email_status/),
          evidence: expect.objectContaining({ compositesWithColumn: [expect.stringMatching(/acc_email_status/)] }),
        },
      ],
    },
  ],
});
