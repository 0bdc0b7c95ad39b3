/**
 * The three migration formats against one schema full of awkward names, each run by the real
 * tool on the local server: SQL by psql, the Alembic revision by Alembic and SQLAlchemy, the Knex
 * migration by Knex. Each `up` fixes the findings; each `down` gives back the catalog exactly.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Knex from 'knex';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { findingKey } from '../../src/apply/diff.js';
import { runFixCommand } from '../../src/cli/fix-command.js';
import { PLAN_FILE, readMigration } from '../../src/writers/plan-file.js';
import type { MigrationPlan } from '../../src/plan/types.js';
import { pyString, saText } from '../../src/writers/alembic.js';
import { knexRawSql } from '../../src/writers/knex.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';
import { pythonWithAlembic, sqlalchemyUrl } from '../helpers/python.js';
import { catalogSnapshot, sink } from '../plan/support.js';

const run = promisify(execFile);
const SCHEMA = 'wr ✓ "x"';
const Q = '"wr ✓ ""x"""';
const LONG = '€'.repeat(21);

const SETUP = `
CREATE SCHEMA ${Q};
CREATE TABLE ${Q}."Parent Table" (id int PRIMARY KEY);
CREATE TABLE ${Q}."select" ("user" int NOT NULL, "Col:on" int REFERENCES ${Q}."Parent Table", "q?mark" text, "a WHERE b" text, "values" int);
CREATE INDEX "dup ? one" ON ${Q}."select" ("q?mark") WHERE "q?mark" <> 'what?' AND "a WHERE b" <> 'x:y';
CREATE INDEX "dup ? two" ON ${Q}."select" ("q?mark") WHERE "q?mark" <> 'what?' AND "a WHERE b" <> 'x:y';
COMMENT ON INDEX ${Q}."dup ? two" IS 'it''s: "two"? 100%';
CREATE INDEX "${LONG}" ON ${Q}."select" ("values" DESC NULLS LAST, lower("a WHERE b") COLLATE "C") INCLUDE ("user") WITH (fillfactor = 60);
CREATE INDEX "long copy" ON ${Q}."select" ("values" DESC NULLS LAST, lower("a WHERE b") COLLATE "C") INCLUDE ("user") WITH (fillfactor = 60);
CREATE INDEX "prefix" ON ${Q}."select" ("user");
CREATE INDEX "wider" ON ${Q}."select" ("user", "values");
CREATE INDEX "hash one" ON ${Q}."select" USING hash ("a WHERE b");
CREATE INDEX "hash two" ON ${Q}."select" USING hash ("a WHERE b");
CREATE INDEX "pattern one" ON ${Q}."select" ("q?mark" text_pattern_ops, "values");
CREATE INDEX "pattern two" ON ${Q}."select" ("q?mark" text_pattern_ops, "values");
ALTER TABLE ${Q}."select" ADD CONSTRAINT "uniq DEFERRABLE" UNIQUE ("user", "values");
ALTER TABLE ${Q}."select" ADD CONSTRAINT "uniq two" UNIQUE ("user", "values") DEFERRABLE INITIALLY DEFERRED;
`;

let database: TestDatabase;
let url: string;
let work: string;

async function setUp(): Promise<string[]> {
  await database.db.query(`DROP SCHEMA IF EXISTS ${Q} CASCADE`);
  await database.exec(SETUP);
  return catalogSnapshot(database.db, [SCHEMA]);
}

async function fix(format: string, extra: Record<string, string> = {}): Promise<{ dir: string; plan: MigrationPlan }> {
  const dir = await mkdtemp(join(work, `${format}-`));
  const out = sink();
  const code = await runFixCommand(url, { format, output: dir, schema: [SCHEMA], ...extra }, { stdout: out, env: {} });
  expect(code, out.text()).toBe(0);
  return { dir, plan: await readMigration(dir) };
}

async function findingKeys(): Promise<Set<string>> {
  const audit = await auditPostgres(database.db, { kind: 'postgres', name: 'test' }, { schemas: [SCHEMA] });
  return new Set(audit.findings.map(findingKey));
}

function expectFixed(plan: MigrationPlan, keys: Set<string>): void {
  expect(plan.steps.length).toBeGreaterThanOrEqual(6);
  for (const step of plan.steps) expect(keys.has(findingKey(step.finding)), step.id).toBe(false);
}

beforeAll(async () => {
  database = await createServerDatabase();
  url = database.url!;
  work = await mkdtemp(join(tmpdir(), 'dbdoctor-writers-'));
});
afterAll(async () => {
  await database?.close();
});

describe('string encoders', () => {
  test('Python literals survive any text', () => {
    expect(pyString(`a'b"c\\d\ne€\u2028`)).toBe(`'a\\'b"c\\\\d\\ne€\\u2028'`);
  });
  test('sa.text escapes every colon so SQLAlchemy sees no bind parameter', () => {
    expect(saText("x::text = 'a:b'")).toBe(`sa.text('x\\\\:\\\\:text = \\'a\\\\:b\\'')`);
  });
  test('knex.raw: a bare ? is escaped; a backslash before ? is refused', () => {
    expect(knexRawSql(`a = 'what?'`)).toBe(`a = 'what\\?'`);
    expect(() => knexRawSql(`a = E'\\\\?'`)).toThrow(/backslash/);
  });
});

describe('sql format', () => {
  test('up.sql and down.sql run by psql: up fixes, down restores the catalog exactly', async () => {
    const before = await setUp();
    const { dir, plan } = await fix('sql');
    expect(await readdir(dir)).toEqual(expect.arrayContaining(['up.sql', 'down.sql', PLAN_FILE]));
    const up = await readFile(join(dir, 'up.sql'), 'utf8');
    expect(up).toMatch(/^SET lock_timeout = '5s';$/m);
    expect(up).toMatch(/^SET statement_timeout = '0';$/m);
    expect(up).toContain('DROP INDEX CONCURRENTLY IF EXISTS');
    expect(up).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS');
    for (const step of plan.steps) expect(up).toContain(`-- Fixes ${step.finding.rule}`);
    await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', join(dir, 'up.sql'), url]);
    expectFixed(plan, await findingKeys());
    await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', join(dir, 'down.sql'), url]);
    expect(await catalogSnapshot(database.db, [SCHEMA])).toEqual(before);
  });
});

type Call = [string, ...unknown[]];

interface AlembicRun {
  revision: string;
  down_revision: string;
  calls: Call[];
}

/** Runs the revision's upgrade or downgrade online, with the real Alembic, on the test database. */
async function runAlembic(path: string, direction: 'upgrade' | 'downgrade'): Promise<AlembicRun> {
  const python = await pythonWithAlembic();
  const harness = fileURLToPath(new URL('./alembic-online.py', import.meta.url));
  const { stdout } = await run(python, [harness, path, sqlalchemyUrl(url), direction]);
  return JSON.parse(stdout) as AlembicRun;
}

