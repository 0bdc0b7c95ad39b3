/**
 * Table classification on both engines, from a workload the test generates: a write-heavy
 * append-only log, a read-mostly transaction table, a junction table, a tag table, and young
 * tables judged by name and shape only.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../../src/audit/run.js';
import type { AuditResult } from '../../../src/audit/types.js';
import type { TableClassification } from '../../../src/rules/context/classify-types.js';
import { classifyByUsage } from '../../../src/rules/context/classify-usage.js';
import { DEFAULT_RULE_OPTIONS } from '../../../src/rules/types.js';
import { ENGINES, type TestDatabase } from '../../helpers/databases.js';

const SCHEMA = `
CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE products (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE customer_products (customer_id bigint NOT NULL REFERENCES customers, product_id bigint NOT NULL REFERENCES products,
                                PRIMARY KEY (customer_id, product_id));
CREATE TABLE customer_tags (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers, tag text NOT NULL,
                            created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (customer_id, tag));
CREATE TABLE customer_settings (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers, name text NOT NULL,
                                value text, enabled boolean NOT NULL, UNIQUE (customer_id, name));
CREATE TABLE page_views (id bigserial PRIMARY KEY, customer_id bigint, path text NOT NULL, status text NOT NULL DEFAULT 'new',
                         created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX page_views_created_at_idx ON page_views (created_at);
CREATE TABLE audit_events (id bigserial PRIMARY KEY, action text NOT NULL, occurred_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE drafts (id bigserial PRIMARY KEY, body text);
`;

/** Writes and reads with the shape of each table's real traffic; PL/pgSQL lookups count as index scans. */
const WORKLOAD = `
INSERT INTO customers (id, email) SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 300) g;
INSERT INTO products SELECT g, 'p' || g FROM generate_series(1, 50) g;
INSERT INTO customer_products SELECT 1 + g % 300, 1 + g % 50 FROM generate_series(1, 400) g ON CONFLICT DO NOTHING;
INSERT INTO customer_tags (customer_id, tag) SELECT 1 + g % 300, 'tag' || g % 7 FROM generate_series(1, 600) g ON CONFLICT DO NOTHING;
INSERT INTO customer_settings (customer_id, name, value, enabled) SELECT 1 + g % 300, 'opt' || g % 3, 'x', true FROM generate_series(1, 300) g;
INSERT INTO page_views (customer_id, path) SELECT 1 + g % 300, '/p/' || g FROM generate_series(1, 3000) g;
UPDATE page_views SET status = 'done' WHERE id % 2 = 0;
DO $$ BEGIN
  FOR i IN 1..400 LOOP
    PERFORM email FROM customers WHERE id = 1 + i % 300;
  END LOOP;
  FOR i IN 1..10 LOOP
    PERFORM count(*) FROM page_views WHERE created_at > now() - interval '1 hour';
  END LOOP;
END $$;
INSERT INTO audit_events (action) VALUES ('login'), ('logout');
INSERT INTO drafts (body) VALUES ('a');
`;

for (const engine of ENGINES) {
  describe(`classification on ${engine.name}`, () => {
    let database: TestDatabase;
    let result: AuditResult;
    const typeOf = (table: string): TableClassification => {
      const found = result.tables.find((t) => t.table === table);
      if (!found) throw new Error(`no classification for ${table}`);
      return found;
    };

    beforeAll(async () => {
      database = await engine.create();
      await database.exec(SCHEMA);
      await database.exec(WORKLOAD);
      await database.exec('ANALYZE');
      await database.db.query('SELECT pg_stat_force_next_flush()');
      result = await auditPostgres(database.db, { kind: 'postgres', name: 'classify' }, { rules: [] });
    });
    afterAll(async () => {
      await database?.close();
    });

    test('an append-mostly, write-heavy table is a log, from statistics', () => {
      const c = typeOf('page_views');
      expect(c).toMatchObject({ type: 'log', source: 'statistics' });
      expect(c.evidence.join('\n')).toMatch(/3,000 inserts, 1,500 updates/);
      expect(c.evidence.join('\n')).toMatch(/rows inserted per scan: write-heavy/);
      expect(c.evidence.join('\n')).toMatch(/created_at/);
    });

    test('a read-mostly table is a transaction table; statistics of a database made seconds ago cap the confidence at medium', () => {
      const c = typeOf('customers');
      expect(c).toMatchObject({ type: 'transaction', source: 'statistics', confidence: 'medium' });
      expect(c.evidence.join('\n')).toMatch(/read more than written/);
    });

    test('two foreign keys under a composite primary key make a junction table, whatever the traffic', () => {
      expect(typeOf('customer_products')).toMatchObject({ type: 'junction', source: 'shape', confidence: 'high' });
      expect(typeOf('customer_products').evidence[0]).toMatch(/primary key .* spans 2 foreign keys/);
    });

    test('one foreign key and a value under a unique constraint, with no payload, is a junction at medium confidence', () => {
      expect(typeOf('customer_tags')).toMatchObject({ type: 'junction', confidence: 'medium' });
    });

    test('the same shape with payload columns is not a junction', () => {
      expect(typeOf('customer_settings').type).not.toBe('junction');
    });

    test('young statistics: a log-like name is only a low-confidence hint', () => {
      const c = typeOf('audit_events');
      expect(c).toMatchObject({ type: 'log', confidence: 'low', source: 'shape' });
      expect(c.evidence[0]).toMatch(/too few to judge/);
    });

    test('young statistics and no hint: unknown, and it says why', () => {
      const c = typeOf('drafts');
      expect(c).toMatchObject({ type: 'unknown', confidence: 'low' });
      expect(c.evidence[0]).toMatch(/only \d+ writes and scans/);
    });

    test('a configured type wins, and keeps what the statistics said', async () => {
      const forced = await auditPostgres(
        database.db,
        { kind: 'postgres', name: 'classify' },
        {
          rules: [],
          tableTypes: [
            { schema: 'public', table: 'customers', type: 'log' },
            { schema: null, table: 'drafts', type: 'transaction' },
          ],
        },
      );
      const customers = forced.tables.find((t) => t.table === 'customers')!;
      expect(customers).toMatchObject({ type: 'log', source: 'config', confidence: 'high' });
      expect(customers.evidence[1]).toMatch(/would say transaction/);
      expect(forced.tables.find((t) => t.table === 'drafts')).toMatchObject({ type: 'transaction', source: 'config' });
    });

    test('thresholds come from the rule options', async () => {
      const strict = await auditPostgres(
        database.db,
        { kind: 'postgres', name: 'classify' },
        { rules: [], ruleOptions: { logMinInserts: 1_000_000 } },
      );
      expect(strict.tables.find((t) => t.table === 'page_views')!.type).toBe('transaction');
    });
  });
}

