import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildRuleContext } from '../../src/rules/context/build.js';
import { partitionCandidate } from '../../src/rules/partition-candidate.js';
import { introspectPostgres } from '../../src/dialects/postgres/introspect/index.js';
import { type Finding } from '../../src/rules/types.js';
import { ENGINES, type TestDatabase } from '../helpers/databases.js';
import { ruleTester } from '../helpers/rule-tester.js';

const FLUSH_STATS = 'SELECT pg_stat_force_next_flush()';

/** An event log over three months: 900 rows, one every two and a half hours, a few deleted by a retention job. */
const EVENTS = `
  CREATE TABLE accounts (id int PRIMARY KEY);
  INSERT INTO accounts SELECT generate_series(1, 10);
  CREATE TABLE events (
    id bigserial PRIMARY KEY,
    account_id int NOT NULL REFERENCES accounts,
    kind text NOT NULL,
    processed_at timestamptz,
    created_at timestamptz NOT NULL
  );
  CREATE INDEX events_created ON events (created_at);
  CREATE INDEX events_account ON events (account_id);
  INSERT INTO events (account_id, kind, processed_at, created_at)
  SELECT 1 + g % 10, 'kind-' || g % 5, NULL, TIMESTAMPTZ '2025-08-01 00:00+00' + g * INTERVAL '150 minutes'
  FROM generate_series(1, 900) AS g;
  DELETE FROM events WHERE created_at < '2025-08-03';
  ANALYZE events; ${FLUSH_STATS}`;

const LOG = { events: 'log' } as const;
const SMALL = { partitionMinRows: 500 };

ruleTester(partitionCandidate, {
  valid: [
    { name: 'a log table below partitionMinRows and partitionMinBytes', sql: EVENTS, tableTypes: LOG },
    { name: 'a large transaction table', sql: EVENTS, tableTypes: { events: 'transaction' }, ruleOptions: SMALL },
    {
      name: 'a log table without a date/time column',
      sql: `CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL); INSERT INTO counters SELECT g, g FROM generate_series(1, 600) g; ANALYZE counters`,
      tableTypes: { counters: 'log' },
      ruleOptions: SMALL,
    },
    {
      name: 'already partitioned',
      sql: `CREATE TABLE events (id bigint, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        INSERT INTO events SELECT g, TIMESTAMPTZ '2025-02-01 00:00+00' + g * INTERVAL '1 hour' FROM generate_series(1, 600) g; ANALYZE events`,
      tableTypes: { events: 'log', events_2025: 'log' },
      ruleOptions: SMALL,
    },
  ],
  invalid: [
    {
      name: 'a large log table: partition by created_at, with the plan in evidence and no fix',
      sql: EVENTS,
      tableTypes: LOG,
      ruleOptions: SMALL,
      expected: [
        {
          severity: 'low',
          table: 'events',
          columns: ['created_at'],
          message: expect.stringMatching(
            /is a large log table \(~88\d rows, .*\) with a time column, created_at: partition it by month on created_at .*rows were deleted since the statistics reset/,
          ),
          help: expect.stringMatching(/Create events_partitioned PARTITION BY RANGE \(created_at\) with monthly partitions/),
          evidence: expect.objectContaining({
            partitionKey: expect.objectContaining({
              column: 'created_at',
              why: expect.arrayContaining(['named for the write time', 'NOT NULL']),
            }),
            partitioning: expect.objectContaining({
              primaryKey: ['id', 'created_at'],
              columns: expect.arrayContaining(['created_at timestamp with time zone NOT NULL']),
              create: expect.arrayContaining([
                expect.stringMatching(/PRIMARY KEY \(id, created_at\)\n\) PARTITION BY RANGE \(created_at\)$/),
              ]),
              notes: expect.arrayContaining([
                expect.stringMatching(/must include the partition key: the primary key becomes \(id, created_at\)/),
              ]),
            }),
          }),
          fix: undefined,
        },
      ],
    },
    {
      name: 'typed log by the classifier from the statistics alone',
      sql: EVENTS,
      ruleOptions: { ...SMALL, logMinInserts: 500 },
      expected: [
        {
          table: 'events',
          columns: ['created_at'],
          evidence: expect.objectContaining({
            tableType: expect.objectContaining({ type: 'log', evidence: expect.arrayContaining([expect.stringMatching(/append-mostly/)]) }),
          }),
        },
      ],
    },
    {
      name: 'large by bytes alone',
      sql: EVENTS,
      tableTypes: LOG,
      ruleOptions: { partitionMinBytes: 8192 },
      expected: [{ table: 'events', columns: ['created_at'] }],
    },
  ],
});

/** Runs the proposed statements on each engine: the table must end partitioned, with every row, still writable. */
for (const engine of ENGINES) {
  describe(`partition-candidate plan on ${engine.name}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await engine.create();
    });
    afterAll(async () => {
      await database?.close();
    });

    test('create, migrate and the first maintenance statement run as written', async () => {
      await database.exec(`CREATE SCHEMA plan; SET search_path TO plan; ${EVENTS}; RESET search_path`);
      const model = await introspectPostgres(database.db, { schemas: ['plan'] });
      const context = buildRuleContext({
        model,
        options: SMALL,
        tableTypes: model.tables.map((t) => ({ schema: t.schema, table: t.name, type: 'log' as const })),
      });
      const findings: readonly Finding[] = partitionCandidate.check(context);
      expect(findings).toHaveLength(1);
      const plan = findings[0]!.evidence['partitioning'] as { create: string[]; migrate: string[]; maintainMonthly: string[] };
      const before = await database.db.query('SELECT count(*)::int AS n, min(id)::int AS lo, max(id)::int AS hi FROM plan.events');
      for (const statement of [...plan.create, ...plan.migrate, plan.maintainMonthly[0]!]) await database.exec(statement);

      const kind = await database.db.query(`SELECT relkind FROM pg_class WHERE oid = 'plan.events'::regclass`);
      expect(kind.rows).toEqual([{ relkind: 'p' }]);
      const after = await database.db.query('SELECT count(*)::int AS n, min(id)::int AS lo, max(id)::int AS hi FROM plan.events');
      expect(after.rows).toEqual(before.rows);
      // Months August to November 2025 hold the rows; partitions reach three months past the current one.
      const partitions = await database.db.query(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'plan.events'::regclass ORDER BY 1`,
      );
      const names = (partitions.rows as { name: string }[]).map((r) => r.name);
      expect(names).toContain('events_y2025m08');
      expect(names).toContain('events_y2025m11');
      // The serial default still works, and the sequence now belongs to the partitioned table.
      await database.exec(`INSERT INTO plan.events (account_id, kind, created_at) VALUES (1, 'new', now())`);
      const inserted = await database.db.query(`SELECT max(id)::int AS id FROM plan.events`);
      expect((inserted.rows[0] as { id: number }).id).toBeGreaterThan((before.rows[0] as { hi: number }).hi);
      await database.exec('DROP TABLE plan.events_unpartitioned');
      const indexes = await database.db.query(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = 'plan' AND tablename = 'events' ORDER BY 1`,
      );
      expect(indexes.rows.map((r) => (r as { indexdef: string }).indexdef)).toEqual([
        expect.stringMatching(/ON ONLY plan\.events USING btree \(account_id\)$/),
        expect.stringMatching(/ON ONLY plan\.events USING btree \(created_at\)$/),
        expect.stringMatching(/UNIQUE INDEX events_partitioned_pkey ON ONLY plan\.events USING btree \(id, created_at\)$/),
      ]);
    });
  });
}
