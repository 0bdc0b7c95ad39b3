import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { introspectPostgres, withReadOnlyTransaction } from '../../../src/dialects/postgres/introspect/index.js';
import { inlineParameters } from '../../../src/dialects/postgres/introspect/session.js';
import { featuresFor, indexUsageQuery, indexesQuery } from '../../../src/dialects/postgres/introspect/queries.js';
import type { Queryable } from '../../../src/dialects/types.js';
import type { Index, SchemaModel } from '../../../src/model/types.js';
import { ENGINES, createServerDatabase, settledStatistics, type TestDatabase } from '../../helpers/databases.js';

const SCHEMA = `
  CREATE SCHEMA shop;
  CREATE TABLE shop.users (id bigint PRIMARY KEY, email text COLLATE "C" NOT NULL, name text, deleted_at timestamptz);
  CREATE UNIQUE INDEX users_email_lower ON shop.users (lower(email)) WHERE deleted_at IS NULL;
  CREATE INDEX users_name_desc ON shop.users (name DESC NULLS LAST, id) INCLUDE (email) WITH (fillfactor = 70);
  CREATE INDEX users_name_pattern ON shop.users (name text_pattern_ops);
  ALTER TABLE shop.users ADD CONSTRAINT users_email_key UNIQUE (email) DEFERRABLE INITIALLY DEFERRED;
  CREATE TABLE shop.orders (id bigint, user_id bigint, placed date NOT NULL, PRIMARY KEY (id, placed)) PARTITION BY RANGE (placed);
  CREATE TABLE shop.orders_2024 PARTITION OF shop.orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  CREATE INDEX orders_user ON shop.orders (user_id);
  ALTER TABLE shop.orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES shop.users (id) ON DELETE CASCADE;
  CREATE TABLE shop.codes (code text NOT NULL);
  CREATE UNIQUE INDEX codes_code ON shop.codes (code);
  ALTER TABLE shop.codes REPLICA IDENTITY USING INDEX codes_code;
  COMMENT ON INDEX shop.codes_code IS 'natural key';
  CREATE MATERIALIZED VIEW shop.user_names AS SELECT id, name FROM shop.users;
  CREATE INDEX user_names_name ON shop.user_names (name);
`;

function index(model: SchemaModel, name: string): Index {
  const found = model.indexes.find((i) => i.name === name);
  if (!found) throw new Error(`index ${name} not in model: ${model.indexes.map((i) => i.name).join(', ')}`);
  return found;
}

