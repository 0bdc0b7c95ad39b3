/**
 * The audit on every supported major version besides the local 15: 12, 13, 14, 16, 17 and 18 (a
 * real 18 server as well as PGlite's), each a throwaway server from `npm run pg-servers` (npm
 * test's pretest and .ci/run install them). A version that is not installed is skipped.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { introspectPostgres } from '../../src/dialects/postgres/introspect/index.js';
import type { Queryable } from '../../src/dialects/types.js';
import type { SchemaModel } from '../../src/model/types.js';
import { serverVersions, startServer, type ThrowawayServer } from '../helpers/pg-servers.js';
import { settledStatistics } from '../helpers/databases.js';

const SCHEMA = `
  CREATE SCHEMA app;
  CREATE TABLE app.users (id bigint PRIMARY KEY, email text NOT NULL, name text, created_at timestamptz, code text COLLATE "C");
  ALTER TABLE app.users ADD CONSTRAINT users_email_key UNIQUE (email);
  CREATE INDEX users_email_dup ON app.users (email);
  CREATE INDEX users_name ON app.users (name);
  CREATE INDEX users_name_created ON app.users (name, created_at) INCLUDE (email);
  CREATE INDEX users_name_desc ON app.users (name DESC NULLS LAST);
  CREATE INDEX users_lower_email ON app.users (lower(email));
  CREATE INDEX users_code ON app.users (code);
  CREATE INDEX users_code_pattern ON app.users (code text_pattern_ops);
  CREATE INDEX users_recent ON app.users (created_at) WHERE name IS NOT NULL AND code IS NULL;
  CREATE INDEX users_recent_again ON app.users (created_at) WHERE code IS NULL AND name IS NOT NULL;
  CREATE INDEX users_id_hash ON app.users USING hash (id);
  CREATE TABLE app.orders (id bigint PRIMARY KEY, user_id bigint REFERENCES app.users (id), status text, placed date NOT NULL);
  CREATE INDEX orders_status ON app.orders (status);
  CREATE INDEX orders_user_open ON app.orders (user_id) WHERE status = 'open';
  CREATE TABLE app.items (order_id bigint REFERENCES app.orders (id), n int, PRIMARY KEY (order_id, n));
  CREATE TABLE app.events (id bigint, at date NOT NULL, kind text) PARTITION BY RANGE (at);
  CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  CREATE INDEX events_kind ON app.events (kind);
  CREATE INDEX events_2024_kind_own ON app.events_2024 (kind);
  CREATE TABLE app.ranges (id int PRIMARY KEY, during int4range, EXCLUDE USING gist (during WITH &&));
  CREATE TABLE app.dup_values (x int);
  INSERT INTO app.dup_values VALUES (1), (1);
  CREATE SEQUENCE app.orders_user_id_idx;
`;

/** PostgreSQL 15 and later: a unique index that treats NULLs as equal. */
const NULLS_NOT_DISTINCT =
  'CREATE TABLE app.tags (id int PRIMARY KEY, label text, scope text); CREATE UNIQUE INDEX tags_label_scope ON app.tags (label, scope) NULLS NOT DISTINCT';

/** What the four foundation rules must find in SCHEMA, on every version. */
const EXPECTED = [
  'duplicate-index app.events_2024_kind_own < events_2024_kind_idx',
  'duplicate-index app.users_email_dup < users_email_key',
  'duplicate-index app.users_recent_again < users_recent',
  'invalid-index app.dup_values_x',
  'redundant-index app.users_name < users_name_created',
  'unindexed-foreign-key app.orders_user_id_fkey',
];
const FOUNDATION_RULES = new Set(['duplicate-index', 'redundant-index', 'unindexed-foreign-key', 'invalid-index']);

