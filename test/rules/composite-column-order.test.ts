import { expect } from 'vitest';
import { compositeColumnOrder } from '../../src/rules/composite-column-order.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** 600 orders: three regions, four statuses, a customer per ten orders (60), a distinct reference each. */
const ORDERS = `
  CREATE TABLE orders (id int PRIMARY KEY, region text NOT NULL, status text NOT NULL, customer_id int NOT NULL,
                       reference text NOT NULL, placed_at timestamptz NOT NULL);
  INSERT INTO orders
  SELECT g, (ARRAY['eu','us','apac'])[1 + g % 3], (ARRAY['new','paid','shipped','returned'])[1 + g % 4], 1 + g % 60,
         'ORD-' || g, TIMESTAMPTZ '2025-01-01 00:00+00' + g * INTERVAL '1 hour'
  FROM generate_series(1, 600) AS g`;

const ANALYZE = 'ANALYZE orders';
const SMALL = { cardinalityMinRows: 100 };

ruleTester(compositeColumnOrder, {
  valid: [
    {
      name: 'led by the selective column',
      sql: `${ORDERS}; CREATE INDEX o_ref_region ON orders (reference, region); ${ANALYZE}`,
      ruleOptions: SMALL,
    },
    {
      name: 'later column more selective, but less than compositeOrderSelectivityRatio times (3 vs 4 values)',
      sql: `${ORDERS}; CREATE INDEX o_region_status ON orders (region, status); ${ANALYZE}`,
      ruleOptions: SMALL,
    },
    {
      name: 'a unique constraint keeps its column order',
      sql: `${ORDERS}; ALTER TABLE orders ADD CONSTRAINT o_region_ref UNIQUE (region, reference); ${ANALYZE}`,
      ruleOptions: SMALL,
    },
    {
      name: 'never analyzed: no distinct counts, no hint',
      sql: `${ORDERS}; CREATE INDEX o_region_ref ON orders (region, reference)`,
      ruleOptions: SMALL,
    },
    { name: 'table below cardinalityMinRows', sql: `${ORDERS}; CREATE INDEX o_region_ref ON orders (region, reference); ${ANALYZE}` },
    {
      name: 'expression leading key',
      sql: `${ORDERS}; CREATE INDEX o_lower_region_ref ON orders (lower(region), reference); ${ANALYZE}`,
      ruleOptions: SMALL,
    },
    {
      name: 'known queries all pin the leading column: the order serves them',
      sql: `${ORDERS}; CREATE INDEX o_region_ref ON orders (region, reference); ${ANALYZE}`,
      ruleOptions: SMALL,
      queries: `SELECT * FROM orders WHERE region = 'eu' AND reference = 'ORD-1';
        SELECT count(*) FROM orders WHERE region = 'us';
        SELECT * FROM orders WHERE region IN ('eu', 'us') ORDER BY reference LIMIT 10;`,
    },
    {
      name: 'not a btree',
      sql: `${ORDERS}; CREATE INDEX o_region_ref_brin ON orders USING brin (region, reference); ${ANALYZE}`,
      ruleOptions: SMALL,
    },
  ],
  invalid: [
    {
      name: 'three regions leading 600 distinct references',
      sql: `${ORDERS}; CREATE INDEX o_region_ref ON orders (region, reference); ${ANALYZE}`,
      ruleOptions: SMALL,
      expected: [
        {
          severity: 'low',
          table: 'orders',
          index: 'o_region_ref',
          columns: ['region', 'reference'],
          message: expect.stringMatching(/leads with region, which has ~3 distinct values, while reference has ~600 \(over ~600 rows\)/),
          help: expect.stringMatching(
            /consider \(reference, region\) instead; keep the current order if every query using it has an equality on region/,
          ),
          evidence: expect.objectContaining({
            selectivityRatio: 200,
            suggestedDefinition: expect.stringMatching(
              /^CREATE INDEX CONCURRENTLY orders_reference_region_idx ON \S+\.orders \(reference, region\)$/,
            ),
          }),
          fix: undefined,
        },
      ],
    },
    {
      name: 'the most selective later column is the one named, wherever it is',
      sql: `${ORDERS}; CREATE INDEX o_status_customer_ref ON orders (status, customer_id, reference); ${ANALYZE}`,
      ruleOptions: SMALL,
      expected: [
        {
          index: 'o_status_customer_ref',
          message: expect.stringMatching(/leads with status, which has ~4 distinct values, while reference has ~600/),
          evidence: expect.objectContaining({ suggestedDefinition: expect.stringMatching(/\(reference, status, customer_id\)$/) }),
        },
      ],
    },
    {
      name: 'a known query searches the selective column alone: it is named',
      sql: `${ORDERS}; CREATE INDEX o_region_ref ON orders (region, reference); ${ANALYZE}`,
      ruleOptions: SMALL,
      queries: `SELECT * FROM orders WHERE region = 'eu' AND reference = 'ORD-1';
        SELECT * FROM orders WHERE reference = 'ORD-7';`,
      expected: [
        {
          index: 'o_region_ref',
          message: expect.stringMatching(/, and a known query does so \(e\.g\. SELECT \* FROM orders WHERE reference = \$1\)\.$/),
          evidence: expect.objectContaining({
            queries: {
              searchSelectiveColumnWithoutLeading: ['SELECT * FROM orders WHERE reference = $1'],
              pinLeadingColumn: ['SELECT * FROM orders WHERE region = $1 AND reference = $2'],
            },
          }),
        },
      ],
    },
    {
      name: 'an index already led by the selective column is pointed out',
      sql: `${ORDERS}; CREATE INDEX o_region_customer ON orders (region, customer_id); CREATE INDEX o_customer ON orders (customer_id); ${ANALYZE}`,
      ruleOptions: SMALL,
      expected: [
        {
          index: 'o_region_customer',
          help: expect.stringMatching(/o_customer already leads with customer_id/),
          evidence: expect.objectContaining({ indexesLedBySelectiveColumn: ['o_customer'] }),
        },
      ],
    },
  ],
});
