import { expect } from 'vitest';
import { tableWithoutPrimaryKey } from '../../../src/rules/table-without-primary-key.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

dialectRuleTester('mysql', tableWithoutPrimaryKey, {
  valid: [
    { name: 'an InnoDB table with a primary key', sql: 'CREATE TABLE t (id INT PRIMARY KEY, a INT) ENGINE=InnoDB' },
    { name: 'a composite primary key', sql: 'CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, b)) ENGINE=InnoDB' },
    { name: 'a MyISAM table with a primary key', sql: 'CREATE TABLE t (id INT PRIMARY KEY, a INT) ENGINE=MyISAM' },
  ],
  invalid: [
    {
      name: 'an InnoDB table without any key: no fix (the key is a design choice)',
      sql: 'CREATE TABLE logs (msg VARCHAR(100)) ENGINE=InnoDB',
      expected: (db) => [
        {
          table: 'logs',
          severity: 'low',
          fix: undefined,
          index: undefined,
          message: `Table ${db}.logs has no primary key: its rows cannot be addressed reliably, and row-based replication has no key to find each row it updates or deletes on a replica by (a table scan where no index serves).`,
          help: `Add a primary key: a natural key that is unique and NOT NULL, or an AUTO_INCREMENT column (ALTER TABLE \`${db}\`.\`logs\` ADD COLUMN id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY FIRST, which rebuilds the table and makes InnoDB store its rows in that order). No fix is generated: no unique index over NOT NULL columns exists to promote, and the key is a design choice.`,
          evidence: expect.objectContaining({ uniqueIndexes: [], promotableIndex: null }),
        },
      ],
    },
    {
      name: 'a unique key over NOT NULL columns is no primary key (InnoDB clusters on it, but it is not declared): not promoted',
      sql: 'CREATE TABLE u (code VARCHAR(20) NOT NULL, a INT, UNIQUE KEY uq_code (code)) ENGINE=InnoDB',
      expected: [
        {
          table: 'u',
          fix: undefined,
          help: expect.stringContaining(
            'No fix is generated: the unique index uq_code (code, all NOT NULL) could be the key, but this engine cannot make an index the primary key without rebuilding the table',
          ),
          evidence: expect.objectContaining({ uniqueIndexes: ['UNIQUE KEY `uq_code` (`code`)'], promotableIndex: null }),
        },
      ],
    },
    {
      name: 'a MyISAM table without a primary key',
      sql: 'CREATE TABLE m (a INT, KEY k_a (a)) ENGINE=MyISAM',
      expected: [{ table: 'm', fix: undefined }],
    },
  ],
});
