/**
 * unused-index on both engines, with the workload each case generates. The rule tester dates the
 * statistics from a fixed past day (as --stats-since would): whether a finding is medium or low
 * rests on the activity the case's schema records. Reset, brand-new database and a role
 * without access to the statistics are tested on their own databases in test/stats.
 */
import { expect } from 'vitest';
import { unusedIndex } from '../../src/rules/unused-index.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** 1,200 inserts: enough activity (minStatsActivity 1000) for the statistics to be trusted. */
const BUSY = `
CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO orders (id, customer, status) SELECT g, 'c' || g % 100, 'open' FROM generate_series(1, 1200) g;
ANALYZE orders;`;

const FLUSH = 'SELECT pg_stat_force_next_flush();';

ruleTester(unusedIndex, {
  valid: [
    {
      name: 'an index that a query scanned',
      sql: `${BUSY}
        CREATE INDEX orders_customer_idx ON orders (customer);
        SET LOCAL enable_seqscan = off;
        SELECT count(*) FROM orders WHERE customer = 'c7';
        ${FLUSH}`,
    },
    {
      name: 'primary key, unique index, unique constraint and exclusion constraint are never unused',
      sql: `${BUSY}
        CREATE UNIQUE INDEX orders_customer_id_key ON orders (customer, id);
        ALTER TABLE orders ADD CONSTRAINT orders_status_id_key UNIQUE (status, id);
        CREATE TABLE bookings (id int PRIMARY KEY, during tstzrange NOT NULL, EXCLUDE USING gist (during WITH &&));
        ${FLUSH}`,
    },
    {
      name: 'the only index serving a foreign key is kept, even when no query scans it',
      sql: `${BUSY}
        CREATE TABLE order_lines (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders, qty int NOT NULL);
        CREATE INDEX order_lines_order_id_idx ON order_lines (order_id);
        INSERT INTO order_lines SELECT g, 1 + g % 1200, 1 FROM generate_series(1, 1200) g;
        ${FLUSH}`,
    },
    {
      name: 'an invalid index is left to invalid-index',
      engines: { only: ['server'], reason: 'CREATE INDEX CONCURRENTLY failing needs a server' },
      sql: [
        `${BUSY} INSERT INTO orders (id, customer, status) VALUES (5000, 'c1', 'open');`,
        { sql: 'CREATE UNIQUE INDEX CONCURRENTLY orders_customer_uq ON orders (customer)', error: /could not create unique index/ },
        FLUSH,
      ],
    },
  ],
  invalid: [
    {
      name: 'an index never scanned on a busy table: medium, with size and write cost',
      sql: `${BUSY}
        CREATE INDEX orders_status_idx ON orders (status);
        UPDATE orders SET status = 'paid' WHERE id <= 100;
        ${FLUSH}`,
      expected: [
        {
          severity: 'medium',
          table: 'orders',
          index: 'orders_status_idx',
          columns: ['status'],
          message: expect.stringMatching(
            /^Index orders_status_idx on case_\d+\.orders has not been scanned since the statistics began\. It occupies [\d,]+ bytes, and it took 1,300 index-entry writes/,
          ),
          evidence: expect.objectContaining({ indexEntryWrites: 1300, tableWrites: 1300, nodes: [expect.objectContaining({ scans: 0 })] }),
          fix: expect.objectContaining({ up: [expect.stringMatching(/^DROP INDEX CONCURRENTLY IF EXISTS case_\d+\.orders_status_idx$/)] }),
        },
      ],
    },
    {
      name: 'a known query could use it, yet it was never scanned: the message and evidence say so',
      sql: `${BUSY}
        CREATE INDEX orders_status_idx ON orders (status);
        ${FLUSH}`,
      queries: `SELECT id FROM orders WHERE status = 'paid';\nSELECT id FROM orders WHERE customer = 'c1';`,
      expected: [
        {
          index: 'orders_status_idx',
          message: expect.stringContaining('1 known query filters on its leading key, yet none was served by it'),
          evidence: expect.objectContaining({
            workload: expect.objectContaining({
              queriesUsingIt: [expect.objectContaining({ query: 'SELECT id FROM orders WHERE status = $1', keysUsed: 1 })],
            }),
          }),
        },
      ],
    },
    {
      name: 'a partial, expression index with a comment is dropped and rebuilt exactly',
      sql: `${BUSY}
        CREATE INDEX orders_lower_customer_idx ON orders (lower(customer)) WHERE status = 'open';
        COMMENT ON INDEX orders_lower_customer_idx IS 'for the support search';
        ${FLUSH}`,
      expected: [
        {
          severity: 'medium',
          index: 'orders_lower_customer_idx',
          fix: expect.objectContaining({
            down: [
              expect.stringContaining('CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_lower_customer_idx'),
              expect.stringContaining('COMMENT ON INDEX'),
            ],
          }),
        },
      ],
    },
    {
      name: 'too little activity to trust: low, and the message says so',
      sql: `
        CREATE TABLE notes (id int PRIMARY KEY, body text);
        CREATE INDEX notes_body_idx ON notes (body);
        INSERT INTO notes VALUES (1, 'a'), (2, 'b');
        ${FLUSH}`,
      expected: [
        {
          severity: 'low',
          index: 'notes_body_idx',
          message: expect.stringMatching(/Statistics are not conclusive yet: Almost no activity is recorded/),
          help: expect.stringMatching(/^Keep notes_body_idx for now/),
          fix: undefined,
        },
      ],
    },
    {
      name: 'of two indexes serving one foreign key, the wider is kept for the foreign key check (redundant-index drops the narrower)',
      sql: `${BUSY}
        CREATE TABLE order_lines (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders, sku text NOT NULL);
        CREATE INDEX order_lines_order_id_idx ON order_lines (order_id);
        CREATE INDEX order_lines_order_id_sku_idx ON order_lines (order_id, sku);
        INSERT INTO order_lines SELECT g, 1 + g % 1200, 'sku' || g FROM generate_series(1, 1200) g;
        ${FLUSH}`,
      expected: [{ index: 'order_lines_order_id_idx', severity: 'medium' }],
    },
    {
      name: 'of two duplicates serving one foreign key, the one duplicate-index keeps is the one kept here',
      sql: `${BUSY}
        CREATE TABLE order_lines (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders);
        CREATE INDEX ix_order_lines_order_id ON order_lines (order_id);
        CREATE INDEX ix_order_lines_order_id_copy ON order_lines (order_id);
        INSERT INTO order_lines SELECT g, 1 + g % 1200 FROM generate_series(1, 1200) g;
        ${FLUSH}`,
      expected: [{ index: 'ix_order_lines_order_id_copy', severity: 'medium' }],
    },
    {
      name: 'a partitioned index unused on every partition is reported once, on the parent, and restored with its partition indexes',
      sql: `
        CREATE TABLE events (id bigint NOT NULL, kind text NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        CREATE INDEX events_kind_idx ON events (kind);
        INSERT INTO events SELECT g, 'k' || g % 5, DATE '2025-06-01' + g % 400 FROM generate_series(1, 1500) g;
        ${FLUSH}`,
      expected: [
        {
          index: 'events_kind_idx',
          table: 'events',
          severity: 'medium',
          message: expect.stringContaining('1,500 index-entry writes'),
          fix: expect.objectContaining({ up: [expect.stringMatching(/^DROP INDEX IF EXISTS /)] }),
        },
      ],
    },
  ],
});
