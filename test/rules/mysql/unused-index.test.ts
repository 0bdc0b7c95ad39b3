import { expect } from 'vitest';
import { unusedIndex } from '../../../src/rules/unused-index.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

const ROWS = 2_000;
/** ROWS rows (more writes than minStatsActivity asks for), two secondary indexes; then the case's reads. */
const TABLE = `CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, KEY ix_a (a), KEY ix_b (b)) ENGINE=InnoDB;
INSERT INTO t SELECT seq, seq, seq % 7 FROM seq_1_to_${ROWS}`;
const READ_BOTH = `SELECT * FROM t FORCE INDEX (ix_a) WHERE a = 5;
SELECT * FROM t FORCE INDEX (ix_b) WHERE b = 3`;
/**
 * The throwaway server started seconds ago: its statistics are that young. Cases that judge
 * "never scanned" as conclusive ask for no minimum age (the rule's own threshold, set to 0).
 */
const NO_MINIMUM_AGE = { minStatsAgeDays: 0 };

// The local MariaDB runs with performance_schema OFF (usage unknown: the rule says nothing, see
// test/dialects/mysql/usage.test.ts); a throwaway server of its own counts index reads.
dialectRuleTester(
  'mysql',
  unusedIndex,
  {
    valid: [
      { name: 'every index read since the table was created', sql: `${TABLE};\n${READ_BOTH}`, ruleOptions: NO_MINIMUM_AGE },
      {
        name: 'an index read before an ALTER TABLE is not called unused: the counters restart with it, and so do the statistics',
        sql: `${TABLE};\n${READ_BOTH};\nALTER TABLE t COMMENT 'altered'`,
        report: (result, db) => {
          expect(result.model.limitations, JSON.stringify(result.model.limitations)).toContainEqual(
            expect.stringMatching(
              new RegExp(
                `^1 table was created or altered since the server started .*usage counts only since the latest change, ${db}\\.t \\d+ seconds before this reading`,
              ),
            ),
          );
          expect(result.summary.statistics.trustworthy).toBe(false);
        },
      },
      {
        name: 'the primary key and unique keys work without being read',
        sql: `CREATE TABLE u (id INT PRIMARY KEY, code INT, UNIQUE KEY uq_code (code)) ENGINE=InnoDB;
INSERT INTO u SELECT seq, seq FROM seq_1_to_${ROWS}`,
        ruleOptions: NO_MINIMUM_AGE,
      },
      {
        name: 'the index an InnoDB foreign key needs is never reported, read or not',
        sql: `CREATE TABLE p (id INT PRIMARY KEY) ENGINE=InnoDB;
INSERT INTO p SELECT seq FROM seq_1_to_10;
CREATE TABLE c (id INT PRIMARY KEY, p_id INT, KEY ix_p (p_id), CONSTRAINT fk_c_p FOREIGN KEY (p_id) REFERENCES p (id)) ENGINE=InnoDB;
INSERT INTO c SELECT seq, seq % 10 + 1 FROM seq_1_to_${ROWS}`,
        ruleOptions: NO_MINIMUM_AGE,
      },
    ],
    invalid: [
      {
        name: 'an index never read, with statistics old enough: dropped (online) and added back exactly',
        sql: `${TABLE};\nSELECT * FROM t FORCE INDEX (ix_a) WHERE a = 5`,
        ruleOptions: NO_MINIMUM_AGE,
        expected: (db) => [
          {
            table: 't',
            index: 'ix_b',
            columns: ['b'],
            severity: 'medium',
            help: 'Drop ix_b, unless a rare job (month-end report, yearly cleanup) needs it; the down migration rebuilds it exactly.',
            fix: expect.objectContaining({
              up: [`ALTER TABLE \`${db}\`.\`t\` DROP INDEX \`ix_b\`, ALGORITHM=INPLACE, LOCK=NONE`],
              down: [`ALTER TABLE \`${db}\`.\`t\` ADD KEY \`ix_b\` (\`b\`), ALGORITHM=INPLACE, LOCK=NONE`],
            }),
          },
        ],
      },
      {
        name: 'an index never read on a server started seconds ago: no drop, and the finding says why',
        sql: `${TABLE};\nSELECT * FROM t FORCE INDEX (ix_a) WHERE a = 5`,
        expected: [
          {
            index: 'ix_b',
            severity: 'low',
            message: expect.stringMatching(/Statistics are not conclusive yet: .*less than the 7 days needed/),
            help: 'Keep ix_b for now and audit again once the statistics cover at least 7 days of normal traffic.',
            fix: undefined,
          },
        ],
        report: (result) => expect(result.summary.statistics.trustworthy).toBe(false),
      },
    ],
  },
  { throwawayMariadb: ['performance_schema=ON'] },
);
