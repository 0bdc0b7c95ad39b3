import { unindexedForeignKey } from '../../../src/rules/unindexed-foreign-key.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

const PARENT = 'CREATE TABLE p (id INT PRIMARY KEY, code VARCHAR(20), UNIQUE KEY uq_code (code)) ENGINE=InnoDB;\n';

// InnoDB creates an index for every foreign key that has none, and refuses to drop the last one
// (1553); MyISAM parses a foreign key and drops it. No foreign key on MariaDB can lack its index.
dialectRuleTester('mysql', unindexedForeignKey, {
  valid: [
    {
      name: 'InnoDB: a foreign key declared without an index gets one from the server',
      sql: `${PARENT}CREATE TABLE c (id INT PRIMARY KEY, p_id INT, CONSTRAINT fk_c_p FOREIGN KEY (p_id) REFERENCES p (id)) ENGINE=InnoDB`,
    },
    {
      name: 'InnoDB: a foreign key served by a wider index',
      sql: `${PARENT}CREATE TABLE c (id INT PRIMARY KEY, p_id INT, d DATE, KEY k_p_d (p_id, d), CONSTRAINT fk_c_p FOREIGN KEY (p_id) REFERENCES p (id)) ENGINE=InnoDB`,
    },
    {
      name: 'InnoDB: a foreign key whose only declared index is a prefix key gets an index of its own',
      sql: `${PARENT}CREATE TABLE c (id INT PRIMARY KEY, p_code VARCHAR(20), KEY k_code5 (p_code(5)),
  CONSTRAINT fk_c_code FOREIGN KEY (p_code) REFERENCES p (code)) ENGINE=InnoDB`,
    },
    {
      name: 'MyISAM: the foreign key is parsed and dropped, so there is none to index',
      sql: `${PARENT}CREATE TABLE m (id INT PRIMARY KEY, p_id INT, FOREIGN KEY (p_id) REFERENCES p (id)) ENGINE=MyISAM`,
    },
  ],
  invalid: [],
});
