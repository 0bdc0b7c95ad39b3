import { expect } from 'vitest';
import { compositeColumnOrder } from '../../../src/rules/composite-column-order.js';
import { dialectRuleTester } from '../../helpers/dialect-rule-tester.js';

const ROWS = 3_000;
/** ROWS orders over 3 regions, each with its own reference; distinct counts from MariaDB's engine-independent statistics. */
const ORDERS = (keys: string, analyze = 'ANALYZE TABLE orders PERSISTENT FOR ALL') => `CREATE TABLE orders (id INT PRIMARY KEY,
  region TINYINT NOT NULL, reference VARCHAR(20) NOT NULL, ${keys}) ENGINE=InnoDB;
INSERT INTO orders SELECT seq, seq % 3, CONCAT('R', seq) FROM seq_1_to_${ROWS};
${analyze}`;

dialectRuleTester('mysql', compositeColumnOrder, {
  valid: [
    { name: 'the selective column leads', sql: ORDERS('KEY ix_ref_region (reference, region)') },
    {
      name: 'without column statistics (only InnoDB index statistics), no distinct counts are guessed',
      sql: ORDERS('KEY ix_region_ref (region, reference)', 'ANALYZE TABLE orders'),
    },
    {
      name: 'a unique key keeps the order its constraint was declared in',
      sql: ORDERS('UNIQUE KEY uq_region_ref (region, reference)'),
    },
  ],
  invalid: [
    {
      name: 'a composite index led by a column with 3 values before one with a value per row: the reordered index in MariaDB syntax',
      sql: ORDERS('KEY ix_region_ref (region, reference)'),
      expected: (db) => [
        {
          table: 'orders',
          index: 'ix_region_ref',
          columns: ['region', 'reference'],
          severity: 'low',
          message: expect.stringContaining(
            `leads with region, which has ~3 distinct values, while reference has ~${ROWS.toLocaleString('en-US')} (over ~`,
          ),
          evidence: expect.objectContaining({
            selectivityRatio: ROWS / 3,
            suggestedDefinition: `ALTER TABLE \`${db}\`.\`orders\` ADD INDEX \`orders_reference_region_idx\` (\`reference\`, \`region\`)`,
            btreeSkipScan: false,
          }),
          fix: undefined,
        },
      ],
    },
  ],
});