for (const engine of ENGINES) {
  describe(`introspection on ${engine.name}`, () => {
    let database: TestDatabase;
    let model: SchemaModel;
    beforeAll(async () => {
      database = await engine.create();
      await database.exec(SCHEMA);
      await database.exec('CREATE TEMP TABLE scratch (id int PRIMARY KEY)');
      model = await introspectPostgres(database.db);
    });
    afterAll(async () => database.close());

    test('tables, partitions and their parents', () => {
      const names = model.tables.map((t) => `${t.schema}.${t.name}:${t.kind}`);
      expect(names).toEqual([
        'shop.codes:table',
        'shop.orders:partitioned',
        'shop.orders_2024:partition',
        'shop.user_names:materialized-view',
        'shop.users:table',
      ]);
      expect(index(model, 'user_names_name').table).toBe('user_names');
      expect(model.tables.find((t) => t.name === 'orders_2024')?.parent).toEqual({ schema: 'shop', name: 'orders' });
      expect(model.schemas).toContain('shop');
    });

    test('expression key, unique, predicate', () => {
      const i = index(model, 'users_email_lower');
      expect(i.unique).toBe(true);
      expect(i.keys).toHaveLength(1);
      expect(i.keys[0]).toMatchObject({ kind: 'expression', column: null, expression: 'lower(email)', referencedColumns: ['email'] });
      expect(i.predicate).toBe('deleted_at IS NULL');
    });

    test('ordering, INCLUDE, storage parameters, opclass', () => {
      const i = index(model, 'users_name_desc');
      expect(i.keys.map((k) => [k.column, k.ordering])).toEqual([
        ['name', { descending: true, nullsFirst: false }],
        ['id', { descending: false, nullsFirst: false }],
      ]);
      expect(i.include).toEqual(['email']);
      expect(i.storageParameters).toEqual(['fillfactor=70']);
      const p = index(model, 'users_name_pattern');
      expect(p.keys[0]).toMatchObject({
        opclass: 'pg_catalog.text_pattern_ops',
        opclassIsDefault: false,
        opfamily: 'pg_catalog.text_pattern_ops',
      });
      expect(i.keys[0]).toMatchObject({ opclass: 'pg_catalog.text_ops', opclassIsDefault: true });
    });

    test('collation of a column key', () => {
      const i = index(model, 'users_email_key');
      expect(i.keys[0]?.collation).toBe('pg_catalog."C"');
      expect(i.keys[0]?.collationIsDefault).toBe(true);
      expect(model.tables.find((t) => t.name === 'users')?.columns.find((c) => c.name === 'email')?.collation).toBe('pg_catalog."C"');
    });

    test('constraints: deferrable unique, primary key', () => {
      expect(index(model, 'users_email_key').constraint).toMatchObject({ name: 'users_email_key', type: 'unique', immediate: false });
      expect(index(model, 'users_pkey')).toMatchObject({ primary: true, unique: true, constraint: { type: 'primary', immediate: true } });
      expect(index(model, 'users_pkey').referencedByForeignKeys).toEqual([{ schema: 'shop', name: 'orders_user_fk' }]);
    });

    test('partitioned index and the partition index attached to it', () => {
      expect(index(model, 'orders_user')).toMatchObject({ partitioned: true, parentIndex: null });
      const child = model.indexes.find((i) => i.table === 'orders_2024' && i.keys[0]?.column === 'user_id');
      expect(child).toMatchObject({ partitioned: false, parentIndex: { schema: 'shop', name: 'orders_user' } });
    });

    test('replica identity and comment', () => {
      expect(index(model, 'codes_code')).toMatchObject({ replicaIdentity: true, comment: 'natural key' });
      expect(model.tables.find((t) => t.name === 'codes')?.replicaIdentityIndex).toBe('codes_code');
    });

    test('foreign keys: columns, opfamilies, actions; the parent constraint only', () => {
      expect(model.foreignKeys).toHaveLength(1);
      const fk = model.foreignKeys[0]!;
      expect(fk).toMatchObject({
        name: 'orders_user_fk',
        table: 'orders',
        referencedTable: { schema: 'shop', name: 'users' },
        onDelete: 'CASCADE',
      });
      expect(fk.columns.map((c) => [c.column, c.referencedColumn])).toEqual([['user_id', 'id']]);
      expect(fk.columns[0]?.equalityOpfamilies).toContain('pg_catalog.integer_ops');
    });

    test('column statistics from pg_stats, type categories, settings and extensions', async () => {
      await database.exec(`
        CREATE TYPE shop.mood AS ENUM ('sad', 'ok', 'happy');
        CREATE DOMAIN shop.flag AS boolean;
        CREATE TABLE shop.stats_probe (id int PRIMARY KEY, active shop.flag, mood shop.mood, ref uuid, doc jsonb, tags text[], at timestamptz);
        INSERT INTO shop.stats_probe SELECT g, g % 10 = 0, (ARRAY['sad','ok','happy'])[1 + g % 3]::shop.mood, NULL, '{}', ARRAY['a'], now()
        FROM generate_series(1, 2000) g;
        ANALYZE shop.stats_probe;`);
      const fresh = await introspectPostgres(database.db, { schemas: ['shop'] });
      const table = fresh.tables.find((t) => t.name === 'stats_probe');
      const column = (name: string) => table?.columns.find((c) => c.name === name);
      expect(column('active')?.typeCategory).toBe('boolean');
      expect(column('mood')?.typeCategory).toBe('enum');
      expect(column('ref')?.typeCategory).toBe('uuid');
      expect(column('doc')?.typeCategory).toBe('json');
      expect(column('tags')?.typeCategory).toBe('array');
      expect(column('at')?.typeCategory).toBe('datetime');
      expect(column('id')?.statistics?.distinctValues).toBe(2000);
      expect(column('active')?.statistics?.distinctValues).toBe(2);
      expect(column('active')?.statistics?.mostCommonFrequencies[0]).toBeCloseTo(0.9, 2);
      expect(column('active')?.statistics?.mostCommonValues[0]).toBe('f');
      expect(column('mood')?.statistics?.distinctValues).toBe(3);
      expect(column('ref')?.statistics?.nullFraction).toBe(1);
      expect(fresh.database.settings.track_counts).toBe('on');
      expect(fresh.database.settings.log_min_duration_statement).toMatch(/^-?\d+$/);
      expect(fresh.database.extensions.some((e) => e.name === 'plpgsql')).toBe(true);
      expect(fresh.database.inRecovery).toBe(false);
    });

    test('foreign keys: multi-column, collations, and a referenced table outside the schemas read', async () => {
      await database.exec(`
        CREATE SCHEMA ref;
        CREATE TABLE ref.accounts (region text, "Account No" int, dropped int, PRIMARY KEY (region, "Account No"));
        ALTER TABLE ref.accounts DROP COLUMN dropped;
        CREATE TABLE shop.ledger (id int PRIMARY KEY, acct int, reg text COLLATE "C", amount numeric, day date,
          CONSTRAINT ledger_account_fk FOREIGN KEY (reg, acct) REFERENCES ref.accounts (region, "Account No"));
        ALTER TABLE shop.ledger ADD CONSTRAINT ledger_self_fk FOREIGN KEY (acct) REFERENCES shop.ledger (id) NOT VALID;`);
      const scoped = await introspectPostgres(database.db, { schemas: ['shop'] });
      const fk = scoped.foreignKeys.find((f) => f.name === 'ledger_account_fk')!;
      expect(fk.referencedTable).toEqual({ schema: 'ref', name: 'accounts' });
      expect(fk.columns.map((c) => [c.column, c.referencedColumn, c.collation])).toEqual([
        ['reg', 'region', 'pg_catalog."C"'],
        ['acct', 'Account No', null],
      ]);
      expect(fk.columns[0]?.equalityOpfamilies).toContain('pg_catalog.text_ops');
      expect(fk.columns[1]?.equalityOpfamilies).toContain('pg_catalog.integer_ops');
      const self = scoped.foreignKeys.find((f) => f.name === 'ledger_self_fk')!;
      expect(self).toMatchObject({ validated: false, columns: [{ column: 'acct', referencedColumn: 'id' }] });
      const all = await introspectPostgres(database.db);
      expect(all.foreignKeys.find((f) => f.name === 'ledger_account_fk')?.columns).toEqual(fk.columns);
    });

    test('names taken by other relations: sequences, views, types, foreign tables, extension-owned tables and their indexes', async () => {
      await database.exec(`
        CREATE SCHEMA names;
        CREATE TABLE names.plain (id serial PRIMARY KEY);
        CREATE VIEW names.a_view AS SELECT 1 AS one;
        CREATE TYPE names.a_type AS (a int);
        CREATE TABLE names.owned (id int PRIMARY KEY);
        ALTER EXTENSION plpgsql ADD TABLE names.owned;`);
      try {
        const read = await introspectPostgres(database.db, { schemas: ['names'] });
        expect(read.tables.map((t) => t.name)).toEqual(['plain']);
        expect(read.indexes.map((i) => i.name)).toEqual(['plain_pkey']);
        expect([...(read.otherRelations ?? [])].map((r) => `${r.schema}.${r.name}`).sort()).toEqual([
          'names.a_type',
          'names.a_view',
          'names.owned',
          'names.owned_pkey',
          'names.plain_id_seq',
        ]);
      } finally {
        await database.exec('ALTER EXTENSION plpgsql DROP TABLE names.owned; DROP SCHEMA names CASCADE');
      }
    });

    test('temporary tables are left out', () => {
      expect(model.tables.some((t) => t.name === 'scratch')).toBe(false);
    });

    test('schema filter', async () => {
      const none = await introspectPostgres(database.db, { schemas: ['public'] });
      expect(none.tables).toEqual([]);
    });
  });
}

