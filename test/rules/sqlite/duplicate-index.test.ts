import { expect } from 'vitest';
import { duplicateIndex } from '../../../src/rules/duplicate-index.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

const USERS = 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, a INTEGER, b INTEGER);';

dialectRuleTester('sqlite', duplicateIndex, {
  valid: [
    { name: 'indexes on different columns', sql: `${USERS} CREATE INDEX ix_a ON users (a); CREATE INDEX ix_b ON users (b);` },
    { name: 'same columns in another order', sql: `${USERS} CREATE INDEX ix_ab ON users (a, b); CREATE INDEX ix_ba ON users (b, a);` },
    {
      name: 'COLLATE NOCASE keys differ from default (BINARY) ones',
      sql: `${USERS} CREATE INDEX ix_email ON users (email); CREATE INDEX ix_email_nocase ON users (email COLLATE NOCASE);`,
    },
    {
      name: 'only some keys reversed: (a, b) vs (a, b DESC)',
      sql: `${USERS} CREATE INDEX ix_ab ON users (a, b); CREATE INDEX ix_ab_desc ON users (a, b DESC);`,
    },
    {
      name: '(a) and (a DESC) are no duplicates: the rowid stored after the key runs ascending in both (redundant-index judges them)',
      sql: `${USERS} CREATE INDEX ix_a ON users (a); CREATE INDEX ix_a_desc ON users (a DESC);`,
    },
    {
      name: 'a partial index is not the full one',
      sql: `${USERS} CREATE INDEX ix_a ON users (a); CREATE INDEX ix_a_live ON users (a) WHERE b IS NULL;`,
    },
    {
      name: 'an expression is not the plain column',
      sql: `${USERS} CREATE INDEX ix_email ON users (email); CREATE INDEX ix_lower_email ON users (lower(email));`,
    },
    {
      name: 'a rowid table without INTEGER PRIMARY KEY: (a, id) is not (a)',
      sql: 'CREATE TABLE t (id INT, a INT); CREATE INDEX ix_a ON t (a); CREATE INDEX ix_a_id ON t (a, id);',
    },
    {
      name: 'INTEGER PRIMARY KEY DESC is not the rowid: (name, id) is not (name)',
      sql: 'CREATE TABLE d (id INTEGER PRIMARY KEY DESC, name TEXT); CREATE INDEX ix_name ON d (name); CREATE INDEX ix_name_id ON d (name, id);',
    },
    {
      name: 'a UNIQUE constraint and a PRIMARY KEY: both automatic indexes stay, neither can be dropped',
      sql: 'CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT, UNIQUE (k));',
    },
  ],
  invalid: [
    {
      name: 'two plain indexes: the newer goes with DROP INDEX, the way back is the CREATE INDEX text',
      sql: `${USERS} CREATE INDEX ix_a_first ON users (a); CREATE INDEX  ix_a_second ON users(a);`,
      expected: [
        {
          table: 'users',
          index: 'ix_a_second',
          coveredBy: 'ix_a_first',
          columns: ['a'],
          severity: 'critical',
          fix: expect.objectContaining({
            up: ['DROP INDEX IF EXISTS "main"."ix_a_second"'],
            // SQLite keeps the statement as written, but for the spaces between its first keywords.
            down: ['CREATE INDEX ix_a_second ON users(a)'],
          }),
        },
      ],
    },
    {
      name: 'INTEGER PRIMARY KEY is the rowid, which ends every index: (name, id) duplicates (name)',
      sql: `${USERS} CREATE INDEX ix_name ON users (name); CREATE INDEX ix_name_id ON users (name, id);`,
      expected: [{ index: 'ix_name_id', coveredBy: 'ix_name' }],
    },
    {
      name: 'WITHOUT ROWID tables end every index with their primary key: (v, k) duplicates (v)',
      sql: 'CREATE TABLE tags (k TEXT, v TEXT, PRIMARY KEY (k, v)) WITHOUT ROWID; CREATE INDEX ix_v ON tags (v); CREATE INDEX ix_v_k ON tags (v, k);',
      expected: [{ table: 'tags', index: 'ix_v_k', coveredBy: 'ix_v' }],
    },
    {
      name: 'the automatic index of a UNIQUE constraint cannot be dropped: the explicit duplicate goes instead',
      sql: `${USERS} CREATE UNIQUE INDEX ux_email ON users (email); CREATE TABLE accounts (login TEXT UNIQUE); CREATE INDEX ix_login ON accounts (login);`,
      expected: [{ table: 'accounts', index: 'ix_login', coveredBy: 'sqlite_autoindex_accounts_1' }],
    },
    {
      name: 'a text PRIMARY KEY (an automatic index, not the rowid) duplicated by a unique index',
      sql: 'CREATE TABLE codes (code TEXT PRIMARY KEY, label TEXT); CREATE UNIQUE INDEX ux_code ON codes (code);',
      expected: [{ table: 'codes', index: 'ux_code', coveredBy: 'sqlite_autoindex_codes_1' }],
    },
    {
      name: 'the same NOCASE key twice',
      sql: `${USERS} CREATE INDEX ix_email_nocase ON users (email COLLATE NOCASE); CREATE INDEX ix_email_nocase2 ON users (email COLLATE NOCASE);`,
      expected: [{ index: 'ix_email_nocase2', coveredBy: 'ix_email_nocase' }],
    },
    {
      name: 'collation names are case-insensitive: COLLATE nocase and COLLATE NOCASE',
      sql: `${USERS} CREATE INDEX ix_email_nocase ON users (email COLLATE NOCASE); CREATE INDEX ix_email_nocase2 ON users (email COLLATE nocase);`,
      expected: [{ index: 'ix_email_nocase2', coveredBy: 'ix_email_nocase' }],
    },
    {
      name: 'the same partial index twice',
      sql: `${USERS} CREATE INDEX ix_a_live ON users (a) WHERE b IS NULL; CREATE INDEX ix_a_live2 ON users (a) WHERE b IS NULL;`,
      expected: [{ index: 'ix_a_live2', coveredBy: 'ix_a_live' }],
    },
  ],
});
