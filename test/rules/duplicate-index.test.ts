import { expect } from 'vitest';
import { duplicateIndex } from '../../src/rules/duplicate-index.js';
import { ruleTester } from '../helpers/rule-tester.js';

const T = 'CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int, email text)';

ruleTester(duplicateIndex, {
  valid: [
    {
      name: 'indexes on different columns',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_b ON t (b)`,
    },
    {
      name: 'same columns in a different order',
      sql: `${T}; CREATE INDEX t_ab ON t (a, b); CREATE INDEX t_ba ON t (b, a)`,
    },
    {
      name: 'a left prefix is redundant-index territory, not a duplicate',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_ab ON t (a, b)`,
    },
    {
      name: 'only some keys reversed: (a, b) vs (a, b DESC) give different orders',
      sql: `${T}; CREATE INDEX t_ab ON t (a, b); CREATE INDEX t_ab_desc ON t (a, b DESC)`,
    },
    {
      name: 'ASC NULLS FIRST is not the backward scan of DESC NULLS FIRST',
      sql: `${T}; CREATE INDEX t_a_nf ON t (a NULLS FIRST); CREATE INDEX t_a_desc_nf ON t (a DESC NULLS FIRST)`,
    },
    {
      name: 'DESC NULLS LAST is not the backward scan of ASC NULLS LAST',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_a_desc_nl ON t (a DESC NULLS LAST)`,
    },
    {
      name: 'different access methods: btree vs hash',
      sql: `${T}; CREATE INDEX t_a_btree ON t (a); CREATE INDEX t_a_hash ON t USING hash (a)`,
    },
    {
      name: 'different access methods: btree vs gist on a range',
      sql: 'CREATE TABLE t (r tsrange); CREATE INDEX t_r_btree ON t (r); CREATE INDEX t_r_gist ON t USING gist (r)',
    },
    {
      name: 'different operator classes: text_ops vs text_pattern_ops',
      sql: `${T}; CREATE INDEX t_email ON t (email); CREATE INDEX t_email_pattern ON t (email text_pattern_ops)`,
    },
    {
      name: 'different collations: "C" vs the column default',
      sql: `${T}; CREATE INDEX t_email ON t (email); CREATE INDEX t_email_c ON t (email COLLATE "C")`,
    },
    {
      name: 'different collations: "C" vs "POSIX"',
      sql: `${T}; CREATE INDEX t_email_c ON t (email COLLATE "C"); CREATE INDEX t_email_posix ON t (email COLLATE "POSIX")`,
    },
    {
      name: 'different predicates',
      sql: `${T}; CREATE INDEX t_a_pos ON t (a) WHERE b > 0; CREATE INDEX t_a_neg ON t (a) WHERE b < 0`,
    },
    {
      name: 'predicates with the same conditions joined by OR instead of AND',
      sql: `${T}; CREATE INDEX t_a_and ON t (a) WHERE b > 0 AND c IS NULL; CREATE INDEX t_a_or ON t (a) WHERE c IS NULL OR b > 0`,
    },
    {
      name: 'CASE predicates whose inner ANDs are in another order are compared as text',
      sql: `${T}; CREATE INDEX t_a_case1 ON t (a) WHERE CASE WHEN b > 0 AND c IS NULL THEN true ELSE false END;
        CREATE INDEX t_a_case2 ON t (a) WHERE CASE WHEN c IS NULL AND b > 0 THEN true ELSE false END`,
    },
    {
      name: 'GIN jsonb_ops and jsonb_path_ops: operator classes of different families',
      sql: 'CREATE TABLE j (doc jsonb); CREATE INDEX j_doc ON j USING gin (doc); CREATE INDEX j_doc_path ON j USING gin (doc jsonb_path_ops)',
    },
    {
      name: 'partial vs full index',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_a_partial ON t (a) WHERE b IS NOT NULL`,
    },
    {
      name: 'different INCLUDE columns',
      sql: `${T}; CREATE INDEX t_a_inc_b ON t (a) INCLUDE (b); CREATE INDEX t_a_inc_c ON t (a) INCLUDE (c)`,
    },
    {
      name: 'with and without INCLUDE: not the same index-only scans',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_a_inc_b ON t (a) INCLUDE (b)`,
    },
    {
      name: 'different expressions: lower(email) vs upper(email)',
      sql: `${T}; CREATE INDEX t_lower ON t (lower(email)); CREATE INDEX t_upper ON t (upper(email))`,
    },
    {
      name: 'the same expression over different columns',
      sql: 'CREATE TABLE t (x text, y text); CREATE INDEX t_lx ON t (lower(x)); CREATE INDEX t_ly ON t (lower(y))',
    },
    {
      name: 'an expression vs the plain column',
      sql: `${T}; CREATE INDEX t_email ON t (email); CREATE INDEX t_lower ON t (lower(email))`,
    },
    {
      name: 'same-named tables and indexes in different schemas',
      sql: (s) => `
        ${T}; CREATE INDEX t_a ON t (a);
        CREATE SCHEMA ${s}_other; CREATE TABLE ${s}_other.t (id int PRIMARY KEY, a int); CREATE INDEX t_a ON ${s}_other.t (a)`,
      schemas: (s) => [s, `${s}_other`],
    },
    {
      name: 'same index on two tables',
      sql: `${T}; CREATE TABLE u (a int); CREATE INDEX t_a ON t (a); CREATE INDEX u_a ON u (a)`,
    },
    {
      name: 'one partitioned index: the indexes attached to it on the partitions are not duplicates',
      sql: `
        CREATE TABLE m (a int, b int) PARTITION BY RANGE (a);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
        CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
        CREATE INDEX m_b ON m (b)`,
    },
    {
      name: 'an invalid index (failed CREATE UNIQUE INDEX CONCURRENTLY) is never a duplicate',
      sql: [
        `${T}; INSERT INTO t (id, a) VALUES (1, 1), (2, 1); CREATE INDEX t_a ON t (a)`,
        { sql: 'CREATE UNIQUE INDEX CONCURRENTLY t_a_unique ON t (a)', error: /could not create unique index/ },
      ],
    },
    {
      name: 'a unique index next to an exclusion constraint with = (each enforces in its own way)',
      sql: 'CREATE TABLE t (a int, CONSTRAINT t_a_excl EXCLUDE USING btree (a WITH =)); CREATE UNIQUE INDEX t_a_unique ON t (a)',
    },
    {
      name: 'two unique indexes with different keys',
      sql: `${T}; CREATE UNIQUE INDEX t_a_u ON t (a); CREATE UNIQUE INDEX t_ab_u ON t (a, b)`,
    },
  ],
  invalid: [
    {
      name: 'two plain indexes: the newer one goes',
      sql: `${T}; CREATE INDEX t_a_first ON t (a); CREATE INDEX t_a_second ON t (a)`,
      expected: [{ index: 't_a_second', coveredBy: 't_a_first', table: 't', columns: ['a'], severity: 'critical' }],
    },
    {
      name: 'a name ending in digits loses to a better name, even when older',
      sql: `${T}; CREATE INDEX t_a_idx1 ON t (a); CREATE INDEX t_a_idx ON t (a)`,
      expected: [{ index: 't_a_idx1', coveredBy: 't_a_idx' }],
    },
    {
      name: 'a _ccnew leftover loses to the real index, even when older',
      sql: `${T}; CREATE INDEX t_a_idx_ccnew ON t (a); CREATE INDEX t_a_idx ON t (a)`,
      expected: [{ index: 't_a_idx_ccnew', coveredBy: 't_a_idx' }],
    },
    {
      name: 'a _tmp copy loses to the real index',
      sql: `${T}; CREATE INDEX t_b_tmp ON t (b); CREATE INDEX t_b_key_lookup ON t (b)`,
      expected: [{ index: 't_b_tmp', coveredBy: 't_b_key_lookup' }],
    },
    {
      name: 'an _old copy loses to the real index',
      sql: `${T}; CREATE INDEX t_b_old ON t (b); CREATE INDEX t_b_lookup ON t (b)`,
      expected: [{ index: 't_b_old', coveredBy: 't_b_lookup' }],
    },
    {
      name: '(a) and (a DESC): a backward scan gives the other order',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_a_desc ON t (a DESC)`,
      expected: [{ index: 't_a_desc', coveredBy: 't_a' }],
    },
    {
      name: '(a, b DESC) and (a DESC, b): every key reversed',
      sql: `${T}; CREATE INDEX t_ab_mixed ON t (a, b DESC); CREATE INDEX t_ab_mixed_rev ON t (a DESC, b)`,
      expected: [{ index: 't_ab_mixed_rev', coveredBy: 't_ab_mixed', columns: ['a', 'b'] }],
    },
    {
      name: "(a NULLS FIRST) and (a DESC NULLS LAST) are each other's backward scan",
      sql: `${T}; CREATE INDEX t_a_nf ON t (a NULLS FIRST); CREATE INDEX t_a_desc_nl ON t (a DESC NULLS LAST)`,
      expected: [{ index: 't_a_desc_nl', coveredBy: 't_a_nf' }],
    },
    {
      name: 'unique vs non-unique with the same keys: the non-unique one goes, even when older',
      sql: `${T}; CREATE INDEX t_a_plain ON t (a); CREATE UNIQUE INDEX t_a_unique ON t (a)`,
      expected: [{ index: 't_a_plain', coveredBy: 't_a_unique' }],
    },
    {
      name: 'two unique indexes, one NULLS NOT DISTINCT: the other goes',
      sql: `${T}; CREATE UNIQUE INDEX t_a_unique ON t (a); CREATE UNIQUE INDEX t_a_nnd ON t (a) NULLS NOT DISTINCT`,
      expected: [{ index: 't_a_unique', coveredBy: 't_a_nnd' }],
    },
    {
      name: 'deferrable unique constraint vs immediate unique index: the deferrable constraint goes',
      sql: `${T}; ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a) DEFERRABLE; CREATE UNIQUE INDEX t_a_unique ON t (a)`,
      expected: [
        {
          index: 't_a_key',
          constraint: 't_a_key',
          coveredBy: 't_a_unique',
          fix: expect.objectContaining({ up: [expect.stringMatching(/^ALTER TABLE .*DROP CONSTRAINT .*t_a_key/)] }),
        },
      ],
    },
    {
      name: 'initially deferred unique constraint vs immediate unique constraint',
      sql: `${T};
        ALTER TABLE t ADD CONSTRAINT t_a_deferred UNIQUE (a) DEFERRABLE INITIALLY DEFERRED;
        ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a)`,
      expected: [{ index: 't_a_deferred', constraint: 't_a_deferred', coveredBy: 't_a_key' }],
    },
    {
      name: 'a unique constraint duplicating the primary key: drop the constraint',
      sql: `${T}; ALTER TABLE t ADD CONSTRAINT t_id_key UNIQUE (id)`,
      expected: [
        {
          index: 't_id_key',
          constraint: 't_id_key',
          coveredBy: 't_pkey',
          fix: expect.objectContaining({ up: [expect.stringMatching(/^ALTER TABLE .*\bt DROP CONSTRAINT (IF EXISTS )?t_id_key$/)] }),
        },
      ],
    },
    {
      name: 'a NULLS NOT DISTINCT unique constraint duplicating the primary key',
      sql: `${T}; ALTER TABLE t ADD CONSTRAINT t_id_nnd UNIQUE NULLS NOT DISTINCT (id)`,
      expected: [{ index: 't_id_nnd', constraint: 't_id_nnd', coveredBy: 't_pkey' }],
    },
    {
      name: 'partitioned table: a unique constraint duplicating the primary key (no USING INDEX on the way back)',
      sql: `CREATE TABLE m (a int PRIMARY KEY, b int) PARTITION BY RANGE (a);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
        CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
        ALTER TABLE m ADD CONSTRAINT m_a_key UNIQUE (a)`,
      expected: [
        {
          table: 'm',
          index: 'm_a_key',
          constraint: 'm_a_key',
          coveredBy: 'm_pkey',
          fix: expect.objectContaining({ down: [expect.not.stringMatching(/USING INDEX/)] }),
        },
      ],
    },
    {
      name: 'a unique index duplicating a unique constraint with INCLUDE and storage parameters',
      sql: `CREATE TABLE t (a int, b int);
        ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a) INCLUDE (b) WITH (fillfactor = 70);
        CREATE UNIQUE INDEX t_a_u ON t (a) INCLUDE (b)`,
      expected: [{ index: 't_a_u', coveredBy: 't_a_key' }],
    },
    {
      name: 'a unique index duplicating the primary key',
      sql: `${T}; CREATE UNIQUE INDEX t_id_unique ON t (id)`,
      expected: [{ index: 't_id_unique', coveredBy: 't_pkey' }],
    },
    {
      name: 'a plain index duplicating the primary key',
      sql: `${T}; CREATE INDEX t_id_idx ON t (id)`,
      expected: [{ index: 't_id_idx', coveredBy: 't_pkey' }],
    },
    {
      name: 'two unique constraints on the same column: the newer one goes',
      sql: `${T}; ALTER TABLE t ADD CONSTRAINT t_a_first UNIQUE (a); ALTER TABLE t ADD CONSTRAINT t_a_second UNIQUE (a)`,
      expected: [{ index: 't_a_second', constraint: 't_a_second', coveredBy: 't_a_first' }],
    },
    {
      name: 'unique constraint referenced by a foreign key, duplicated by a newer plain unique index',
      sql: `${T};
        ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a);
        CREATE TABLE child (a int REFERENCES t (a));
        CREATE UNIQUE INDEX t_a_unique ON t (a)`,
      expected: [{ index: 't_a_unique', coveredBy: 't_a_key' }],
    },
    {
      name: 'a foreign key references a plain unique index: the later unique constraint is the duplicate',
      sql: `${T};
        CREATE UNIQUE INDEX t_a_unique ON t (a);
        CREATE TABLE child (a int REFERENCES t (a));
        ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a)`,
      expected: [{ index: 't_a_key', constraint: 't_a_key', coveredBy: 't_a_unique' }],
    },
    {
      name: 'a plain index duplicating a btree exclusion constraint',
      sql: 'CREATE TABLE t (a int, CONSTRAINT t_a_excl EXCLUDE USING btree (a WITH =)); CREATE INDEX t_a ON t (a)',
      expected: [{ index: 't_a', coveredBy: 't_a_excl' }],
    },
    {
      name: 'the same expression twice: lower(email)',
      sql: `${T}; CREATE INDEX t_lower_email ON t (lower(email)); CREATE INDEX t_lower_email2 ON t (lower(email))`,
      expected: [{ index: 't_lower_email2', coveredBy: 't_lower_email', columns: ['lower(email)'] }],
    },
    {
      name: 'three identical indexes: two findings, both covered by the one kept',
      sql: `${T}; CREATE INDEX t_b_lookup ON t (b); CREATE INDEX t_b_copy ON t (b); CREATE INDEX t_b_idx2 ON t (b)`,
      expected: [
        { index: 't_b_copy', coveredBy: 't_b_lookup' },
        { index: 't_b_idx2', coveredBy: 't_b_lookup' },
      ],
    },
    {
      name: 'primary key, unique index and plain index on the same column: both others covered by the primary key',
      sql: `${T}; CREATE INDEX t_id_plain ON t (id); CREATE UNIQUE INDEX t_id_unique ON t (id)`,
      expected: [
        { index: 't_id_plain', coveredBy: 't_pkey' },
        { index: 't_id_unique', coveredBy: 't_pkey' },
      ],
    },
    {
      name: 'a unique index duplicating the REPLICA IDENTITY index: the replica identity stays',
      sql: `CREATE TABLE t (a int NOT NULL);
        CREATE UNIQUE INDEX t_a_idx1 ON t (a);
        ALTER TABLE t REPLICA IDENTITY USING INDEX t_a_idx1;
        CREATE UNIQUE INDEX t_a_idx ON t (a)`,
      expected: [{ index: 't_a_idx', coveredBy: 't_a_idx1' }],
    },
    {
      name: 'same INCLUDE columns in another order',
      sql: `${T}; CREATE INDEX t_a_inc ON t (a) INCLUDE (b, c); CREATE INDEX t_a_inc_other ON t (a) INCLUDE (c, b)`,
      expected: [{ index: 't_a_inc_other', coveredBy: 't_a_inc' }],
    },
    {
      name: 'same predicate',
      sql: `${T}; CREATE INDEX t_a_live ON t (a) WHERE b IS NULL; CREATE INDEX t_a_live_idx1 ON t (a) WHERE (b IS NULL)`,
      expected: [{ index: 't_a_live_idx1', coveredBy: 't_a_live' }],
    },
    {
      name: 'the index kept is itself a left prefix of a wider one: the help says both fixes leave the wider one',
      sql: `${T}; CREATE INDEX t_a_first ON t (a); CREATE INDEX t_a_second ON t (a); CREATE INDEX t_a_b ON t (a, b)`,
      expected: [
        {
          index: 't_a_second',
          coveredBy: 't_a_first',
          help: expect.stringMatching(/keep t_a_first.* t_a_first is in turn redundant to t_a_b \(see redundant-index\)/),
        },
      ],
    },
    {
      name: 'same predicate with its AND-ed conditions in another order',
      sql: `${T}; CREATE INDEX t_a_live ON t (a) WHERE b IS NULL AND c > 0; CREATE INDEX t_a_live_idx1 ON t (a) WHERE c > 0 AND (b IS NULL)`,
      expected: [{ index: 't_a_live_idx1', coveredBy: 't_a_live' }],
    },
    {
      name: 'operator classes of one family on a varchar column: varchar_pattern_ops and text_pattern_ops',
      sql: 'CREATE TABLE v (code varchar(20)); CREATE INDEX v_code_vpat ON v (code varchar_pattern_ops); CREATE INDEX v_code_tpat ON v (code text_pattern_ops)',
      expected: [{ index: 'v_code_tpat', coveredBy: 'v_code_vpat' }],
    },
    {
      name: 'the default operator class and an explicit varchar_ops on a varchar column',
      sql: 'CREATE TABLE v (code varchar(20)); CREATE INDEX v_code ON v (code); CREATE INDEX v_code_ops ON v (code varchar_ops)',
      expected: [{ index: 'v_code_ops', coveredBy: 'v_code' }],
    },
    {
      name: 'same non-default operator class twice',
      sql: `${T}; CREATE INDEX t_email_pattern ON t (email text_pattern_ops); CREATE INDEX t_email_pattern_2 ON t (email text_pattern_ops)`,
      expected: [{ index: 't_email_pattern_2', coveredBy: 't_email_pattern' }],
    },
    {
      name: 'explicit COLLATE equal to the column collation is the same index',
      sql: 'CREATE TABLE t (code text COLLATE "C"); CREATE INDEX t_code ON t (code); CREATE INDEX t_code_c ON t (code COLLATE "C")',
      expected: [{ index: 't_code_c', coveredBy: 't_code' }],
    },
    {
      name: 'hash indexes on the same column',
      sql: `${T}; CREATE INDEX t_a_hash ON t USING hash (a); CREATE INDEX t_a_hash_copy ON t USING hash (a)`,
      expected: [{ index: 't_a_hash_copy', coveredBy: 't_a_hash' }],
    },
    {
      name: 'gin indexes on the same array column',
      sql: 'CREATE TABLE t (tags int[]); CREATE INDEX t_tags ON t USING gin (tags); CREATE INDEX t_tags_copy ON t USING gin (tags)',
      expected: [{ index: 't_tags_copy', coveredBy: 't_tags' }],
    },
    {
      name: 'storage parameters do not change what an index serves; the comment comes back with the fix',
      sql: `${T};
        CREATE INDEX t_a ON t (a);
        CREATE INDEX t_a_ff ON t (a) WITH (fillfactor = 70);
        COMMENT ON INDEX t_a_ff IS 'tuned; don''t touch'`,
      expected: [{ index: 't_a_ff', coveredBy: 't_a' }],
    },
    {
      name: 'identifiers that need quoting',
      sql: `CREATE TABLE "Order Items" ("User Id" int, "select" int);
        CREATE INDEX "Order Items by user" ON "Order Items" ("User Id", "select");
        CREATE INDEX "order_items_user_2" ON "Order Items" ("User Id", "select")`,
      expected: [{ table: 'Order Items', index: 'order_items_user_2', coveredBy: 'Order Items by user', columns: ['User Id', 'select'] }],
    },
    {
      name: 'an invalid copy is ignored, the valid duplicate is reported',
      sql: [
        `${T}; INSERT INTO t (id, a) VALUES (1, 1), (2, 1); CREATE INDEX t_a ON t (a); CREATE INDEX t_a_copy ON t (a)`,
        { sql: 'CREATE UNIQUE INDEX CONCURRENTLY t_a_unique ON t (a)', error: /could not create unique index/ },
      ],
      expected: [{ index: 't_a_copy', coveredBy: 't_a' }],
    },
    {
      name: "duplicate partitioned indexes: the parent is reported (no CONCURRENTLY), never the partitions' indexes",
      sql: `
        CREATE TABLE m (a int, b int) PARTITION BY RANGE (a);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
        CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
        CREATE INDEX m_b ON m (b);
        CREATE INDEX m_b_copy ON m (b)`,
      expected: [
        {
          table: 'm',
          index: 'm_b_copy',
          coveredBy: 'm_b',
          fix: expect.objectContaining({ up: [expect.not.stringMatching(/CONCURRENTLY/)] }),
        },
      ],
    },
    {
      name: "a partition's own index duplicating the index attached to the parent's",
      sql: `
        CREATE TABLE m (a int, b int) PARTITION BY RANGE (a);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
        CREATE INDEX m_b ON m (b);
        CREATE INDEX m1_b_local ON m1 (b)`,
      expected: [{ table: 'm1', index: 'm1_b_local', coveredBy: 'm1_b_idx' }],
    },
  ],
});