describe('partitions and materialized views', () => {
  test('a partition takes its parent type; a materialized view is read like a transaction table', async () => {
    const database = await ENGINES[0].create();
    try {
      await database.exec(`
        CREATE TABLE request_logs (id bigint NOT NULL, path text, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);
        CREATE TABLE request_logs_2025 PARTITION OF request_logs FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TABLE request_logs_2026 PARTITION OF request_logs FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        INSERT INTO request_logs SELECT g, '/x', TIMESTAMPTZ '2025-06-01' + g * INTERVAL '1 hour' FROM generate_series(1, 12000) g;
        CREATE MATERIALIZED VIEW path_counts AS SELECT path, count(*) FROM request_logs GROUP BY path;`);
      await database.db.query('SELECT pg_stat_force_next_flush()');
      const result = await auditPostgres(database.db, { kind: 'postgres', name: 'p' }, { rules: [] });
      const parent = result.tables.find((t) => t.table === 'request_logs')!;
      expect(parent).toMatchObject({ type: 'log', source: 'statistics' });
      expect(parent.evidence[0]).toMatch(/12,000 inserts/);
      const partition = result.tables.find((t) => t.table === 'request_logs_2026')!;
      expect(partition).toMatchObject({ type: 'log' });
      expect(partition.evidence[0]).toMatch(/partition of public.request_logs/);
      expect(result.tables.find((t) => t.table === 'path_counts')).toMatchObject({ type: 'transaction', source: 'shape' });
    } finally {
      await database.close();
    }
  });
});

describe('classifyByUsage thresholds', () => {
  const usage = (inserts: number, scans: number, updates = 0) => ({
    seqScans: scans,
    seqTuplesRead: 0,
    indexScans: 0,
    indexTuplesFetched: 0,
    inserts,
    updates,
    hotUpdates: 0,
    deletes: 0,
    liveTuples: inserts,
    deadTuples: 0,
    lastVacuum: null,
    lastAutovacuum: null,
    lastAnalyze: null,
    lastAutoanalyze: null,
  });
  const table = { schema: 'public', name: 't' } as Parameters<typeof classifyByUsage>[0];

  test('one of many log tables: a small share of all inserts, but far more inserts than scans', () => {
    expect(classifyByUsage(table, usage(5000, 10), 250_000, 'x', DEFAULT_RULE_OPTIONS).type).toBe('log');
  });
  test('a small share and only some more inserts than scans, rows updated now and then: transaction, low write volume', () => {
    const verdict = classifyByUsage(table, usage(5000, 200, 100), 250_000, 'x', DEFAULT_RULE_OPTIONS);
    expect(verdict.type).toBe('transaction');
    expect('evidence' in verdict && verdict.evidence.join(' ')).toMatch(/low write volume/);
  });
  test('append-only is a log whatever its reads: many inserts, never updated or deleted, read far more than written', () => {
    const verdict = classifyByUsage(table, usage(5000, 50_000), 250_000, 'x', DEFAULT_RULE_OPTIONS);
    expect(verdict).toMatchObject({ type: 'log', confidence: 'high' });
    expect('evidence' in verdict && verdict.evidence.join(' ')).toMatch(/append-only: 5,000 inserts and no updates or deletes/);
  });
  test('a small append-only table is left to its name: the evidence says append-only, not "rows are edited"', () => {
    const verdict = classifyByUsage(table, usage(600, 5000), 600, 'x', DEFAULT_RULE_OPTIONS);
    expect(verdict).toMatchObject({ type: 'transaction', appendOnlyButSmall: true });
    const evidence = 'evidence' in verdict ? verdict.evidence.join(' ') : '';
    expect(evidence).toMatch(/append-only: 600 inserts and no updates or deletes since x, under the 1,000 inserts/);
    expect(evidence).not.toMatch(/edited/);
  });
  test('no writes at all: read-only so far, never "updates without inserts"', () => {
    const verdict = classifyByUsage(table, usage(0, 5000), 600, 'x', DEFAULT_RULE_OPTIONS);
    expect(verdict).toMatchObject({ type: 'transaction' });
    const evidence = 'evidence' in verdict ? verdict.evidence.join(' ') : '';
    expect(evidence).toMatch(/no writes since x: read-only so far/);
    expect(evidence).not.toMatch(/updates without inserts/);
  });
  test('rows edited again and again are not a log, however many inserts', () => {
    const verdict = classifyByUsage(table, usage(5000, 10, 20_000), 5000, 'x', DEFAULT_RULE_OPTIONS);
    expect(verdict.type).toBe('transaction');
    expect('evidence' in verdict && verdict.evidence.join(' ')).toMatch(/4 updates per inserted row: rows are edited/);
  });
});
