import { expect } from 'vitest';
import { unindexedForeignKey } from '../../src/rules/unindexed-foreign-key.js';
import { ruleTester } from '../helpers/rule-tester.js';

const PARENT = 'CREATE TABLE parent (id int PRIMARY KEY, code text UNIQUE, k1 int, k2 int, UNIQUE (k1, k2))';
/** child.parent_id → parent.id, named child_parent_fk. */
const CHILD = `${PARENT};
  CREATE TABLE child (id int PRIMARY KEY, parent_id int, other int, x int,
    CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id))`;
/** child.(y, x) → parent.(k1, k2), named child_pair_fk. */
const PAIR = `${PARENT};
  CREATE TABLE child (id int PRIMARY KEY, x int, y int, z int,
    CONSTRAINT child_pair_fk FOREIGN KEY (y, x) REFERENCES parent (k1, k2))`;
/** child.code → parent.code (text), named child_code_fk. */
const TEXT = `${PARENT};
  CREATE TABLE child (id int PRIMARY KEY, code text, CONSTRAINT child_code_fk FOREIGN KEY (code) REFERENCES parent (code))`;
/** A partitioned child with two partitions. */
const PARTITIONED = `${PARENT};
  CREATE TABLE m (id int, parent_id int, CONSTRAINT m_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id)) PARTITION BY RANGE (id);
  CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (100);
  CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (100) TO (200)`;

const childFk = { table: 'child', constraint: 'child_parent_fk', columns: ['parent_id'] };

/** Makes this session's table statistics visible to the next transaction (PostgreSQL 15+ flushes them lazily). */
const FLUSH_STATS = 'SELECT pg_stat_force_next_flush()';

