import { expect } from 'vitest';
import { duplicateIndex } from '../../../src/rules/duplicate-index.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

const T = 'CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, name VARCHAR(100), title VARCHAR(200)';

dialectRuleTester('mysql', duplicateIndex, {
  valid: [
    { name: 'indexes on different columns', sql: `${T}, KEY k_a (a), KEY k_b (b)) ENGINE=InnoDB` },
    { name: 'same columns in a different order', sql: `${T}, KEY k_ab (a, b), KEY k_ba (b, a)) ENGINE=InnoDB` },
    { name: 'a prefix key name(10) is not the whole column', sql: `${T}, KEY k_name10 (name(10)), KEY k_name (name)) ENGINE=InnoDB` },
    { name: 'two prefix lengths of one column', sql: `${T}, KEY k_name10 (name(10)), KEY k_name20 (name(20))) ENGINE=InnoDB` },
    {
      name: 'a DESC key part gives another order (MariaDB 10.8+ honours DESC)',
      sql: `${T}, KEY k_ab (a, b), KEY k_ab_desc (a, b DESC)) ENGINE=InnoDB`,
    },
    {
      name: 'FULLTEXT beside BTREE on the same column',
      sql: `${T}, FULLTEXT KEY ft_title (title), KEY k_title (title)) ENGINE=InnoDB`,
    },
    {
      name: 'SPATIAL beside BTREE on the same column',
      sql: 'CREATE TABLE g (id INT PRIMARY KEY, p POINT NOT NULL, SPATIAL KEY sp_p (p), KEY k_p (p(25))) ENGINE=InnoDB',
    },
    {
      name: 'HASH (a MEMORY table) beside BTREE on the same column',
      sql: 'CREATE TABLE m (id INT PRIMARY KEY, a INT, KEY k_a_hash (a) USING HASH, KEY k_a_btree (a) USING BTREE) ENGINE=MEMORY',
    },
    {
      name: '(a, id) without a primary key: nothing is appended',
      sql: 'CREATE TABLE n (id INT NOT NULL, a INT, KEY k_a (a), KEY k_a_id (a, id)) ENGINE=InnoDB',
    },
    {
      name: 'MyISAM appends no primary key: (a, id) is not (a)',
      sql: 'CREATE TABLE my (id INT PRIMARY KEY, a INT, KEY k_a (a), KEY k_a_id (a, id)) ENGINE=MyISAM',
    },
    { name: 'the same index on two tables', sql: `${T}, KEY k_a (a)) ENGINE=InnoDB;\nCREATE TABLE u (a INT, KEY k_a (a)) ENGINE=InnoDB` },
  ],
  invalid: [
    {
      name: 'two plain indexes: the newer goes, dropped online and added back as SHOW CREATE TABLE prints it',
      sql: `${T}, KEY k_a_first (a), KEY k_a_second (a)) ENGINE=InnoDB`,
      expected: (db) => [
        {
          table: 't',
          index: 'k_a_second',
          coveredBy: 'k_a_first',
          columns: ['a'],
          severity: 'critical',
          fix: expect.objectContaining({
            up: [`ALTER TABLE \`${db}\`.\`t\` DROP INDEX \`k_a_second\`, ALGORITHM=INPLACE, LOCK=NONE`],
            down: [expect.stringMatching(/^ALTER TABLE `[^`]+`\.`t` ADD KEY `k_a_second` \(`a`\)/)],
          }),
        },
      ],
    },
    {
      name: 'InnoDB appends the primary key: (a, id) duplicates (a)',
      sql: `${T}, KEY k_a (a), KEY k_a_id (a, id)) ENGINE=InnoDB`,
      expected: [{ index: 'k_a_id', coveredBy: 'k_a' }],
    },
    {
      name: 'a unique key duplicated by a plain index: the plain one goes',
      sql: `${T}, KEY k_a (a), UNIQUE KEY uq_a (a)) ENGINE=InnoDB`,
      expected: [{ index: 'k_a', coveredBy: 'uq_a' }],
    },
    {
      name: 'a plain index on the primary key column',
      sql: `${T}, KEY k_id (id)) ENGINE=InnoDB`,
      expected: [{ index: 'k_id', coveredBy: 'PRIMARY' }],
    },
    {
      name: 'the same prefix length twice',
      sql: `${T}, KEY k_name10 (name(10)), KEY k_name10_copy (name(10))) ENGINE=InnoDB`,
      expected: [{ index: 'k_name10_copy', coveredBy: 'k_name10' }],
    },
    {
      name: 'the same DESC key twice',
      sql: `${T}, KEY k_ab_desc (a, b DESC), KEY k_ab_desc2 (a, b DESC)) ENGINE=InnoDB`,
      expected: [{ index: 'k_ab_desc2', coveredBy: 'k_ab_desc' }],
    },
    {
      name: 'two FULLTEXT indexes on the same column',
      sql: `${T}, FULLTEXT KEY ft_title (title), FULLTEXT KEY ft_title2 (title)) ENGINE=InnoDB`,
      expected: [{ index: 'ft_title2', coveredBy: 'ft_title' }],
    },
    {
      name: 'two HASH indexes of a MEMORY table: dropped without ALGORITHM=INPLACE, which MEMORY refuses (1845)',
      sql: 'CREATE TABLE m (id INT PRIMARY KEY, a INT, KEY k_a_hash (a) USING HASH, KEY k_a_hash2 (a) USING HASH) ENGINE=MEMORY',
      expected: (db) => [
        {
          index: 'k_a_hash2',
          coveredBy: 'k_a_hash',
          fix: expect.objectContaining({
            up: [`ALTER TABLE \`${db}\`.\`m\` DROP INDEX \`k_a_hash2\``],
            notes: expect.arrayContaining([
              `${db}.m is a MEMORY table: it cannot change an index in place, so the table is copied and writes wait while it runs.`,
            ]),
          }),
        },
      ],
    },
    {
      name: 'two indexes of a MyISAM table: dropped and added back without ALGORITHM=INPLACE',
      sql: 'CREATE TABLE my (id INT PRIMARY KEY, a INT, KEY k_a (a), KEY k_a_copy (a)) ENGINE=MyISAM',
      expected: (db) => [
        {
          index: 'k_a_copy',
          coveredBy: 'k_a',
          fix: expect.objectContaining({
            up: [`ALTER TABLE \`${db}\`.\`my\` DROP INDEX \`k_a_copy\``],
            down: [`ALTER TABLE \`${db}\`.\`my\` ADD KEY \`k_a_copy\` (\`a\`)`],
          }),
        },
      ],
    },
    {
      name: 'a foreign key served by both: one goes, and the other keeps serving the foreign key',
      sql: `CREATE TABLE p (id INT PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE c (id INT PRIMARY KEY, p_id INT, KEY k_p (p_id), KEY k_p2 (p_id), CONSTRAINT fk_c_p FOREIGN KEY (p_id) REFERENCES p (id)) ENGINE=InnoDB`,
      expected: [
        {
          table: 'c',
          index: 'k_p2',
          coveredBy: 'k_p',
          help: expect.stringContaining('Foreign key fk_c_p needs an index on its columns; k_p keeps serving it.'),
        },
      ],
    },
  ],
});
