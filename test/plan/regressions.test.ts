/**
 * The cases that made a fix plan unsafe, each on the local PostgreSQL server through `dbdoctor fix`
 * and psql, as a user runs them:
 * - a schema loaded minutes before the audit: its statistics date from its creation, so no index is
 *   dropped for being unused; a redundant index whose cover is itself unused on a log table: the
 *   cover stays, and the foreign key keeps its index;
 * - an INVALID unique index: dropped, and down.sql still runs to its end under ON_ERROR_STOP;
 * - composites replaced by their used prefix keep the operator class and collation the queries need.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { runFixCommand } from '../../src/cli/fix-command.js';
import type { MigrationPlan } from '../../src/plan/types.js';
import { readMigration } from '../../src/writers/plan-file.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';
import { catalogSnapshot, sink } from './support.js';

const run = promisify(execFile);

let database: TestDatabase;
let work: string;

beforeAll(async () => {
  database = await createServerDatabase();
  work = await mkdtemp(join(tmpdir(), 'dbdoctor-regressions-'));
});
afterAll(async () => {
  await database?.close();
});

async function fix(schema: string, extra: Record<string, unknown> = {}): Promise<{ dir: string; plan: MigrationPlan; out: string }> {
  const dir = await mkdtemp(join(work, `${schema}-`));
  const out = sink();
  const code = await runFixCommand(database.url!, { output: dir, schema: [schema], ...extra }, { stdout: out, env: {} });
  expect(code, out.text()).toBe(0);
  return { dir, plan: await readMigration(dir), out: out.text() };
}

async function psql(file: string): Promise<void> {
  await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file, database.url!]);
}

async function findings(schema: string): Promise<{ rule: string; index?: string; constraint?: string }[]> {
  const result = await auditPostgres(database.db, { kind: 'postgres', name: 'test' }, { schemas: [schema] });
  return result.findings.map((f) => ({
    rule: f.rule,
    ...(f.index ? { index: f.index } : {}),
    ...(f.constraint ? { constraint: f.constraint } : {}),
  }));
}

const LOG_SCHEMA = (schema: string): string => `
CREATE SCHEMA ${schema};
CREATE TABLE ${schema}.users (id bigint PRIMARY KEY);
CREATE TABLE ${schema}.events_log (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES ${schema}.users, kind text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX index_events_log_on_user_id ON ${schema}.events_log (user_id);
CREATE INDEX index_events_log_on_user_id_and_created_at ON ${schema}.events_log (user_id, created_at);
CREATE INDEX index_events_log_on_kind ON ${schema}.events_log (kind);
INSERT INTO ${schema}.users SELECT generate_series(1, 50);
INSERT INTO ${schema}.events_log (user_id, kind) SELECT 1 + g % 50, 'k' || g % 7 FROM generate_series(1, 3000) g;
ANALYZE ${schema}.users, ${schema}.events_log;
SELECT pg_stat_force_next_flush();`;

describe('a schema loaded minutes ago', () => {
  test('no index is dropped for being unused: the statistics date from the database creation, and the report says so', async () => {
    await database.exec(LOG_SCHEMA('fresh'));
    const { plan, dir } = await fix('fresh');
    // Only the structural verdict (a left-prefix redundant index) becomes a step; usage verdicts stay advice.
    expect(plan.steps.map((s) => [s.id, s.findings.map((f) => f.rule)])).toEqual([
      ['drop:fresh.index_events_log_on_user_id', ['redundant-index']],
    ]);
    expect(plan.skipped.map((s) => s.finding.rule)).toContain('unused-index');
    const audit = await auditPostgres(database.db, { kind: 'postgres', name: 'test' }, { schemas: ['fresh'] });
    expect(audit.summary.statistics).toMatchObject({ trustworthy: false, since: { source: 'server' } });
    await psql(join(dir, 'up.sql'));
    expect((await findings('fresh')).filter((f) => f.rule === 'unindexed-foreign-key')).toEqual([]);
  });

  test('dated by the user, usage verdicts act, yet the cover of a dropped redundant index stays and the foreign key keeps its index', async () => {
    await database.exec(LOG_SCHEMA('dated'));
    const before = await catalogSnapshot(database.db, ['dated']);
    const { plan, dir } = await fix('dated', { statsSince: '2020-01-01' });
    const touched = plan.steps.map((s) => s.action.index.name);
    expect(new Set(touched).size).toBe(touched.length);
    expect(touched).toContain('index_events_log_on_user_id');
    expect(touched).toContain('index_events_log_on_kind');
    expect(touched).not.toContain('index_events_log_on_user_id_and_created_at');
    const refusedCover = plan.refused.find((r) => r.summary === 'drop index dated.index_events_log_on_user_id_and_created_at');
    // Covers are checked before foreign keys: the first reason found is the one given.
    expect(refusedCover?.reason).toBe(
      'dated.index_events_log_on_user_id_and_created_at is not dropped: index_events_log_on_user_id is dropped in this plan because index_events_log_on_user_id_and_created_at covers it',
    );
    await psql(join(dir, 'up.sql'));
    expect((await findings('dated')).filter((f) => f.rule === 'unindexed-foreign-key')).toEqual([]);
    await psql(join(dir, 'down.sql'));
    expect(await catalogSnapshot(database.db, ['dated'])).toEqual(before);
  });
});

describe('an INVALID unique index', () => {
  test('is dropped, and down.sql runs to its end under ON_ERROR_STOP, saying why it is not rebuilt', async () => {
    await database.exec(`
      CREATE SCHEMA broken;
      CREATE TABLE broken.requests (id bigint PRIMARY KEY, request_id text NOT NULL);
      INSERT INTO broken.requests VALUES (1, 'a'), (2, 'a'), (3, 'b');`);
    await database.db
      .query('CREATE UNIQUE INDEX CONCURRENTLY requests_request_id_key ON broken.requests (request_id)')
      .catch(() => undefined);
    const { plan, dir } = await fix('broken', { rule: ['invalid-index'] });
    expect(plan.steps.map((s) => s.id)).toEqual(['drop:broken.requests_request_id_key']);
    await psql(join(dir, 'up.sql'));
    await psql(join(dir, 'down.sql'));
    const down = await readFile(join(dir, 'down.sql'), 'utf8');
    expect(down).toMatch(/-- This step cannot be undone: requests_request_id_key was INVALID/);
    const after = await catalogSnapshot(database.db, ['broken']);
    expect(after.some((line) => line.startsWith('broken.requests_pkey |'))).toBe(true);
    expect(after.some((line) => line.includes('requests_request_id_key'))).toBe(false);
  });
});

describe('a composite replaced by its used prefix', () => {
  test('keeps the operator class and the collation the LIKE queries need, and the planner uses the new index for them', async () => {
    await database.exec(`
      CREATE SCHEMA keys;
      CREATE TABLE keys.people (id bigint PRIMARY KEY, email text NOT NULL, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
      CREATE INDEX people_email_created ON keys.people (email text_pattern_ops, created_at);
      CREATE INDEX people_name_created ON keys.people (name COLLATE "C", created_at);
      INSERT INTO keys.people (id, email, name) SELECT g, 'u' || g || '@example.com', 'name ' || g FROM generate_series(1, 2000) g;
      ANALYZE keys.people;`);
    const queries = join(work, 'like.sql');
    await writeFile(queries, "SELECT * FROM keys.people WHERE email LIKE 'u12%';\nSELECT * FROM keys.people WHERE name LIKE 'name 1%';\n");
    const { plan, dir } = await fix('keys', { rule: ['unjustified-composite-index'], queries: [queries] });
    const creates = plan.steps.filter((s) => s.action.kind === 'create-index').map((s) => s.up[0]!.sql);
    expect(creates).toEqual(
      expect.arrayContaining([
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS people_email_idx ON keys.people (email pg_catalog.text_pattern_ops)',
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS people_name_idx ON keys.people (name COLLATE pg_catalog."C")',
      ]),
    );
    await psql(join(dir, 'up.sql'));
    const plans = [];
    for (const query of ["SELECT * FROM keys.people WHERE email LIKE 'u12%'", "SELECT * FROM keys.people WHERE name LIKE 'name 1%'"]) {
      const client = database.db;
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query(`EXPLAIN (FORMAT TEXT) ${query}`);
      await client.query('ROLLBACK');
      plans.push((rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n'));
    }
    expect(plans[0]).toMatch(/people_email_idx/);
    expect(plans[1]).toMatch(/people_name_idx/);
  });
});
