/**
 * monitoring-not-ready reads settings the server decides, so the expectations are computed from
 * what the test's own connection shows, then changed per database (ALTER DATABASE … SET) to see
 * each item go away. Findings are database-wide: schema '', table = the database's name.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import type { Queryable } from '../../src/dialects/types.js';
import { monitoringNotReady } from '../../src/rules/monitoring-not-ready.js';
import { createPgliteDatabase, createServerDatabase, type TestDatabase } from '../helpers/databases.js';

const TARGET = { kind: 'postgres', name: 'monitoring' } as const;

async function subjects(db: Queryable, statsSince: string | null = null): Promise<string[]> {
  const result = await auditPostgres(db, TARGET, { rules: [monitoringNotReady], ruleOptions: { statsSince } });
  for (const f of result.findings) {
    expect(f).toMatchObject({ rule: 'monitoring-not-ready', severity: 'low', schema: '', table: result.model.database.name });
    expect(f.message.length).toBeGreaterThan(20);
    expect(f.help.length).toBeGreaterThan(10);
  }
  return result.findings.map((f) => f.subject!).sort();
}

async function show(db: Queryable, name: string): Promise<string> {
  const { rows } = await db.query(`SELECT current_setting('${name}') AS v`);
  return (rows[0] as { v: string }).v;
}

describe('on the server', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createServerDatabase();
    await database.exec('CREATE TABLE t (id int PRIMARY KEY)');
  });
  afterAll(async () => {
    await database?.close();
  });

  test('a fresh database: every missing item is one finding', async () => {
    const expected = ['pg_stat_statements', 'statistics'];
    if (!(await show(database.db, 'shared_preload_libraries')).includes('pg_stat_statements')) expected.push('shared_preload_libraries');
    if ((await show(database.db, 'log_min_duration_statement')) === '-1') expected.push('log_min_duration_statement');
    if ((await show(database.db, 'track_io_timing')) !== 'on') expected.push('track_io_timing');
    expect(await subjects(database.db)).toEqual(expected.sort());
  });

  test('no fix as data: installing an extension or changing settings is not part of an index migration', async () => {
    const result = await auditPostgres(database.db, TARGET, { rules: [monitoringNotReady] });
    for (const f of result.findings) expect(f.fix).toBeUndefined();
    expect(result.findings.find((f) => f.subject === 'pg_stat_statements')!.help).toMatch(/CREATE EXTENSION pg_stat_statements/);
  });

  test('slow-query logging, I/O timing and enough statistics clear their items', async () => {
    const name = (await database.db.query('SELECT current_database() AS n')).rows[0] as { n: string };
    await database.exec(`
      ALTER DATABASE "${name.n}" SET log_min_duration_statement = '1s';
      ALTER DATABASE "${name.n}" SET track_io_timing = on;
      CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
      INSERT INTO t SELECT generate_series(1, 1500);
      SELECT pg_stat_force_next_flush();`);
    // Per-database settings apply to new sessions.
    const client = new pg.Client({ connectionString: database.url! });
    await client.connect();
    try {
      const preloaded = (await show(client, 'shared_preload_libraries')).includes('pg_stat_statements');
      // The statistics of a database made seconds ago are dated by the server and too young: dated from a past day, they count.
      expect(await subjects(client)).toContain('statistics');
      expect(await subjects(client, '2020-01-01')).toEqual(preloaded ? [] : ['shared_preload_libraries']);
    } finally {
      await client.end();
    }
  });
});

describe('on PGlite', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createPgliteDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  test('the items PGlite lacks are reported, nothing crashes', async () => {
    const found = await subjects(database.db);
    expect(found).toContain('pg_stat_statements');
    expect(found).toContain('statistics');
  });

  test('a schema file has no server to monitor: nothing is reported about the scratch database', async () => {
    const result = await auditPostgres(database.db, { kind: 'sql-file', name: 'schema.sql' }, { rules: [monitoringNotReady] });
    expect(result.findings).toEqual([]);
    expect(result.summary.limitations.join(' ')).toMatch(/schema file has no usage statistics or server settings/);
  });
});
