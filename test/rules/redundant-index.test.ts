import { expect } from 'vitest';
import { redundantIndex } from '../../src/rules/redundant-index.js';
import { ruleTester } from '../helpers/rule-tester.js';

const T = 'CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int, email text, tags int[], r tsrange, s tsrange)';

ruleTester(redundantIndex, {
  valid: [
    {
      name: '(status) is not made redundant by (user_id, status): not a left prefix',
      sql: `CREATE TABLE orders (id int PRIMARY KEY, user_id int, status text);
        CREATE INDEX orders_status ON orders (status);
        CREATE INDEX orders_user_status ON orders (user_id, status)`,
    },
    {
      name: '(b) is not covered by (a, b)',
      sql: `${T}; CREATE INDEX t_b ON t (b); CREATE INDEX t_ab ON t (a, b)`,
    },
    {
      name: '(a) INCLUDE (b) is not covered by (a, c): b is not stored there',
      sql: `${T}; CREATE INDEX t_a_inc_b ON t (a) INCLUDE (b); CREATE INDEX t_ac ON t (a, c)`,
    },
    {
      name: '(a) INCLUDE (b) is not covered by (a) INCLUDE (c)',
      sql: `${T}; CREATE INDEX t_a_inc_b ON t (a) INCLUDE (b); CREATE INDEX t_a_inc_c ON t (a) INCLUDE (c)`,
    },
    {
      name: '(a) is not covered by (a DESC NULLS LAST, b): neither scan direction gives ASC NULLS LAST',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_a_desc_nl_b ON t (a DESC NULLS LAST, b)`,
    },
    {
      name: '(a, b) is not covered by (a, b DESC, c): only some keys reversed',
      sql: `${T}; CREATE INDEX t_ab ON t (a, b); CREATE INDEX t_ab_desc_c ON t (a, b DESC, c)`,
    },
    {
      name: 'unique (a) is not covered by a non-unique (a, b)',
      sql: `${T}; CREATE UNIQUE INDEX t_a_u ON t (a); CREATE INDEX t_ab ON t (a, b)`,
    },
    {
      name: 'unique (a) is not covered by unique (a, b): that allows duplicate a',
      sql: `${T}; CREATE UNIQUE INDEX t_a_u ON t (a); CREATE UNIQUE INDEX t_ab_u ON t (a, b)`,
    },
    {
      name: 'unique (a) NULLS NOT DISTINCT is not covered by unique (a) INCLUDE (b) that allows many NULLs',
      sql: `${T}; CREATE UNIQUE INDEX t_a_nnd ON t (a) NULLS NOT DISTINCT; CREATE UNIQUE INDEX t_a_inc_b ON t (a) INCLUDE (b)`,
    },
    {
      name: 'an immediate unique index is not covered by a deferrable unique constraint',
      sql: `${T}; CREATE UNIQUE INDEX t_a_u ON t (a); ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a) INCLUDE (b) DEFERRABLE`,
    },
    {
      name: 'partial (a) WHERE p is not covered by a full (a, b): the partial one is smaller',
      sql: `${T}; CREATE INDEX t_a_p ON t (a) WHERE c IS NULL; CREATE INDEX t_ab ON t (a, b)`,
    },
    {
      name: 'partial (a) WHERE p is not covered by (a, b) WHERE q',
      sql: `${T}; CREATE INDEX t_a_p ON t (a) WHERE c IS NULL; CREATE INDEX t_ab_q ON t (a, b) WHERE c > 0`,
    },
    {
      name: 'full (a) is not covered by partial (a, b) WHERE p',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_ab_p ON t (a, b) WHERE c IS NULL`,
    },
    {
      name: 'different operator class: (email) vs (email text_pattern_ops, a)',
      sql: `${T}; CREATE INDEX t_email ON t (email); CREATE INDEX t_email_pattern_a ON t (email text_pattern_ops, a)`,
    },
    {
      name: 'different operator class: (email text_pattern_ops) vs (email, a)',
      sql: `${T}; CREATE INDEX t_email_pattern ON t (email text_pattern_ops); CREATE INDEX t_email_a ON t (email, a)`,
    },
    {
      name: 'different collation: (email COLLATE "C") vs (email, a)',
      sql: `${T}; CREATE INDEX t_email_c ON t (email COLLATE "C"); CREATE INDEX t_email_a ON t (email, a)`,
    },
    {
      name: 'different method: hash (a) vs btree (a, b)',
      sql: `${T}; CREATE INDEX t_a_hash ON t USING hash (a); CREATE INDEX t_ab ON t (a, b)`,
    },
    {
      name: 'an expression vs the plain column: (lower(email)) vs (email, a)',
      sql: `${T}; CREATE INDEX t_lower ON t (lower(email)); CREATE INDEX t_email_a ON t (email, a)`,
    },
    {
      name: 'the plain column vs an expression: (email) vs (lower(email), a)',
      sql: `${T}; CREATE INDEX t_email ON t (email); CREATE INDEX t_lower_a ON t (lower(email), a)`,
    },
    {
      name: 'different expressions: (lower(email)) vs (upper(email), a)',
      sql: `${T}; CREATE INDEX t_lower ON t (lower(email)); CREATE INDEX t_upper_a ON t (upper(email), a)`,
    },
    {
      name: 'gin is never covered by prefix',
      sql: `${T}; CREATE INDEX t_tags ON t USING gin (tags); CREATE INDEX t_tags_more ON t USING gin (tags, (ARRAY[a]))`,
    },
    {
      name: 'gist is never covered by prefix',
      sql: `${T}; CREATE INDEX t_r ON t USING gist (r); CREATE INDEX t_rs ON t USING gist (r, s)`,
    },
    {
      name: 'brin is never covered by prefix',
      sql: `${T}; CREATE INDEX t_a_brin ON t USING brin (a); CREATE INDEX t_ab_brin ON t USING brin (a, b)`,
    },
    {
      name: 'the primary key is never reported',
      sql: `${T}; CREATE INDEX t_id_a ON t (id, a); CREATE UNIQUE INDEX t_id_inc ON t (id) INCLUDE (a)`,
    },
    {
      name: 'the REPLICA IDENTITY index is never reported',
      sql: `CREATE TABLE t (a int NOT NULL, b int);
        CREATE UNIQUE INDEX t_a_u ON t (a);
        ALTER TABLE t REPLICA IDENTITY USING INDEX t_a_u;
        CREATE UNIQUE INDEX t_a_inc_b ON t (a) INCLUDE (b)`,
    },
    {
      name: "a partition's index attached to the partitioned index is never reported",
      sql: `CREATE TABLE m (a int, b int) PARTITION BY RANGE (a);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
        CREATE INDEX m_a ON m (a);
        CREATE INDEX m1_ab_local ON m1 (a, b)`,
    },
    {
      name: 'a unique constraint a foreign key references is never reported',
      sql: `${T};
        ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a);
        CREATE TABLE child (a int REFERENCES t (a));
        CREATE UNIQUE INDEX t_a_inc_b ON t (a) INCLUDE (b)`,
    },
    {
      name: 'an exclusion constraint is never reported',
      sql: `CREATE TABLE t (a int, b int, CONSTRAINT t_a_excl EXCLUDE USING btree (a WITH =)); CREATE INDEX t_ab ON t (a, b)`,
    },
    {
      name: 'an exact duplicate pair is reported by duplicate-index only',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_a_copy ON t (a)`,
    },
    {
      name: 'a reversed duplicate pair is reported by duplicate-index only',
      sql: `${T}; CREATE INDEX t_ab ON t (a, b DESC); CREATE INDEX t_ab_rev ON t (a DESC, b)`,
    },
    {
      name: 'indexes on different tables',
      sql: `${T}; CREATE TABLE u (a int, b int); CREATE INDEX t_a ON t (a); CREATE INDEX u_ab ON u (a, b)`,
    },
    {
      name: 'an invalid wider index covers nothing',
      sql: [
        `${T}; INSERT INTO t (id, a, b) VALUES (1, 1, 1), (2, 1, 1); CREATE INDEX t_a ON t (a)`,
        { sql: 'CREATE UNIQUE INDEX CONCURRENTLY t_ab_u ON t (a, b)', error: /could not create unique index/ },
      ],
    },
  ],
  invalid: [
    {
      name: '(a) is covered by (a, b)',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_ab ON t (a, b)`,
      expected: [{ index: 't_a', coveredBy: 't_ab', table: 't', columns: ['a'], severity: 'medium' }],
    },
    {
      name: 'the seed: (user_id) is covered by (user_id, status)',
      sql: `CREATE TABLE orders (id int PRIMARY KEY, user_id int, status text);
        CREATE INDEX orders_user ON orders (user_id);
        CREATE INDEX orders_user_status ON orders (user_id, status)`,
      expected: [{ table: 'orders', index: 'orders_user', coveredBy: 'orders_user_status', columns: ['user_id'] }],
    },
    {
      name: '(a) is covered by (a) INCLUDE (b)',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_a_inc_b ON t (a) INCLUDE (b)`,
      expected: [{ index: 't_a', coveredBy: 't_a_inc_b' }],
    },
    {
      name: '(a) INCLUDE (b) is covered by (a, b)',
      sql: `${T}; CREATE INDEX t_a_inc_b ON t (a) INCLUDE (b); CREATE INDEX t_ab ON t (a, b)`,
      expected: [{ index: 't_a_inc_b', coveredBy: 't_ab' }],
    },
    {
      name: '(a, b) is not covered by (a) INCLUDE (b), where b is not searchable: only the reverse is reported',
      sql: `${T}; CREATE INDEX t_ab ON t (a, b); CREATE INDEX t_a_inc_b ON t (a) INCLUDE (b)`,
      expected: [{ index: 't_a_inc_b', coveredBy: 't_ab' }],
    },
    {
      name: '(a) INCLUDE (b) is covered by (a, c) INCLUDE (b)',
      sql: `${T}; CREATE INDEX t_a_inc_b ON t (a) INCLUDE (b); CREATE INDEX t_ac_inc_b ON t (a, c) INCLUDE (b)`,
      expected: [{ index: 't_a_inc_b', coveredBy: 't_ac_inc_b' }],
    },
    {
      name: '(a) is covered by (a DESC, b DESC): a backward scan',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_ab_desc ON t (a DESC, b DESC)`,
      expected: [{ index: 't_a', coveredBy: 't_ab_desc' }],
    },
    {
      name: '(a DESC) is covered by (a, b)',
      sql: `${T}; CREATE INDEX t_a_desc ON t (a DESC); CREATE INDEX t_ab ON t (a, b)`,
      expected: [{ index: 't_a_desc', coveredBy: 't_ab' }],
    },
    {
      name: '(a, b DESC) is covered by (a DESC, b, c): both keys reversed',
      sql: `${T}; CREATE INDEX t_ab_mixed ON t (a, b DESC); CREATE INDEX t_abc_rev ON t (a DESC, b, c)`,
      expected: [{ index: 't_ab_mixed', coveredBy: 't_abc_rev', columns: ['a', 'b'] }],
    },
    {
      name: 'a plain (a) is covered by a unique (a, b)',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE UNIQUE INDEX t_ab_u ON t (a, b)`,
      expected: [{ index: 't_a', coveredBy: 't_ab_u' }],
    },
    {
      name: 'unique (a) is covered by unique (a) INCLUDE (b)',
      sql: `${T}; CREATE UNIQUE INDEX t_a_u ON t (a); CREATE UNIQUE INDEX t_a_inc_b ON t (a) INCLUDE (b)`,
      expected: [{ index: 't_a_u', coveredBy: 't_a_inc_b' }],
    },
    {
      name: 'unique (a) NULLS NOT DISTINCT is covered by unique (a) INCLUDE (b) NULLS NOT DISTINCT',
      sql: `${T}; CREATE UNIQUE INDEX t_a_nnd ON t (a) NULLS NOT DISTINCT; CREATE UNIQUE INDEX t_a_inc_nnd ON t (a) INCLUDE (b) NULLS NOT DISTINCT`,
      expected: [{ index: 't_a_nnd', coveredBy: 't_a_inc_nnd' }],
    },
    {
      name: 'unique (a) is covered by the stricter unique (a) INCLUDE (b) NULLS NOT DISTINCT',
      sql: `${T}; CREATE UNIQUE INDEX t_a_u ON t (a); CREATE UNIQUE INDEX t_a_inc_nnd ON t (a) INCLUDE (b) NULLS NOT DISTINCT`,
      expected: [{ index: 't_a_u', coveredBy: 't_a_inc_nnd' }],
    },
    {
      name: 'a unique constraint covered by a unique index with INCLUDE: drop the constraint',
      sql: `${T}; ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a); CREATE UNIQUE INDEX t_a_inc_b ON t (a) INCLUDE (b)`,
      expected: [
        {
          index: 't_a_key',
          constraint: 't_a_key',
          coveredBy: 't_a_inc_b',
          fix: expect.objectContaining({ up: [expect.stringMatching(/^ALTER TABLE .* DROP CONSTRAINT (IF EXISTS )?t_a_key$/)] }),
        },
      ],
    },
    {
      name: 'a deferrable unique constraint covered by an immediate unique index with INCLUDE',
      sql: `${T}; ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a) DEFERRABLE INITIALLY DEFERRED; CREATE UNIQUE INDEX t_a_inc_b ON t (a) INCLUDE (b)`,
      expected: [{ index: 't_a_key', constraint: 't_a_key', coveredBy: 't_a_inc_b' }],
    },
    {
      name: 'unique (a) is covered by PRIMARY KEY (a) INCLUDE (b)',
      sql: 'CREATE TABLE t (a int, b int, PRIMARY KEY (a) INCLUDE (b)); CREATE UNIQUE INDEX t_a_u ON t (a)',
      expected: [{ index: 't_a_u', coveredBy: 't_pkey' }],
    },
    {
      name: 'partitioned table: a unique constraint covered by a unique index with INCLUDE',
      sql: `CREATE TABLE m (a int, b int) PARTITION BY RANGE (a);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
        ALTER TABLE m ADD CONSTRAINT m_a_key UNIQUE (a);
        CREATE UNIQUE INDEX m_a_inc_b ON m (a) INCLUDE (b)`,
      expected: [{ table: 'm', index: 'm_a_key', constraint: 'm_a_key', coveredBy: 'm_a_inc_b' }],
    },
    {
      name: 'an index on the leading column of a composite primary key',
      sql: 'CREATE TABLE t (a int, b int, PRIMARY KEY (a, b)); CREATE INDEX t_a ON t (a)',
      expected: [{ index: 't_a', coveredBy: 't_pkey' }],
    },
    {
      name: 'partial (a) WHERE p is covered by (a, b) WHERE p',
      sql: `${T}; CREATE INDEX t_a_p ON t (a) WHERE c IS NULL; CREATE INDEX t_ab_p ON t (a, b) WHERE c IS NULL`,
      expected: [{ index: 't_a_p', coveredBy: 't_ab_p' }],
    },
    {
      name: 'chain (a) < (a, b) < (a, b, c): both shorter ones go, covered by the one that stays',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_ab ON t (a, b); CREATE INDEX t_abc ON t (a, b, c)`,
      expected: [
        { index: 't_a', coveredBy: 't_abc' },
        { index: 't_ab', coveredBy: 't_abc', columns: ['a', 'b'] },
      ],
    },
    {
      name: 'covered by two indexes: one finding, naming one of them',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_ab ON t (a, b); CREATE INDEX t_ac ON t (a, c)`,
      expected: [
        {
          index: 't_a',
          coveredBy: expect.stringMatching(/^t_a[bc]$/),
          evidence: expect.objectContaining({ alsoCoveredBy: [expect.stringMatching(/^t_a[bc]$/)] }),
        },
      ],
    },
    {
      name: 'an exact duplicate pair next to a wider index: only the kept one is redundant',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_a_copy ON t (a); CREATE INDEX t_ab ON t (a, b)`,
      expected: [{ index: 't_a', coveredBy: 't_ab' }],
    },
    {
      name: 'covered by an index that has a duplicate: the kept one of the pair is named',
      sql: `${T}; CREATE INDEX t_a ON t (a); CREATE INDEX t_ab ON t (a, b); CREATE INDEX t_ab_copy ON t (a, b)`,
      expected: [{ index: 't_a', coveredBy: 't_ab' }],
    },
    {
      name: 'expression prefix: (lower(email)) is covered by (lower(email), a)',
      sql: `${T}; CREATE INDEX t_lower ON t (lower(email)); CREATE INDEX t_lower_a ON t (lower(email), a)`,
      expected: [{ index: 't_lower', coveredBy: 't_lower_a', columns: ['lower(email)'] }],
    },
    {
      name: 'same operator class: (email text_pattern_ops) is covered by (email text_pattern_ops, a)',
      sql: `${T}; CREATE INDEX t_email_pattern ON t (email text_pattern_ops); CREATE INDEX t_email_pattern_a ON t (email text_pattern_ops, a)`,
      expected: [{ index: 't_email_pattern', coveredBy: 't_email_pattern_a' }],
    },
    {
      name: 'same collation: (email COLLATE "C") is covered by (email COLLATE "C", a)',
      sql: `${T}; CREATE INDEX t_email_c ON t (email COLLATE "C"); CREATE INDEX t_email_c_a ON t (email COLLATE "C", a)`,
      expected: [{ index: 't_email_c', coveredBy: 't_email_c_a' }],
    },
    {
      name: 'gist (r) is covered by gist (r) INCLUDE (a): same keys, more stored',
      sql: `${T}; CREATE INDEX t_r ON t USING gist (r); CREATE INDEX t_r_inc_a ON t USING gist (r) INCLUDE (a)`,
      expected: [{ index: 't_r', coveredBy: 't_r_inc_a' }],
    },
    {
      name: "partitioned indexes: the parent is reported (no CONCURRENTLY), not the partitions' indexes",
      sql: `CREATE TABLE m (a int, b int) PARTITION BY RANGE (a);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
        CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
        CREATE INDEX m_a ON m (a);
        CREATE INDEX m_ab ON m (a, b)`,
      expected: [
        { table: 'm', index: 'm_a', coveredBy: 'm_ab', fix: expect.objectContaining({ up: [expect.not.stringMatching(/CONCURRENTLY/)] }) },
      ],
    },
    {
      name: "a partition's own index covered by the one attached to the parent's",
      sql: `CREATE TABLE m (a int, b int) PARTITION BY RANGE (a);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
        CREATE INDEX m_ab ON m (a, b);
        CREATE INDEX m1_a_local ON m1 (a)`,
      expected: [{ table: 'm1', index: 'm1_a_local', coveredBy: 'm1_a_b_idx' }],
    },
  ],
});
