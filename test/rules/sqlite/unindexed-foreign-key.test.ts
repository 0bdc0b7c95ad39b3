import { expect } from 'vitest';
import { unindexedForeignKey } from '../../../src/rules/unindexed-foreign-key.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

const USERS = 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE);';

dialectRuleTester('sqlite', unindexedForeignKey, {
  valid: [
    {
      name: 'a foreign key led by an index',
      sql: `${USERS} CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id)); CREATE INDEX ix_user ON posts (user_id);`,
    },
    {
      name: 'a foreign key led by a wider index',
      sql: `${USERS} CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), at TEXT); CREATE INDEX ix_user_at ON posts (user_id, at);`,
    },
    {
      name: 'a foreign key that is the INTEGER PRIMARY KEY (the rowid serves the lookup)',
      sql: `${USERS} CREATE TABLE profiles (user_id INTEGER PRIMARY KEY REFERENCES users (id), bio TEXT);`,
    },
    {
      name: 'a composite foreign key led by an index with its columns in another order (the check is equality on all)',
      sql: `CREATE TABLE p (a INTEGER, b INTEGER, PRIMARY KEY (a, b));
        CREATE TABLE c (id INTEGER PRIMARY KEY, pa INTEGER, pb INTEGER, FOREIGN KEY (pa, pb) REFERENCES p (a, b));
        CREATE INDEX ix_pb_pa ON c (pb, pa);`,
    },
    {
      name: 'a foreign key to a NOCASE column served by an index whose key collation is written nocase',
      sql: `CREATE TABLE tags (name TEXT COLLATE NOCASE PRIMARY KEY);
        CREATE TABLE labels (id INTEGER PRIMARY KEY, tag TEXT REFERENCES tags (name)); CREATE INDEX ix_tag ON labels (tag COLLATE nocase);`,
    },
    {
      name: 'a WITHOUT ROWID table whose primary key leads with the foreign key',
      sql: `${USERS} CREATE TABLE memberships (user_id INTEGER REFERENCES users (id), team TEXT, PRIMARY KEY (user_id, team)) WITHOUT ROWID;`,
    },
    {
      name: 'a foreign key led by the automatic index of a UNIQUE constraint',
      sql: `${USERS} CREATE TABLE emails (address TEXT UNIQUE REFERENCES users (email), note TEXT);`,
    },
  ],
  invalid: [
    {
      name: 'SQLite does not index foreign keys: the fix creates the index',
      sql: `${USERS} CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), title TEXT);`,
      expected: [
        {
          table: 'posts',
          constraint: 'posts_user_id_fkey',
          columns: ['user_id'],
          severity: 'low',
          message: expect.stringContaining('SQLite does not create one'),
          fix: expect.objectContaining({
            up: ['CREATE INDEX IF NOT EXISTS "main"."posts_user_id_idx" ON "posts" ("user_id")'],
            down: ['DROP INDEX IF EXISTS "main"."posts_user_id_idx"'],
          }),
        },
      ],
    },
    {
      name: 'a partial index never serves the foreign-key check',
      sql: `${USERS} CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), draft INTEGER);
        CREATE INDEX ix_user_published ON posts (user_id) WHERE draft = 0;`,
      expected: [{ table: 'posts', constraint: 'posts_user_id_fkey' }],
    },
    {
      name: 'an index with the column second does not lead with it',
      sql: `${USERS} CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), at TEXT); CREATE INDEX ix_at_user ON posts (at, user_id);`,
      expected: [{ table: 'posts', columns: ['user_id'] }],
    },
    {
      name: 'a BINARY index does not serve a foreign key to a NOCASE column: the check compares with the parent column’s collation',
      sql: `CREATE TABLE tags (name TEXT COLLATE NOCASE PRIMARY KEY);
        CREATE TABLE labels (id INTEGER PRIMARY KEY, tag TEXT REFERENCES tags (name)); CREATE INDEX ix_tag ON labels (tag COLLATE BINARY);`,
      expected: [
        {
          table: 'labels',
          columns: ['tag'],
          fix: expect.objectContaining({ up: ['CREATE INDEX IF NOT EXISTS "main"."labels_tag_idx" ON "labels" ("tag" COLLATE NOCASE)'] }),
        },
      ],
    },
    {
      name: 'a NOCASE index on a BINARY column does not serve a foreign key to a BINARY parent',
      sql: `${USERS} CREATE TABLE emails (address TEXT REFERENCES users (email)); CREATE INDEX ix_address_nocase ON emails (address COLLATE NOCASE);`,
      expected: [{ table: 'emails', columns: ['address'] }],
    },
    {
      name: 'a WITHOUT ROWID table whose primary key has the foreign key second',
      sql: `${USERS} CREATE TABLE memberships (team TEXT, user_id INTEGER REFERENCES users (id), PRIMARY KEY (team, user_id)) WITHOUT ROWID;`,
      expected: [
        {
          table: 'memberships',
          columns: ['user_id'],
          fix: expect.objectContaining({
            up: ['CREATE INDEX IF NOT EXISTS "main"."memberships_user_id_idx" ON "memberships" ("user_id")'],
          }),
        },
      ],
    },
    {
      name: 'a composite foreign key whose columns lead no index',
      sql: `CREATE TABLE p (a INTEGER, b INTEGER, PRIMARY KEY (a, b));
        CREATE TABLE c (id INTEGER PRIMARY KEY, pa INTEGER, pb INTEGER, FOREIGN KEY (pa, pb) REFERENCES p (a, b));
        CREATE INDEX ix_pb_id ON c (pb, id); CREATE INDEX ix_pa ON c (pa);`,
      expected: [{ table: 'c', columns: ['pa', 'pb'] }],
    },
  ],
});
