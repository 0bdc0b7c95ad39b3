import { expect } from 'vitest';
import { tableWithoutPrimaryKey } from '../../../src/rules/table-without-primary-key.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

dialectRuleTester('sqlite', tableWithoutPrimaryKey, {
  valid: [
    { name: 'an INTEGER PRIMARY KEY (the rowid)', sql: 'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);' },
    { name: 'a text primary key', sql: 'CREATE TABLE t (code TEXT PRIMARY KEY, a TEXT);' },
    { name: 'a WITHOUT ROWID table (it needs a primary key)', sql: 'CREATE TABLE t (k TEXT, v TEXT, PRIMARY KEY (k, v)) WITHOUT ROWID;' },
    { name: 'a composite primary key as a table constraint', sql: 'CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, b));' },
  ],
  invalid: [
    {
      name: 'a rowid table without a primary key: no fix',
      sql: 'CREATE TABLE logs (msg TEXT);',
      expected: [
        {
          table: 'logs',
          schema: 'main',
          severity: 'low',
          fix: undefined,
          index: undefined,
          message:
            'Table main.logs has no primary key: its rows cannot be addressed reliably, and its rowids may change when the file is VACUUMed.',
          help: expect.stringMatching(
            /^Add a primary key: a natural key that is unique and NOT NULL, or a rowid alias: SQLite cannot add a primary key to a table, so create the table anew with id INTEGER PRIMARY KEY/,
          ),
        },
      ],
    },
    {
      name: 'a UNIQUE NOT NULL column is not promoted (a primary key means rebuilding the table in SQLite)',
      sql: 'CREATE TABLE u (code TEXT NOT NULL UNIQUE, a TEXT);',
      expected: [
        {
          table: 'u',
          fix: undefined,
          help: expect.stringContaining('the unique index sqlite_autoindex_u_1 (code, all NOT NULL) could be the key'),
          evidence: expect.objectContaining({ promotableIndex: null }),
        },
      ],
    },
  ],
});
