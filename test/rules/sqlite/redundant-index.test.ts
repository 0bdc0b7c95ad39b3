import { expect } from 'vitest';
import { redundantIndex } from '../../../src/rules/redundant-index.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

const T = 'CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, c INTEGER, s TEXT);';

dialectRuleTester('sqlite', redundantIndex, {
  valid: [
    { name: 'a left prefix in another column order', sql: `${T} CREATE INDEX ix_a ON t (a); CREATE INDEX ix_b_a ON t (b, a);` },
    {
      name: 'a NOCASE key is no prefix of a BINARY one',
      sql: `${T} CREATE INDEX ix_s_nocase ON t (s COLLATE NOCASE); CREATE INDEX ix_s_a ON t (s, a);`,
    },
    {
      name: 'a full index is not covered by a partial one',
      sql: `${T} CREATE INDEX ix_a ON t (a); CREATE INDEX ix_a_b_live ON t (a, b) WHERE c > 0;`,
    },
    {
      name: 'the automatic index of a UNIQUE constraint is never reported, though a wider index starts with it',
      sql: 'CREATE TABLE u (x TEXT UNIQUE, y TEXT); CREATE INDEX ix_x_y ON u (x, y);',
    },
    {
      name: '(a, b DESC) is no left prefix of (a, b, c)',
      sql: `${T} CREATE INDEX ix_a_bdesc ON t (a, b DESC); CREATE INDEX ix_a_b_c ON t (a, b, c);`,
    },
  ],
  invalid: [
    {
      name: 'a left prefix: (a) is covered by (a, b)',
      sql: `${T} CREATE INDEX ix_a ON t (a); CREATE INDEX ix_a_b ON t (a, b);`,
      expected: [
        {
          table: 't',
          index: 'ix_a',
          coveredBy: 'ix_a_b',
          columns: ['a'],
          severity: 'medium',
          fix: expect.objectContaining({ up: ['DROP INDEX IF EXISTS "main"."ix_a"'], down: ['CREATE INDEX ix_a ON t (a)'] }),
        },
      ],
    },
    {
      name: 'the rowid ends every index: (a, id, b) covers (a)',
      sql: `${T} CREATE INDEX ix_a ON t (a); CREATE INDEX ix_a_id_b ON t (a, id, b);`,
      expected: [{ index: 'ix_a', coveredBy: 'ix_a_id_b' }],
    },
    {
      name: '(a DESC) is covered by (a): a backward scan gives its order',
      sql: `${T} CREATE INDEX ix_a ON t (a); CREATE INDEX ix_a_desc ON t (a DESC);`,
      expected: [{ index: 'ix_a_desc', coveredBy: 'ix_a' }],
    },
    {
      name: 'the same NOCASE key as a left prefix',
      sql: `${T} CREATE INDEX ix_s_nocase ON t (s COLLATE NOCASE); CREATE INDEX ix_s_nocase_a ON t (s COLLATE NOCASE, a);`,
      expected: [{ index: 'ix_s_nocase', coveredBy: 'ix_s_nocase_a' }],
    },
    {
      name: 'a plain index covered by the automatic index of a wider UNIQUE constraint',
      sql: 'CREATE TABLE u (x TEXT, y TEXT, UNIQUE (x, y)); CREATE INDEX ix_x ON u (x);',
      expected: [{ table: 'u', index: 'ix_x', coveredBy: 'sqlite_autoindex_u_1' }],
    },
    {
      name: 'a partial index covered by a wider one with the same predicate',
      sql: `${T} CREATE INDEX ix_a_live ON t (a) WHERE c > 0; CREATE INDEX ix_a_b_live ON t (a, b) WHERE c > 0;`,
      expected: [{ index: 'ix_a_live', coveredBy: 'ix_a_b_live' }],
    },
  ],
});