describe('session safety on the server', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createServerDatabase();
    await database.exec(SCHEMA);
  });
  afterAll(async () => database.close());

  test('runs in a READ ONLY transaction with statement and lock timeouts', async () => {
    const statements: string[] = [];
    const spy: Queryable = {
      query: async (text, params) => {
        statements.push(text.trim());
        return database.db.query(text, params);
      },
    };
    await introspectPostgres(spy);
    expect(statements[0]).toMatch(/^BEGIN .*READ ONLY/);
    expect(statements[1]).toMatch(/statement_timeout[\s\S]*lock_timeout/);
    expect(statements.at(-1)).toBe('ROLLBACK');
    expect(statements.some((s) => /^(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|LOCK)\b/i.test(s))).toBe(false);
  });

  test('one message of statements (node-postgres) and one query at a time (any other connection) read the same model', async () => {
    const client = database.db as pg.Client;
    const oneAtATime: Queryable = { query: (text, params) => client.query(text, params) };
    // The setup's own writes may still be on their way into the counters both reads include.
    await settledStatistics(client);
    for (const schemas of [[], ['shop'], ["it's \\ odd"]]) {
      const batched = await introspectPostgres(client, { schemas });
      const single = await introspectPostgres(oneAtATime, { schemas });
      expect({ ...batched, database: { ...batched.database, readAt: '' } }).toEqual({
        ...single,
        database: { ...single.database, readAt: '' },
      });
    }
  });

  test('the index and usage queries for older servers (12 to 14: no NULLS NOT DISTINCT, no last_idx_scan) run and read the same indexes', async () => {
    const current = (await database.db.query(indexesQuery(featuresFor(150000)), [null])).rows as { name: string }[];
    for (const version of [120000, 130000, 140000]) {
      const older = (await database.db.query(indexesQuery(featuresFor(version)), [null])).rows as {
        name: string;
        nulls_not_distinct: boolean;
      }[];
      expect(older.map((r) => r.name)).toEqual(current.map((r) => r.name));
      expect(older.every((r) => r.nulls_not_distinct === false)).toBe(true);
      const usage = (await database.db.query(indexUsageQuery(featuresFor(version)), [null])).rows as { last_idx_scan: string | null }[];
      expect(usage.every((r) => r.last_idx_scan === null)).toBe(true);
    }
  });

  test('parameters are written in as literals that mean the same', () => {
    expect(inlineParameters('SELECT $1::text[], $2, $10', [["a'b", 'c\\d'], null])).toBe(
      `SELECT ARRAY['a''b', E'c\\\\d']::text[], NULL, $10`,
    );
    expect(inlineParameters('SELECT $1::oid[]', [[]])).toBe('SELECT ARRAY[]::oid[]');
    expect(() => inlineParameters('SELECT $2', [1])).toThrow(/\$2/);
    expect(() => inlineParameters('SELECT $1', [{}])).toThrow(/literal/);
  });

  test('the limits hold inside the audit transaction and end with it', async () => {
    const inside = await withReadOnlyTransaction(
      database.db,
      async (tx) =>
        (
          await tx.query(
            `SELECT current_setting('transaction_read_only') AS read_only, current_setting('transaction_isolation') AS isolation,
                    current_setting('statement_timeout') AS statement_timeout, current_setting('lock_timeout') AS lock_timeout,
                    current_setting('jit') AS jit`,
          )
        ).rows[0],
      { statementTimeoutMs: 12_000, lockTimeoutMs: 345 },
    );
    expect(inside).toEqual({ read_only: 'on', isolation: 'repeatable read', statement_timeout: '12s', lock_timeout: '345ms', jit: 'off' });
    const after = (await database.db.query(`SELECT current_setting('statement_timeout') AS s, current_setting('lock_timeout') AS l`))
      .rows[0];
    expect(after).toEqual({ s: '0', l: '0' });
  });

  test('takes no lock a writer waits for: a concurrent insert is not blocked', async () => {
    const writer = new pg.Client({ connectionString: database.url! });
    await writer.connect();
    try {
      const [, insert] = await Promise.all([
        introspectPostgres(database.db),
        (async () => {
          const start = Date.now();
          await writer.query('SET lock_timeout = 2000');
          await writer.query("INSERT INTO shop.users VALUES (1, 'a@example.com', 'a', NULL)");
          return Date.now() - start;
        })(),
      ]);
      expect(insert).toBeLessThan(2000);
    } finally {
      await writer.end();
    }
  });

  test('behind DDL that holds a table lock, the audit finishes without waiting: that table unsized, and the limitation names it', async () => {
    const ddl = new pg.Client({ connectionString: database.url! });
    await ddl.connect();
    try {
      await ddl.query('BEGIN');
      await ddl.query('LOCK TABLE shop.codes IN ACCESS EXCLUSIVE MODE');
      // A lock timeout far below the test's: measuring the locked table would fail the audit.
      const locked = await introspectPostgres(database.db, { session: { statementTimeoutMs: 30_000, lockTimeoutMs: 200 } });
      expect(locked.tables.find((t) => t.schema === 'shop' && t.name === 'codes')!.sizeBytes).toBeNull();
      expect(locked.limitations.find((l) => l.startsWith('sizes unknown for '))).toMatch(/^sizes unknown for shop\.codes: another session/);
      await ddl.query('ROLLBACK');
      const model = await introspectPostgres(database.db);
      expect(model.tables.find((t) => t.schema === 'shop' && t.name === 'codes')!.sizeBytes).toEqual(expect.any(Number));
    } finally {
      await ddl.end();
    }
  });

  test('works for a role with only pg_monitor, and says what a lesser role could not see', async () => {
    const role = `dbdoctor_monitor_${process.pid}`;
    await database.exec(`DROP ROLE IF EXISTS ${role}; CREATE ROLE ${role} LOGIN; GRANT pg_monitor TO ${role}`);
    const url = new URL(database.url!);
    url.username = role;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const model = await introspectPostgres(client);
      expect(model.indexes.length).toBeGreaterThan(3);
      expect(model.limitations).toEqual([]);
      // Take the statistics views away from everyone in this database.
      // pg_stats is read first and table usage between the two: a refusal must not cost the one in between.
      await database.exec(`REVOKE ALL ON pg_catalog.pg_stat_user_indexes, pg_catalog.pg_stats FROM PUBLIC; REVOKE pg_monitor FROM ${role}`);
      const limited = await introspectPostgres(client);
      expect(limited.indexes.length).toBe(model.indexes.length);
      expect(limited.indexes.map((i) => i.definition)).toEqual(model.indexes.map((i) => i.definition));
      expect(limited.indexes.every((i) => i.usage === null)).toBe(true);
      expect(limited.limitations.join(' ')).toMatch(/pg_stat_user_indexes/);
      expect(limited.limitations.join(' ')).toMatch(/pg_stats/);
      expect(limited.tables.every((t) => t.usage !== null)).toBe(true);
      expect(limited.foreignKeys).toEqual(model.foreignKeys);
      expect(limited.capabilities.usageStatistics).toBe(false);
    } finally {
      await client.end();
      await database.exec(
        `GRANT SELECT ON pg_catalog.pg_stat_user_indexes, pg_catalog.pg_stats TO PUBLIC; DROP OWNED BY ${role}; DROP ROLE ${role}`,
      );
    }
  });
});
