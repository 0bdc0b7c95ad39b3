import { expect } from 'vitest';
import { lowCardinalityIndex } from '../../../src/rules/low-cardinality-index.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

const ROWS = 20_000;
/** A table of ROWS rows whose `flag` alternates 0/1 and whose `email` is unique (MariaDB's sequence engine). */
const FLAGS = (options = '') => `CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, flag TINYINT NOT NULL, email VARCHAR(40),
  KEY ix_flag (flag), KEY ix_email (email)) ENGINE=InnoDB ${options};
INSERT INTO t (flag, email) SELECT seq % 2, CONCAT('user', seq, '@example.com') FROM seq_1_to_${ROWS}`;
/** A status column: 'new' on every 20th of ROWS rows, 'done' on the others. */
const STATUS = `CREATE TABLE o (id INT AUTO_INCREMENT PRIMARY KEY, status VARCHAR(10) NOT NULL, KEY ix_status (status)) ENGINE=InnoDB;
INSERT INTO o (status) SELECT IF(seq % 20 = 0, 'new', 'done') FROM seq_1_to_${ROWS}`;
const NO_COLUMN_STATISTICS =
  'no column statistics (mysql.column_stats is empty for these tables): value distributions are unknown; ANALYZE TABLE … PERSISTENT FOR ALL collects them';

dialectRuleTester('mysql', lowCardinalityIndex, {
  valid: [
    {
      name: 'no statistics (STATS_PERSISTENT=0, never analyzed): nothing is guessed, and the audit says the distributions are unknown',
      sql: FLAGS('STATS_PERSISTENT=0'),
      report: (result) => expect(result.model.limitations).toContain(NO_COLUMN_STATISTICS),
    },
    {
      name: 'a BOOLEAN column (tinyint(1)) is not taken for two values without statistics',
      sql: `CREATE TABLE b (id INT AUTO_INCREMENT PRIMARY KEY, active BOOLEAN NOT NULL, KEY ix_active (active)) ENGINE=InnoDB STATS_PERSISTENT=0;
INSERT INTO b (active) SELECT seq % 2 FROM seq_1_to_${ROWS}`,
    },
    {
      name: 'two values on a table below cardinalityMinRows (1,000 rows): a scan is cheap anyway',
      sql: `CREATE TABLE s (id INT AUTO_INCREMENT PRIMARY KEY, flag TINYINT NOT NULL, KEY ix_flag (flag)) ENGINE=InnoDB;
INSERT INTO s (flag) SELECT seq % 2 FROM seq_1_to_500;
ANALYZE TABLE s PERSISTENT FOR ALL`,
    },
    {
      name: 'a composite index led by the flag is not a single-column index',
      sql: `CREATE TABLE c (id INT AUTO_INCREMENT PRIMARY KEY, flag TINYINT NOT NULL, at INT, KEY ix_flag_at (flag, at)) ENGINE=InnoDB;
INSERT INTO c (flag, at) SELECT seq % 2, seq FROM seq_1_to_${ROWS};
ANALYZE TABLE c`,
    },
  ],
  invalid: [
    {
      name: 'InnoDB index statistics only (ANALYZE TABLE): the distinct count, and that the shares are unknown; usage unknown, so no fix',
      sql: `${FLAGS()};\nANALYZE TABLE t`,
      expected: [
        {
          table: 't',
          index: 'ix_flag',
          columns: ['flag'],
          severity: 'low',
          message: expect.stringMatching(
            /^Index ix_flag on \S+\.t \(flag\) indexes a low-cardinality column: 2 distinct values over ~[\d,]+ rows \(how the rows share them is not known: the database keeps no column statistics\); index usage statistics could not be read/,
          ),
          fix: undefined,
        },
      ],
    },
    {
      name: 'engine-independent statistics (PERSISTENT FOR ALL) with DOUBLE_PREC_HB histograms: the distinct count, no value shares',
      sql: `${STATUS};
SET SESSION histogram_type = 'DOUBLE_PREC_HB';
ANALYZE TABLE o PERSISTENT FOR ALL`,
      expected: [
        {
          table: 'o',
          index: 'ix_status',
          severity: 'low',
          message: expect.stringMatching(
            /: 2 distinct values over ~[\d,]+ rows \(how the rows share them is not known: its column statistics list no values\)/,
          ),
          fix: undefined,
        },
      ],
    },
    {
      name: 'JSON_HB histograms give the value shares; one value dominates, and no partial index is proposed (MariaDB has none)',
      sql: `${STATUS};
SET SESSION histogram_type = 'JSON_HB';
ANALYZE TABLE o PERSISTENT FOR ALL`,
      expected: [
        {
          table: 'o',
          index: 'ix_status',
          severity: 'low',
          // 'new' is every 20th row: 5%, 'done' the other 95%.
          message: expect.stringMatching(/: 2 distinct values over ~[\d,]+ rows \('done' 95%, 'new' 5%\)/),
          help: expect.not.stringMatching(/partial index|CONCURRENTLY|WHERE/),
          evidence: expect.objectContaining({ suggestedPartialIndex: null }),
          fix: undefined,
        },
      ],
    },
  ],
});
