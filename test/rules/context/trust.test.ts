/**
 * The three situations where statistics lie by omission, each on its own fresh database of the
 * real server (stats_reset is per database): a brand-new database, a statistics reset, and a
 * role that cannot read the statistics views. Each must give an honest, downgraded result.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../../src/audit/run.js';
import { monitoringNotReady } from '../../../src/rules/monitoring-not-ready.js';
import { buildRuleContext } from '../../../src/rules/context/build.js';
import { unusedIndex } from '../../../src/rules/unused-index.js';
import { statisticsTrust } from '../../../src/rules/context/trust.js';
import { DEFAULT_RULE_OPTIONS } from '../../../src/rules/types.js';
import { runCommand } from '../../helpers/cli.js';
import { createPgliteDatabase, createServerDatabase, type TestDatabase } from '../../helpers/databases.js';

const TARGET = { kind: 'postgres', name: 'trust' } as const;
const RULES = [unusedIndex, monitoringNotReady];

const TABLES = `
CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL);
CREATE INDEX orders_status_idx ON orders (status);
CREATE TABLE webhook_logs (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());`;

const BUSY = `INSERT INTO orders SELECT g, 'open' FROM generate_series(1, 1500) g;`;

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

async function flush(db: TestDatabase): Promise<void> {
  await db.db.query('SELECT pg_stat_force_next_flush()');
}

describe('a brand-new database with almost no activity', () => {
  for (const create of [createServerDatabase, createPgliteDatabase]) {
    test(`untrusted, unused indexes only low hints (${create === createServerDatabase ? 'server' : 'PGlite'})`, async () => {
      database = await create();
      await database.exec(`${TABLES} INSERT INTO orders VALUES (1, 'open');`);
      await flush(database);
      const result = await auditPostgres(database.db, TARGET, { rules: RULES });
      expect(result.summary.statistics).toMatchObject({ trustworthy: false });
      expect(result.summary.statistics.activity).toBeLessThan(DEFAULT_RULE_OPTIONS.minStatsActivity);
      expect(result.summary.statistics.notes.join(' ')).toMatch(/Almost no activity is recorded .*brand-new/);
      const unused = result.findings.filter((f) => f.rule === 'unused-index');
      expect(unused.map((f) => [f.index, f.severity])).toEqual([['orders_status_idx', 'low']]);
      expect(unused[0]!.message).toMatch(/not conclusive yet/);
      expect(result.findings.some((f) => f.rule === 'monitoring-not-ready' && f.subject === 'statistics')).toBe(true);
      // No confident table types either: too little traffic, so names and shapes only.
      expect(result.tables.find((t) => t.table === 'webhook_logs')).toMatchObject({ type: 'log', confidence: 'low', source: 'shape' });
      expect(result.tables.find((t) => t.table === 'orders')).toMatchObject({ type: 'unknown' });
    });
  }
});

describe('statistics never reset', () => {
  test('a database made minutes ago is recognised as such from its creation time, and its usage changes no index', async () => {
    database = await createServerDatabase();
    await database.exec(`${TABLES} ${BUSY}`);
    await flush(database);
    const result = await auditPostgres(database.db, TARGET, { rules: RULES });
    const stats = result.summary.statistics;
    expect(stats).toMatchObject({ resetAt: null, trustworthy: false, since: { source: 'server' } });
    expect(stats.ageDays).toBe(0);
    expect(stats.notes.join(' ')).toMatch(/The database was created less than an hour ago: a fresh copy or a schema just loaded/);
    const unused = result.findings.find((f) => f.index === 'orders_status_idx')!;
    expect(unused.severity).toBe('low');
    expect(unused.fix).toBeUndefined();
  });

  test('a role that cannot read the creation time: nothing dates the statistics, so nothing is dropped, and the report says how to date them', async () => {
    database = await createServerDatabase();
    await database.exec(`${TABLES} ${BUSY}`);
    await flush(database);
    const role = `monitor_${Date.now()}`;
    await database.db.query(`CREATE ROLE ${role} LOGIN IN ROLE pg_monitor`);
    const url = new URL(database.url!);
    url.username = role;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const result = await auditPostgres(client, TARGET, { rules: RULES });
      expect(result.summary.statistics).toMatchObject({ resetAt: null, ageDays: null, since: null, trustworthy: false });
      expect(result.summary.statistics.notes.join(' ')).toMatch(/never reset and nothing dates them.*--stats-since DATE/);
      expect(result.findings.find((f) => f.index === 'orders_status_idx')?.fix).toBeUndefined();
      const dated = await auditPostgres(client, TARGET, { rules: RULES, ruleOptions: { statsSince: '2020-01-01' } });
      expect(dated.summary.statistics.trustworthy).toBe(true);
      expect(dated.findings.find((f) => f.index === 'orders_status_idx')?.fix?.up).toEqual([
        expect.stringMatching(/^DROP INDEX CONCURRENTLY IF EXISTS \S+\.orders_status_idx$/),
      ]);
    } finally {
      await client.end();
      await database.db.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`).catch(() => undefined);
    }
  });
});

describe('a statistics reset', () => {
  test('the reset time and age are reported, and young statistics downgrade unused indexes', async () => {
    database = await createServerDatabase();
    await database.exec(`${TABLES} ${BUSY}`);
    await flush(database);
    // Never reset, and dated by the user: trusted on its activity.
    const before = await auditPostgres(database.db, TARGET, { rules: RULES, ruleOptions: { statsSince: '2020-01-01' } });
    expect(before.summary.statistics).toMatchObject({ resetAt: null, since: { at: '2020-01-01', source: 'user' }, trustworthy: true });
    expect(before.findings.find((f) => f.index === 'orders_status_idx')?.severity).toBe('medium');

    await database.db.query('SELECT pg_stat_reset()');
    await database.exec("UPDATE orders SET status = 'paid'; UPDATE orders SET status = 'open';");
    await flush(database);
    const after = await auditPostgres(database.db, TARGET, { rules: RULES });
    const stats = after.summary.statistics;
    expect(stats.resetAt).not.toBeNull();
    expect(stats.ageDays).toBe(0);
    expect(stats.trustworthy).toBe(false);
    expect(stats.notes.join(' ')).toMatch(/Statistics were reset less than an hour ago .*less than the 7 days/);
    const finding = after.findings.find((f) => f.index === 'orders_status_idx')!;
    expect(finding.severity).toBe('low');
    expect(finding.message).toMatch(/since the statistics reset at .*Statistics were reset less than an hour ago/);
    expect(finding.evidence.statistics).toMatchObject({ ageDays: 0, trustworthy: false });
    expect(finding.fix).toBeUndefined();

    // With the minimum age lowered (a config's minStatsAgeDays), the same statistics are enough.
    const lenient = await auditPostgres(database.db, TARGET, { rules: RULES, ruleOptions: { minStatsAgeDays: 0 } });
    expect(lenient.summary.statistics.trustworthy).toBe(true);
    expect(lenient.findings.find((f) => f.index === 'orders_status_idx')?.severity).toBe('medium');
  });
});

describe('a role that cannot read the statistics views', () => {
  test('structural results only, and the report says what it could not see', async () => {
    database = await createServerDatabase();
    await database.exec(`${TABLES} ${BUSY}`);
    const role = `dbdoctor_nostats_${process.pid}_${Date.now()}`;
    // The pg_catalog views are per database: revoking here leaves every other database alone.
    await database.exec(`
      REVOKE SELECT ON pg_catalog.pg_stat_user_tables, pg_catalog.pg_stat_user_indexes, pg_catalog.pg_stats FROM PUBLIC;
      CREATE ROLE ${role} LOGIN;`);
    const url = new URL(database.url!);
    url.username = role;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const result = await auditPostgres(client, TARGET, { rules: RULES });
      expect(result.model.capabilities.usageStatistics).toBe(false);
      expect(result.summary.limitations.join(' ')).toMatch(/pg_stat_user_tables\) could not be read/);
      expect(result.summary.statistics.trustworthy).toBe(false);
      expect(result.summary.statistics.notes.join(' ')).toMatch(/Usage statistics could not be read .*grant pg_monitor/);
      expect(result.findings.filter((f) => f.rule === 'unused-index')).toEqual([]);
      expect(result.findings.find((f) => f.subject === 'statistics')?.message).toMatch(/could not be read/);
      expect(result.tables.find((t) => t.table === 'webhook_logs')).toMatchObject({ type: 'log', confidence: 'low', source: 'shape' });
      expect(result.tables.find((t) => t.table === 'orders')!.evidence[0]).toMatch(/usage statistics could not be read/);
    } finally {
      await client.end();
      await database.close();
      database = undefined;
      const admin = await createServerDatabase();
      await admin.exec(`DROP ROLE IF EXISTS ${role}`);
      await admin.close();
    }
  });
});

describe('track_counts off', () => {
  test('no usage statistics are trusted', async () => {
    database = await createServerDatabase();
    await database.exec(`${TABLES} ${BUSY}`);
    await flush(database);
    const { model } = await auditPostgres(database.db, TARGET, { rules: [] });
    const off = { ...model, database: { ...model.database, settings: { ...model.database.settings, track_counts: 'off' } } };
    const trust = statisticsTrust(off, DEFAULT_RULE_OPTIONS);
    expect(trust.trustworthy).toBe(false);
    expect(trust.notes.join(' ')).toMatch(/track_counts is off/);
    expect(unusedIndex.check(buildRuleContext({ model: off }))).toEqual([]);
  });
});

describe('a schema file', () => {
  test('has no statistics to date or trust: no age, no advice about grants or young statistics, one limitation', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dbdoctor-trust-'));
    const file = join(dir, 'schema.sql');
    await writeFile(file, TABLES);
    const json = await runCommand(['audit', file, '--format', 'json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { summary: { statistics: { ageDays: number | null; notes: string[] } } };
    expect(report.summary.statistics).toMatchObject({ ageDays: null, notes: [] });
    const text = await runCommand(['audit', file]);
    expect(text.stdout).not.toMatch(/Stats\s+cover|grant pg_monitor|less than an hour|could not be read/);
    // Nor the scratch database's settings taken for the application's: nothing to turn on.
    expect(text.stdout).not.toMatch(/log_min_duration_statement = -1|track_io_timing = off|Turn on/);
    expect(text.stdout).toMatch(/a schema file has no usage statistics or server settings/);
  });
});