for (const version of serverVersions()) {
  describe(`PostgreSQL ${version.major} (throwaway server; npm run pg-servers installs it)`, () => {
    let server: ThrowawayServer;
    let client: pg.Client;
    let model: SchemaModel;

    beforeAll(async () => {
      if (version.binDir === null) throw new Error(`PostgreSQL ${version.major} is not installed: run npm run pg-servers`);
      server = await startServer(version.binDir);
      client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query(SCHEMA);
      if (version.major >= 15) await client.query(NULLS_NOT_DISTINCT);
      // A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind.
      await expect(client.query('CREATE UNIQUE INDEX CONCURRENTLY dup_values_x ON app.dup_values (x)')).rejects.toThrow(
        /could not create unique index/,
      );
      // The setup's own writes may still be on their way into the counters every read includes.
      await settledStatistics(client);
      model = await introspectPostgres(client, { schemas: ['app'] });
    }, 60_000);

    afterAll(async () => {
      await client?.end().catch(() => undefined);
      await server?.stop();
    });

    test('the server is the version it claims', () => {
      expect(Math.floor(model.database.serverVersionNum / 10000)).toBe(version.major);
    });

    test('every index definition is exactly what pg_get_indexdef prints', async () => {
      const { rows } = await client.query<{ name: string; definition: string }>(
        `SELECT c.relname AS name, pg_get_indexdef(c.oid) AS definition FROM pg_class c WHERE c.relnamespace = 'app'::regnamespace AND c.relkind IN ('i', 'I')`,
      );
      const actual = new Map(model.indexes.map((i) => [i.name, i.definition]));
      expect(actual.size).toBe(rows.length);
      for (const row of rows) expect({ name: row.name, definition: actual.get(row.name) }).toEqual(row);
    });

    test('one message of statements and one query at a time read the same model', async () => {
      const oneAtATime: Queryable = { query: (text, params) => client.query(text, params ?? []) };
      const single = await introspectPostgres(oneAtATime, { schemas: ['app'] });
      expect({ ...single, database: { ...single.database, readAt: '' } }).toEqual({
        ...model,
        database: { ...model.database, readAt: '' },
      });
    });

    test('partitions, attached partition indexes, other relations and NULLS NOT DISTINCT where the version has it', () => {
      expect(model.tables.find((t) => t.name === 'events_2024')).toMatchObject({
        kind: 'partition',
        parent: { schema: 'app', name: 'events' },
      });
      expect(model.indexes.find((i) => i.name === 'events_2024_kind_idx')?.parentIndex).toEqual({ schema: 'app', name: 'events_kind' });
      expect(model.indexes.find((i) => i.name === 'events_kind')).toMatchObject({ partitioned: true });
      expect(model.otherRelations?.map((r) => r.name)).toContain('orders_user_id_idx');
      // Before 15 no index can be NULLS NOT DISTINCT; from 15 on, exactly the one created so.
      expect(model.indexes.filter((i) => i.nullsNotDistinct).map((i) => i.name)).toEqual(version.major >= 15 ? ['tags_label_scope'] : []);
      expect(model.indexes.find((i) => i.name === 'dup_values_x')).toMatchObject({ valid: false });
    });

    test('the foundation rules find exactly what the schema holds', async () => {
      const result = await auditPostgres(client, { kind: 'postgres', name: `postgres-${version.major}` }, { schemas: ['app'] });
      const found = result.findings
        .filter((f) => FOUNDATION_RULES.has(f.rule))
        .map((f) => `${f.rule} ${f.schema}.${f.index ?? f.constraint}${f.coveredBy ? ` < ${f.coveredBy}` : ''}`)
        .sort();
      expect(found).toEqual(EXPECTED);
      // The proposed index avoids the sequence that already has its name.
      const fk = result.findings.find((f) => f.rule === 'unindexed-foreign-key');
      expect(fk?.fix?.up[0]).toMatch(/CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx1 ON app\.orders \(user_id\)/);
    });

    test(`generic plans of the workload's queries (${version.major >= 16 ? 'EXPLAIN (GENERIC_PLAN)' : 'PREPARE with a forced generic plan'})`, async () => {
      const result = await auditPostgres(
        client,
        { kind: 'postgres', name: `postgres-${version.major}` },
        {
          schemas: ['app'],
          workloadSources: { statStatements: false, queryText: 'SELECT * FROM app.orders WHERE status = $1 ORDER BY placed;' },
        },
      );
      const plans = result.plans?.plans ?? [];
      expect(plans).toHaveLength(1);
      expect(plans[0]).toMatchObject({ status: 'planned', method: version.major >= 16 ? 'generic-plan' : 'prepared-generic' });
    });

    test(`pg_stat_statements (${version.major >= 13 ? 'total_exec_time' : 'total_time, before 13'}) gives the workload its calls`, async () => {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      for (let i = 0; i < 3; i++) await client.query('SELECT id FROM app.orders WHERE user_id = $1', [i]);
      const result = await auditPostgres(
        client,
        { kind: 'postgres', name: `postgres-${version.major}` },
        { schemas: ['app'], workloadSources: {}, planner: false },
      );
      expect(result.workload?.sources).toContain('pg_stat_statements');
      const lookup = result.workload?.queries.find((q) => q.text.startsWith('SELECT id FROM app.orders WHERE user_id'));
      expect(lookup?.calls).toBeGreaterThanOrEqual(3);
      expect(lookup?.totalMs).toBeGreaterThanOrEqual(0);
    });

    test('a role with only pg_monitor audits the same indexes', async () => {
      await client.query('CREATE ROLE dbdoctor_monitor LOGIN; GRANT pg_monitor TO dbdoctor_monitor');
      const url = new URL(server.url);
      url.username = 'dbdoctor_monitor';
      const monitor = new pg.Client({ connectionString: url.toString() });
      await monitor.connect();
      try {
        const seen = await introspectPostgres(monitor, { schemas: ['app'] });
        expect(seen.indexes.map((i) => i.definition)).toEqual(model.indexes.map((i) => i.definition));
        expect(seen.limitations).toEqual([]);
      } finally {
        await monitor.end();
      }
    });
  });
}
