import { expect } from 'vitest';
import { invalidIndex } from '../../src/rules/invalid-index.js';
import { ruleTester } from '../helpers/rule-tester.js';

const T = 'CREATE TABLE t (id int PRIMARY KEY, a int, b int)';
const DUPLICATE_A = `${T}; INSERT INTO t VALUES (1, 1, 1), (2, 1, 2)`;
const UNIQUE_FAILS = /could not create unique index/;

ruleTester(invalidIndex, {
  valid: [
    {
      name: 'valid indexes of every kind',
      sql: `${T};
        CREATE INDEX t_a ON t (a);
        CREATE UNIQUE INDEX t_ab ON t (a, b);
        CREATE INDEX t_b_partial ON t (b) WHERE a IS NOT NULL;
        CREATE INDEX t_a_hash ON t USING hash (a)`,
    },
    {
      name: 'CREATE INDEX CONCURRENTLY that succeeds',
      sql: [`${T}; INSERT INTO t VALUES (1, 1, 1), (2, 2, 2)`, 'CREATE UNIQUE INDEX CONCURRENTLY t_a_u ON t (a)'],
    },
    {
      name: 'a partitioned index with every partition attached',
      sql: `CREATE TABLE m (a int, b int) PARTITION BY RANGE (a);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
        CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
        CREATE INDEX m_b ON m (b)`,
    },
    {
      name: 'ON ONLY on a partitioned table without partitions is valid',
      sql: 'CREATE TABLE m (a int, b int) PARTITION BY RANGE (a); CREATE INDEX m_b ON ONLY m (b)',
    },
    {
      name: 'ON ONLY, then every partition index attached',
      sql: `CREATE TABLE m (a int, b int) PARTITION BY RANGE (a);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
        CREATE INDEX m_b ON ONLY m (b);
        CREATE INDEX m1_b ON m1 (b);
        ALTER INDEX m_b ATTACH PARTITION m1_b`,
    },
  ],
  invalid: [
    {
      name: 'CREATE UNIQUE INDEX CONCURRENTLY over duplicate values, duplicates fixed since',
      sql: [DUPLICATE_A, { sql: 'CREATE UNIQUE INDEX CONCURRENTLY t_a_u ON t (a)', error: UNIQUE_FAILS }, 'DELETE FROM t WHERE id = 2'],
      expected: [
        {
          table: 't',
          index: 't_a_u',
          columns: ['a'],
          severity: 'medium',
          // Dropped for good: rebuilding an INVALID index would fail again or make one that never was, so down leaves it out.
          fix: expect.objectContaining({
            up: [expect.stringMatching(/^DROP INDEX CONCURRENTLY IF EXISTS \S+\.t_a_u$/)],
            down: [],
            transactional: false,
            notes: expect.arrayContaining([expect.stringMatching(/^Not undone: t_a_u was INVALID/)]),
          }),
        },
      ],
    },
    {
      name: 'CREATE UNIQUE INDEX CONCURRENTLY over duplicate values that are still there',
      sql: [DUPLICATE_A, { sql: 'CREATE UNIQUE INDEX CONCURRENTLY t_a_u ON t (a)', error: UNIQUE_FAILS }],
      expected: [{ index: 't_a_u', message: expect.stringMatching(/INVALID/) }],
    },
    {
      name: 'a failed concurrent build of a multi-column partial unique index',
      sql: [
        DUPLICATE_A,
        { sql: 'CREATE UNIQUE INDEX CONCURRENTLY t_a_b_u ON t (a) INCLUDE (b) WHERE b > 0', error: UNIQUE_FAILS },
        'DELETE FROM t WHERE id = 2',
      ],
      expected: [{ index: 't_a_b_u', columns: ['a'] }],
    },
    {
      name: 'a non-unique expression index whose concurrent build failed (division by zero)',
      sql: [
        `${T}; INSERT INTO t VALUES (1, 0, 1)`,
        { sql: 'CREATE INDEX CONCURRENTLY t_inverse ON t ((1 / a))', error: /division by zero/ },
        'DELETE FROM t',
      ],
      expected: [{ index: 't_inverse', columns: ['(1 / a)'] }],
    },
    {
      name: 'only the invalid index is reported next to valid ones',
      sql: [
        `${DUPLICATE_A}; CREATE INDEX t_b ON t (b)`,
        { sql: 'CREATE UNIQUE INDEX CONCURRENTLY t_a_u ON t (a)', error: UNIQUE_FAILS },
        'UPDATE t SET a = 2 WHERE id = 2',
      ],
      expected: [{ index: 't_a_u' }],
    },
    {
      name: 'a partitioned index created ON ONLY, with a partition not attached',
      sql: `CREATE TABLE m (a int, b int) PARTITION BY RANGE (a);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
        CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
        CREATE INDEX m_b ON ONLY m (b);
        CREATE INDEX m1_b ON m1 (b);
        ALTER INDEX m_b ATTACH PARTITION m1_b`,
      expected: (s) => [
        {
          table: 'm',
          index: 'm_b',
          columns: ['b'],
          fix: undefined,
          evidence: expect.objectContaining({ partitionsWithoutIndex: [`${s}.m2`] }),
        },
      ],
    },
  ],
});