describe('alembic format, run by the real Alembic and SQLAlchemy', () => {
  test('the revision follows --down-revision, uses the native operations, fixes the findings, and its downgrade restores the catalog exactly', async () => {
    const before = await setUp();
    const { dir, plan } = await fix('alembic', { downRevision: 'f00dfeed1234', revision: 'abc123def456' });
    const file = (await readdir(dir)).find((f) => f.endsWith('.py'))!;
    expect(file).toBe('abc123def456_dbdoctor_fix_indexes.py');
    const path = join(dir, file);
    const source = await readFile(path, 'utf8');
    expect(source).toContain('with op.get_context().autocommit_block():');

    const up = await runAlembic(path, 'upgrade');
    expect(up.revision).toBe('abc123def456');
    expect(up.down_revision).toBe('f00dfeed1234');
    expectFixed(plan, await findingKeys());
    const down = await runAlembic(path, 'downgrade');
    expect(await catalogSnapshot(database.db, [SCHEMA])).toEqual(before);

    for (const calls of [up.calls, down.calls]) {
      expect(calls[0]).toEqual(['begin autocommit']);
      expect(calls[calls.length - 1]).toEqual(['end autocommit']);
    }
    const dropped = up.calls.filter((c) => c[0] === 'drop_index').map((c) => c[1]);
    const droppedSteps = plan.steps.filter((s) => s.action.kind === 'drop-index').map((s) => s.finding.index);
    expect(dropped.sort()).toEqual(droppedSteps.sort());
    for (const c of up.calls.filter((c) => c[0] === 'drop_index'))
      expect(c[2]).toMatchObject({ schema: SCHEMA, postgresql_concurrently: true });
    // Every dropped index comes back with op.create_index and the options it had.
    const created = new Map(down.calls.filter((c) => c[0] === 'create_index').map((c) => [c[1] as string, c]));
    for (const name of droppedSteps) expect(created.has(name!), name).toBe(true);
    const kw = (name: string): Record<string, unknown> => created.get(name)![4] as Record<string, unknown>;
    const dropOf = (a: string, b: string): string => (droppedSteps.includes(a) ? a : b);
    expect(kw(dropOf('dup ? one', 'dup ? two'))).toMatchObject({
      postgresql_where: { text: expect.stringContaining("'what?'") },
      postgresql_concurrently: true,
    });
    expect(kw(dropOf('hash one', 'hash two'))).toMatchObject({ postgresql_using: 'hash' });
    expect(kw(dropOf('pattern one', 'pattern two'))).toMatchObject({ postgresql_ops: { 'q?mark': 'pg_catalog.text_pattern_ops' } });
    const long = created.get(dropOf(LONG, 'long copy'))!;
    expect(long[3]).toEqual([{ text: 'values DESC NULLS LAST' }, { text: '(lower("a WHERE b")) COLLATE pg_catalog."C"' }]);
    expect(long[4]).toMatchObject({ postgresql_include: ['user'], postgresql_with: { fillfactor: '60' } });
    // The constraint goes through the constraint, and comes back attached to its rebuilt index.
    expect(up.calls).toContainEqual(['execute', { text: `ALTER TABLE ${Q}."select" DROP CONSTRAINT IF EXISTS "uniq two"` }]);
    expect(down.calls).toContainEqual([
      'execute',
      { text: `ALTER TABLE ${Q}."select" ADD CONSTRAINT "uniq two" UNIQUE USING INDEX "uniq two" DEFERRABLE INITIALLY DEFERRED` },
    ]);
    // The unindexed foreign key gets its index, built concurrently.
    expect(up.calls.some((c) => c[0] === 'create_index' && (c[4] as Record<string, unknown>).postgresql_concurrently === true)).toBe(true);
  });
});

describe('knex format, run by Knex', () => {
  test('Knex runs the migration from its folder: up fixes the findings, rollback restores the catalog exactly', async () => {
    const before = await setUp();
    const { dir, plan } = await fix('knex');
    const knex = Knex({ client: 'pg', connection: url });
    const seen: string[] = [];
    knex.on('query', (query: { sql: string }) => seen.push(query.sql));
    try {
      // Knex's own bookkeeping tables go to another schema, outside the catalog compared.
      const config = { directory: dir, loadExtensions: ['.js'], schemaName: 'public', tableName: 'knex_migrations_writers_test' };
      const [, applied] = (await knex.migrate.latest(config)) as [number, string[]];
      expect(applied).toHaveLength(1);
      expect(seen).toContain("SET lock_timeout = '5s'");
      expect(seen).toContain(plan.steps[0]!.up[0]!.sql);
      expectFixed(plan, await findingKeys());
      await knex.migrate.rollback(config, true);
      expect(await catalogSnapshot(database.db, [SCHEMA])).toEqual(before);
    } finally {
      await knex.destroy();
    }
  });
});
