import { expect } from 'vitest';
import { lowCardinalityIndex } from '../../../src/rules/low-cardinality-index.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

const ROWS = 20_000;
/** `rows` rows whose `flag` alternates 0/1 and whose `email` is unique. */
const FLAGS = (rows: number) => `CREATE TABLE t (id INTEGER PRIMARY KEY, flag INTEGER NOT NULL, email TEXT, active BOOLEAN);
CREATE INDEX ix_flag ON t (flag); CREATE INDEX ix_email ON t (email);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
INSERT INTO t (flag, email, active) SELECT i % 2, 'user' || i || '@example.com', i % 2 FROM n;`;
const NO_STAT1 = 'ANALYZE has not been run (no sqlite_stat1): row counts and distinct-value estimates are unknown';

dialectRuleTester('sqlite', lowCardinalityIndex, {
  valid: [
    {
      name: 'no sqlite_stat1 (never analyzed): an integer flag is not guessed at, and the audit says so',
      sql: FLAGS(ROWS),
      report: (result) => expect(result.model.limitations).toContain(NO_STAT1),
    },
    {
      name: 'analyzed: a unique-valued column is not low-cardinality',
      sql: `CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT); CREATE INDEX ix_email ON t (email);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS}) INSERT INTO t (email) SELECT 'user' || i FROM n;
ANALYZE;`,
    },
    {
      name: 'analyzed: two values on a table below cardinalityMinRows (1,000 rows)',
      sql: `${FLAGS(500)} DROP INDEX ix_email; ANALYZE;`.replace('active BOOLEAN', 'active INTEGER'),
    },
    {
      name: 'a partial index on the flag is left alone',
      sql: `CREATE TABLE t (id INTEGER PRIMARY KEY, flag INTEGER NOT NULL); CREATE INDEX ix_flag_set ON t (flag) WHERE flag = 1;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS}) INSERT INTO t (flag) SELECT i % 2 FROM n;
ANALYZE;`,
    },
  ],
  invalid: [
    {
      name: 'sqlite_stat1: the distinct count ANALYZE kept over the exact row count, and that the shares are unknown; no usage, so no fix',
      sql: `${FLAGS(ROWS)} ANALYZE;`.replace('active BOOLEAN', 'active INTEGER'),
      expected: [
        {
          table: 't',
          index: 'ix_flag',
          columns: ['flag'],
          severity: 'low',
          // sqlite_stat1 counts every row: ROWS exactly, ROWS / 2 rows per flag value.
          message: expect.stringContaining(
            `(flag) indexes a low-cardinality column: 2 distinct values over ~${ROWS.toLocaleString('en-US')} rows (how the rows share them is not known: the database keeps no column statistics); index usage statistics could not be read`,
          ),
          fix: undefined,
        },
      ],
    },
    {
      name: 'a BOOLEAN column never analyzed is judged by its type alone, and the finding says so',
      sql: `${FLAGS(ROWS)} CREATE INDEX ix_active ON t (active);`,
      expected: [
        {
          index: 'ix_active',
          severity: 'low',
          message: expect.stringContaining('active has never been analyzed, so this is judged by its boolean type alone'),
          fix: undefined,
        },
      ],
    },
  ],
});