ruleTester(unindexedForeignKey, {
  valid: [
    { name: 'index on the foreign-key column', sql: `${CHILD}; CREATE INDEX child_parent ON child (parent_id)` },
    { name: 'index leading with the foreign-key column', sql: `${CHILD}; CREATE INDEX child_parent_other ON child (parent_id, other)` },
    { name: 'descending index', sql: `${CHILD}; CREATE INDEX child_parent_desc ON child (parent_id DESC NULLS LAST)` },
    { name: 'index with INCLUDE columns', sql: `${CHILD}; CREATE INDEX child_parent_inc ON child (parent_id) INCLUDE (other)` },
    { name: 'unique index on the column', sql: `${CHILD}; CREATE UNIQUE INDEX child_parent_u ON child (parent_id)` },
    {
      name: 'composite primary key leading with the column',
      sql: `${PARENT}; CREATE TABLE child (parent_id int REFERENCES parent (id), n int, PRIMARY KEY (parent_id, n))`,
    },
    { name: 'multi-column key served by (x, y)', sql: `${PAIR}; CREATE INDEX child_xy ON child (x, y)` },
    {
      name: 'multi-column key served by (x, y, z), in another order than the key',
      sql: `${PAIR}; CREATE INDEX child_xyz ON child (x, y, z)`,
    },
    { name: 'multi-column key served by (y, x)', sql: `${PAIR}; CREATE INDEX child_yx ON child (y, x)` },
    {
      name: 'partial index WHERE fk IS NOT NULL: equality proves it',
      sql: `${CHILD}; CREATE INDEX child_parent_nn ON child (parent_id) WHERE parent_id IS NOT NULL`,
    },
    {
      name: 'multi-column partial index WHERE every key column IS NOT NULL',
      sql: `${PAIR}; CREATE INDEX child_yx_nn ON child (y, x) WHERE y IS NOT NULL AND x IS NOT NULL`,
    },
    {
      name: 'partial index WHERE fk IS NOT NULL OR something else',
      sql: `${CHILD}; CREATE INDEX child_parent_or ON child (parent_id) WHERE parent_id IS NOT NULL OR other = 1`,
    },
    { name: 'hash index on a single-column key', sql: `${CHILD}; CREATE INDEX child_parent_hash ON child USING hash (parent_id)` },
    {
      name: 'text_pattern_ops index on a text key: its operator family has the = the check uses',
      sql: `${TEXT}; CREATE INDEX child_code_pattern ON child (code text_pattern_ops)`,
    },
    {
      name: "index with the column's own non-default collation",
      sql: `CREATE TABLE parent (code text COLLATE "C" PRIMARY KEY);
        CREATE TABLE child (code text COLLATE "C" CONSTRAINT child_code_fk REFERENCES parent);
        CREATE INDEX child_code ON child (code)`,
    },
    {
      name: 'bigint column referencing an int key: cross-type equality in the integer family',
      sql: `${PARENT}; CREATE TABLE child (parent_id bigint REFERENCES parent (id)); CREATE INDEX child_parent ON child (parent_id)`,
    },
    {
      name: 'self-referencing key with an index',
      sql: 'CREATE TABLE node (id int PRIMARY KEY, up int REFERENCES node); CREATE INDEX node_up ON node (up)',
    },
    {
      name: 'partitioned table with the index on the parent',
      sql: `${PARTITIONED}; CREATE INDEX m_parent ON m (parent_id)`,
    },
    {
      name: 'partitioned table without a parent index, but an index on every partition',
      sql: `${PARTITIONED}; CREATE INDEX m1_parent ON m1 (parent_id); CREATE INDEX m2_parent ON m2 (parent_id)`,
    },
    {
      name: 'foreign key referencing a table in another schema, with an index',
      sql: (s) => `CREATE SCHEMA ${s}_ref; CREATE TABLE ${s}_ref.account (id int PRIMARY KEY);
        CREATE TABLE invoice (id int PRIMARY KEY, account_id int CONSTRAINT invoice_account_fk REFERENCES ${s}_ref.account);
        CREATE INDEX invoice_account ON invoice (account_id)`,
    },
    { name: 'tables without foreign keys', sql: `${PARENT}; CREATE TABLE lonely (id int PRIMARY KEY, parent_id int)` },
  ],
  invalid: [
    {
      name: 'foreign key without any index: low on an empty table',
      sql: CHILD,
      expected: [{ ...childFk, severity: 'low', index: undefined, coveredBy: undefined }],
    },
    {
      name: 'the fix creates the index concurrently and drops it concurrently',
      sql: CHILD,
      expected: [
        {
          ...childFk,
          fix: expect.objectContaining({
            up: [expect.stringMatching(/^CREATE INDEX CONCURRENTLY .*ON \S+\.child \(parent_id\)$/)],
            down: [expect.stringMatching(/^DROP INDEX CONCURRENTLY /)],
            transactional: false,
          }),
        },
      ],
    },
    {
      name: 'multi-column key: columns reported in key order',
      sql: PAIR,
      expected: [{ table: 'child', constraint: 'child_pair_fk', columns: ['y', 'x'] }],
    },
    {
      name: 'multi-column key with an index on its first column only',
      sql: `${PAIR}; CREATE INDEX child_y ON child (y)`,
      expected: [{ constraint: 'child_pair_fk', columns: ['y', 'x'] }],
    },
    {
      name: 'multi-column key with an index that has another column in between',
      sql: `${PAIR}; CREATE INDEX child_y_z_x ON child (y, z, x)`,
      expected: [{ constraint: 'child_pair_fk' }],
    },
    {
      name: 'multi-column key with a hash index on one of its columns',
      sql: `${PAIR}; CREATE INDEX child_y_hash ON child USING hash (y)`,
      expected: [{ constraint: 'child_pair_fk' }],
    },
    {
      name: 'the column is not the leading key: (x, parent_id)',
      sql: `${CHILD}; CREATE INDEX child_x_parent ON child (x, parent_id)`,
      expected: [childFk],
    },
    {
      name: 'partial index WHERE other_col = 1',
      sql: `${CHILD}; CREATE INDEX child_parent_some ON child (parent_id) WHERE other = 1`,
      expected: [childFk],
    },
    {
      name: 'partial index WHERE fk > 0: an equality does not prove it',
      sql: `${CHILD}; CREATE INDEX child_parent_pos ON child (parent_id) WHERE parent_id > 0`,
      expected: [childFk],
    },
    {
      name: 'partial index WHERE fk IS NOT NULL AND other_col = 1',
      sql: `${CHILD}; CREATE INDEX child_parent_and ON child (parent_id) WHERE parent_id IS NOT NULL AND other = 1`,
      expected: [childFk],
    },
    {
      name: 'expression index on the column',
      sql: `${CHILD}; CREATE INDEX child_parent_abs ON child (abs(parent_id))`,
      expected: [childFk],
    },
    {
      name: 'expression index on a text key: lower(code)',
      sql: `${TEXT}; CREATE INDEX child_code_lower ON child (lower(code))`,
      expected: [{ table: 'child', constraint: 'child_code_fk', columns: ['code'] }],
    },
    {
      name: 'brin index',
      sql: `${CHILD}; CREATE INDEX child_parent_brin ON child USING brin (parent_id)`,
      expected: [childFk],
    },
    {
      name: 'gin index on an array key',
      sql: `CREATE TABLE parent (tags int[] PRIMARY KEY);
        CREATE TABLE child (tags int[] CONSTRAINT child_tags_fk REFERENCES parent);
        CREATE INDEX child_tags_gin ON child USING gin (tags)`,
      expected: [{ table: 'child', constraint: 'child_tags_fk', columns: ['tags'] }],
    },
    {
      name: 'invalid index (a failed CREATE UNIQUE INDEX CONCURRENTLY) on the column',
      sql: [
        `${CHILD}; INSERT INTO parent (id) VALUES (1); INSERT INTO child (id, parent_id) VALUES (1, 1), (2, 1)`,
        { sql: 'CREATE UNIQUE INDEX CONCURRENTLY child_parent_u ON child (parent_id)', error: /could not create unique index/ },
      ],
      expected: [childFk],
    },
    {
      name: 'index with another collation than the column',
      sql: `${TEXT}; CREATE INDEX child_code_c ON child (code COLLATE "C")`,
      expected: [{ constraint: 'child_code_fk', columns: ['code'] }],
    },
    {
      name: 'NOT VALID foreign keys are still checked on deletes',
      sql: `${PARENT}; CREATE TABLE child (parent_id int);
        ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent NOT VALID`,
      expected: [childFk],
    },
    {
      name: 'self-referencing key without an index',
      sql: 'CREATE TABLE node (id int PRIMARY KEY, up int CONSTRAINT node_up_fk REFERENCES node)',
      expected: [{ table: 'node', constraint: 'node_up_fk', columns: ['up'] }],
    },
    {
      name: 'two foreign keys, one indexed',
      sql: `${PARENT};
        CREATE TABLE child (a int CONSTRAINT child_a_fk REFERENCES parent (id), b int CONSTRAINT child_b_fk REFERENCES parent (id));
        CREATE INDEX child_a ON child (a)`,
      expected: [{ constraint: 'child_b_fk', columns: ['b'] }],
    },
    {
      name: 'the proposed index name does not collide with an existing one',
      sql: `${CHILD}; CREATE INDEX child_parent_id_idx ON child (other)`,
      expected: [{ ...childFk, evidence: expect.objectContaining({ proposedIndex: 'child_parent_id_idx1' }) }],
    },
    {
      name: 'the proposed index name avoids a sequence, a view and a composite type of the schema (IF NOT EXISTS would skip the index)',
      sql: `${CHILD};
        CREATE SEQUENCE child_parent_id_idx;
        CREATE VIEW child_parent_id_idx1 AS SELECT 1 AS one;
        CREATE TYPE child_parent_id_idx2 AS (a int)`,
      expected: [
        {
          ...childFk,
          evidence: expect.objectContaining({ proposedIndex: 'child_parent_id_idx3' }),
          fix: expect.objectContaining({
            up: [expect.stringMatching(/^CREATE INDEX CONCURRENTLY IF NOT EXISTS child_parent_id_idx3 ON /)],
          }),
        },
      ],
    },
    {
      name: 'partitioned table without any index: the parent index is created ON ONLY, partitions concurrently and attached',
      sql: PARTITIONED,
      expected: [
        {
          table: 'm',
          constraint: 'm_parent_fk',
          columns: ['parent_id'],
          fix: expect.objectContaining({
            transactional: false,
            up: [
              expect.stringMatching(/^CREATE INDEX (IF NOT EXISTS )?m_parent_id_idx ON ONLY \S+\.m \(parent_id\)$/),
              expect.stringMatching(/^CREATE INDEX CONCURRENTLY .* ON \S+\.m1 \(parent_id\)$/),
              expect.stringMatching(/^ALTER INDEX \S+\.m_parent_id_idx ATTACH PARTITION \S+\.m1_parent_id_idx$/),
              expect.stringMatching(/^CREATE INDEX CONCURRENTLY .* ON \S+\.m2 \(parent_id\)$/),
              expect.stringMatching(/^ALTER INDEX \S+\.m_parent_id_idx ATTACH PARTITION \S+\.m2_parent_id_idx$/),
            ],
          }),
        },
      ],
    },
    {
      name: "partitioned table: the partitions' index names do not collide with existing ones",
      sql: `${PARTITIONED}; CREATE INDEX m1_parent_id_idx ON m1 (id)`,
      expected: [
        {
          table: 'm',
          constraint: 'm_parent_fk',
          fix: expect.objectContaining({
            up: expect.arrayContaining([
              expect.stringMatching(/^ALTER INDEX \S+\.m_parent_id_idx ATTACH PARTITION \S+\.m1_parent_id_idx1$/),
            ]),
          }),
        },
      ],
    },
    {
      name: 'partitioned table with a sub-partitioned partition and no index',
      sql: `${PARENT};
        CREATE TABLE m (id int, parent_id int, CONSTRAINT m_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id)) PARTITION BY RANGE (id);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (100) PARTITION BY RANGE (id);
        CREATE TABLE m1a PARTITION OF m1 FOR VALUES FROM (0) TO (50);
        CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (100) TO (200)`,
      expected: [{ table: 'm', constraint: 'm_parent_fk', columns: ['parent_id'] }],
    },
    {
      name: 'partitioned table where only one partition has an index',
      sql: `${PARTITIONED}; CREATE INDEX m1_parent ON m1 (parent_id)`,
      expected: [{ table: 'm', constraint: 'm_parent_fk' }],
    },
    {
      name: 'foreign key referencing a table in another schema, without an index',
      sql: (s) => `CREATE SCHEMA ${s}_ref; CREATE TABLE ${s}_ref.account (id int PRIMARY KEY);
        CREATE TABLE invoice (id int PRIMARY KEY, account_id int CONSTRAINT invoice_account_fk REFERENCES ${s}_ref.account)`,
      expected: (s) => [{ schema: s, table: 'invoice', constraint: 'invoice_account_fk', columns: ['account_id'] }],
    },
    {
      name: 'foreign key in another audited schema referencing this one',
      sql: (s) => `CREATE TABLE account (id int PRIMARY KEY);
        CREATE SCHEMA ${s}_billing;
        CREATE TABLE ${s}_billing.invoice (id int PRIMARY KEY, account_id int CONSTRAINT invoice_account_fk REFERENCES account)`,
      schemas: (s) => [s, `${s}_billing`],
      expected: (s) => [{ schema: `${s}_billing`, table: 'invoice', constraint: 'invoice_account_fk' }],
    },
    {
      name: 'medium: 1000 estimated rows after ANALYZE',
      sql: `${CHILD};
        INSERT INTO parent (id) VALUES (1);
        INSERT INTO child (id, parent_id) SELECT g, 1 FROM generate_series(1, 1000) g;
        ANALYZE child`,
      ruleOptions: { trafficActivityThreshold: Number.POSITIVE_INFINITY },
      expected: [{ ...childFk, severity: 'medium' }],
    },
    {
      name: 'low: 999 estimated rows after ANALYZE (activity not counted)',
      sql: `${CHILD};
        INSERT INTO parent (id) VALUES (1);
        INSERT INTO child (id, parent_id) SELECT g, 1 FROM generate_series(1, 999) g;
        ANALYZE child; ANALYZE parent`,
      ruleOptions: { trafficActivityThreshold: Number.POSITIVE_INFINITY },
      expected: [{ ...childFk, severity: 'low' }],
    },
    {
      name: 'medium: the referenced table has 1000 estimated rows',
      sql: `${CHILD};
        INSERT INTO parent (id) SELECT g FROM generate_series(1, 1000) g;
        ANALYZE parent`,
      ruleOptions: { trafficActivityThreshold: Number.POSITIVE_INFINITY },
      expected: [{ ...childFk, severity: 'medium' }],
    },
    {
      name: 'medium: 150 writes since the statistics reset (rows not counted)',
      sql: [
        `${CHILD};
          INSERT INTO parent (id) VALUES (1);
          INSERT INTO child (id, parent_id) SELECT g, 1 FROM generate_series(1, 150) g`,
        FLUSH_STATS,
      ],
      ruleOptions: { trafficRowThreshold: Number.POSITIVE_INFINITY },
      expected: [{ ...childFk, severity: 'medium' }],
    },
    {
      name: 'medium by default: 1000 inserted and analyzed rows',
      sql: [
        `${CHILD};
          INSERT INTO parent (id) VALUES (1);
          INSERT INTO child (id, parent_id) SELECT g, 1 FROM generate_series(1, 1000) g;
          ANALYZE child`,
        FLUSH_STATS,
      ],
      expected: [{ ...childFk, severity: 'medium' }],
    },
    {
      name: 'low by default: 40 rows, a few writes',
      sql: [
        `${CHILD};
          INSERT INTO parent (id) VALUES (1);
          INSERT INTO child (id, parent_id) SELECT g, 1 FROM generate_series(1, 40) g;
          ANALYZE child; ANALYZE parent`,
        FLUSH_STATS,
      ],
      expected: [{ ...childFk, severity: 'low' }],
    },
  ],
});
