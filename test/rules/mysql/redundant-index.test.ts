import { expect } from 'vitest';
import { redundantIndex } from '../../../src/rules/redundant-index.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

const T = 'CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, c INT, name VARCHAR(100), title VARCHAR(200)';
const PARENT = 'CREATE TABLE p (id INT PRIMARY KEY) ENGINE=InnoDB;\n';

dialectRuleTester('mysql', redundantIndex, {
  valid: [
    { name: 'a left prefix in another column order', sql: `${T}, KEY k_a (a), KEY k_b_a (b, a)) ENGINE=InnoDB` },
    {
      name: 'a prefix key name(10) does not cover the whole column',
      sql: `${T}, KEY k_name (name), KEY k_name10_a (name(10), a)) ENGINE=InnoDB`,
    },
    {
      name: '(a, b DESC) is no left prefix of (a, b, c): only some key parts reversed (MariaDB 10.8+ honours DESC)',
      sql: `${T}, KEY k_a_bdesc (a, b DESC), KEY k_a_b_c (a, b, c)) ENGINE=InnoDB`,
    },
    {
      name: 'FULLTEXT is not covered by a BTREE on the same column',
      sql: `${T}, FULLTEXT KEY ft_title (title), KEY k_title_a (title, a)) ENGINE=InnoDB`,
    },
    {
      name: 'a unique key is not redundant to a non-unique wider index',
      sql: `${T}, UNIQUE KEY uq_a (a), KEY k_a_b (a, b)) ENGINE=InnoDB`,
    },
    {
      name: 'the last index serving an InnoDB foreign key is never dropped (MariaDB refuses: 1553)',
      sql: `${PARENT}CREATE TABLE c (id INT PRIMARY KEY, p_id INT, note VARCHAR(40), KEY k_p (p_id), KEY k_p5_note (note(5), p_id),
  CONSTRAINT fk_c_p FOREIGN KEY (p_id) REFERENCES p (id)) ENGINE=InnoDB`,
    },
    {
      name: 'MyISAM appends no primary key: (a) is not covered by (a) plus an implicit id',
      sql: 'CREATE TABLE my (id INT PRIMARY KEY, a INT, b INT, KEY k_a_id (a, id), KEY k_b (b)) ENGINE=MyISAM',
    },
  ],
  invalid: [
    {
      name: 'a left prefix: (a) is covered by (a, b)',
      sql: `${T}, KEY k_a (a), KEY k_a_b (a, b)) ENGINE=InnoDB`,
      expected: (db) => [
        {
          table: 't',
          index: 'k_a',
          coveredBy: 'k_a_b',
          columns: ['a'],
          severity: 'medium',
          fix: expect.objectContaining({ up: [`ALTER TABLE \`${db}\`.\`t\` DROP INDEX \`k_a\`, ALGORITHM=INPLACE, LOCK=NONE`] }),
        },
      ],
    },
    {
      name: 'a prefix key covered by the same prefix with more columns',
      sql: `${T}, KEY k_name10 (name(10)), KEY k_name10_a (name(10), a)) ENGINE=InnoDB`,
      expected: [{ index: 'k_name10', coveredBy: 'k_name10_a' }],
    },
    {
      name: 'the same DESC key parts as a left prefix',
      sql: `${T}, KEY k_a_desc (a DESC), KEY k_a_desc_b (a DESC, b)) ENGINE=InnoDB`,
      expected: [{ index: 'k_a_desc', coveredBy: 'k_a_desc_b' }],
    },
    {
      name: '(a DESC) is covered by (a, b): a backward scan gives its order',
      sql: `${T}, KEY k_a_desc (a DESC), KEY k_a_b (a, b)) ENGINE=InnoDB`,
      expected: [{ index: 'k_a_desc', coveredBy: 'k_a_b' }],
    },
    {
      name: 'InnoDB appends the primary key: (a, id, b) covers (a)',
      sql: `${T}, KEY k_a (a), KEY k_a_id_b (a, id, b)) ENGINE=InnoDB`,
      expected: [{ index: 'k_a', coveredBy: 'k_a_id_b' }],
    },
    {
      name: 'an index serving a foreign key goes when a wider one keeps serving it, and the help names that one',
      sql: `${PARENT}CREATE TABLE c (id INT PRIMARY KEY, p_id INT, created DATE, KEY k_p (p_id), KEY k_p_created (p_id, created),
  CONSTRAINT fk_c_p FOREIGN KEY (p_id) REFERENCES p (id)) ENGINE=InnoDB`,
      expected: [
        {
          table: 'c',
          index: 'k_p',
          coveredBy: 'k_p_created',
          help: expect.stringContaining('Foreign key fk_c_p needs an index on its columns; k_p_created keeps serving it.'),
        },
      ],
    },
    {
      name: 'three nested left prefixes on MyISAM: both narrower ones go, without ALGORITHM=INPLACE',
      sql: 'CREATE TABLE my (id INT PRIMARY KEY, a INT, b INT, c INT, KEY k_a (a), KEY k_a_b (a, b), KEY k_a_b_c (a, b, c)) ENGINE=MyISAM',
      expected: (db) => [
        { index: 'k_a', coveredBy: 'k_a_b_c', fix: expect.objectContaining({ up: [`ALTER TABLE \`${db}\`.\`my\` DROP INDEX \`k_a\``] }) },
        { index: 'k_a_b', coveredBy: 'k_a_b_c' },
      ],
    },
  ],
});
