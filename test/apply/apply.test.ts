/**
 * `dbdoctor apply` on a real server: plan, confirmation, dry run, journal, retries on lock
 * timeouts, cleanup after a failed concurrent build, resume, rollback, stale plans, bad input.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { runApplyCommand, type ApplyCommandOptions } from '../../src/cli/apply-command.js';
import { runFixCommand } from '../../src/cli/fix-command.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';
import { catalogSnapshot, connect, invalidIndexes, sink } from '../plan/support.js';
import { runCommand, type CliRun } from '../helpers/cli.js';

const S = 'ap';
const SETUP = `
CREATE SCHEMA ap;
CREATE TABLE ap.parent (id int PRIMARY KEY);
CREATE TABLE ap.child (id int PRIMARY KEY, parent_id int REFERENCES ap.parent, code text, n int);
INSERT INTO ap.parent SELECT g FROM generate_series(1, 50) g;
INSERT INTO ap.child SELECT g, 1 + g % 50, 'c' || (g % 13), g FROM generate_series(1, 500) g;
CREATE INDEX child_code_a ON ap.child (code);
CREATE INDEX child_code_b ON ap.child (code);
COMMENT ON INDEX ap.child_code_b IS 'the copy';
ALTER TABLE ap.child ADD CONSTRAINT child_n_u1 UNIQUE (n);
ALTER TABLE ap.child ADD CONSTRAINT child_n_u2 UNIQUE (n);
`;

let database: TestDatabase;
let url: string;
let work: string;
/** Fast retries: tests wait milliseconds, not seconds. */
const FAST = { lockTimeout: '200ms', retryDelay: '50ms' } as const;

interface Result {
  code: number;
  out: string;
}

/**
 * The rules whose fixes these tests apply. unused-index offers a drop only once the statistics hold
 * enough activity, which the writes of earlier tests add to at their own pace: leaving it out keeps
 * the plans the same every run. Its hints still show in the re-audit (one on ap.child_code_b goes
 * with the duplicate).
 */
const FIX_RULES = ['duplicate-index', 'unindexed-foreign-key'];

async function apply(options: ApplyCommandOptions, confirm?: (q: string) => Promise<boolean>): Promise<Result> {
  const out = sink();
  const code = await runApplyCommand(
    url,
    { schema: options.from || options.resume || options.rollback ? undefined : [S], ...options },
    { stdout: out, env: {}, ...(confirm ? { confirm } : {}) },
  );
  return { code, out: out.text() };
}

async function applyFails(options: ApplyCommandOptions): Promise<{ error: Error; out: string }> {
  const out = sink();
  const error = await runApplyCommand(url, options, { stdout: out, env: {} }).then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(error, out.text()).not.toBeNull();
  expect(error!.name).toBe('UserError');
  expect(error!.message).not.toContain('\n');
  return { error: error!, out: out.text() };
}

async function journal(): Promise<{ position: number; status: string; up_done: number }[]> {
  const { rows } = await database.db.query(
    `SELECT position, status, up_done FROM dbdoctor.dbdoctor_journal WHERE run_id = (SELECT run_id FROM dbdoctor.dbdoctor_journal ORDER BY started_at DESC LIMIT 1) ORDER BY position`,
  );
  return rows as { position: number; status: string; up_done: number }[];
}

async function journalExists(): Promise<boolean> {
  const { rows } = await database.db.query(`SELECT to_regnamespace('dbdoctor') IS NOT NULL AS present`);
  return (rows[0] as { present: boolean }).present;
}

/** Holds a row lock (an uncommitted insert) on a table for `ms`, so DDL on it waits; resolves once it is held. */
async function holdWriteLock(table: string, ms: number): Promise<{ released: Promise<void> }> {
  const client = await connect(url);
  await client.query('BEGIN');
  await client.query(`INSERT INTO ${table} (id) VALUES (-1)`);
  const released = new Promise<void>((resolve) => setTimeout(resolve, ms)).then(async () => {
    await client.query('ROLLBACK');
    await client.end();
  });
  return { released };
}

beforeAll(async () => {
  database = await createServerDatabase();
  url = database.url!;
  work = await mkdtemp(join(tmpdir(), 'dbdoctor-apply-'));
});
afterAll(async () => {
  await database?.close();
});
beforeEach(async () => {
  await database.exec(`DROP SCHEMA IF EXISTS dbdoctor CASCADE; DROP SCHEMA IF EXISTS ${S} CASCADE;`);
  await database.exec(SETUP);
});

describe('apply and rollback', () => {
  test('an audit writes nothing: no journal schema', async () => {
    await auditPostgres(database.db, { kind: 'postgres', name: 't' }, {});
    expect(await journalExists()).toBe(false);
  });

  test('shows the plan, applies one statement at a time, re-audits; --rollback restores the catalog exactly', async () => {
    const before = await catalogSnapshot(database.db, [S]);
    const applied = await apply({ yes: true, rule: FIX_RULES });
    expect(applied.code, applied.out).toBe(0);
    expect(applied.out).toMatch(/Plan: 3 steps/);
    expect(applied.out).toContain('create index ap.child_parent_id_idx on ap.child (parent_id)');
    expect(applied.out).toContain('DROP INDEX CONCURRENTLY IF EXISTS ap.child_code_b');
    expect(applied.out).toContain('ALTER TABLE ap.child DROP CONSTRAINT IF EXISTS child_n_u2');
    expect(applied.out).toMatch(/Re-audit: 4 findings gone, 0 new/);
    expect(await journal()).toEqual([
      { position: 1, status: 'applied', up_done: 1 },
      { position: 2, status: 'applied', up_done: 1 },
      { position: 3, status: 'applied', up_done: 1 },
    ]);
    // A second apply finds nothing to do.
    expect((await apply({ yes: true, rule: FIX_RULES })).out).toMatch(/Nothing to apply/);

    const rolled = await apply({ rollback: true, yes: true });
    expect(rolled.code, rolled.out).toBe(0);
    expect(rolled.out).toContain('ALTER TABLE ap.child ADD CONSTRAINT child_n_u2 UNIQUE USING INDEX child_n_u2');
    expect(await catalogSnapshot(database.db, [S])).toEqual(before);
    expect((await journal()).map((e) => e.status)).toEqual(['rolled-back', 'rolled-back', 'rolled-back']);
    expect((await applyFails({ rollback: true, yes: true })).error.message).toMatch(/nothing to roll back/);
  });

  test('--dry-run prints the statements and executes nothing', async () => {
    const before = await catalogSnapshot(database.db, [S]);
    const dry = await apply({ dryRun: true });
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("SET lock_timeout = '5s';");
    expect(dry.out).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS child_parent_id_idx ON ap.child (parent_id);');
    expect(dry.out).toMatch(/Dry run: nothing was executed/);
    expect(await catalogSnapshot(database.db, [S])).toEqual(before);
    expect(await journalExists()).toBe(false);
  });

  test('asks before applying; no answer, no change', async () => {
    const before = await catalogSnapshot(database.db, [S]);
    let asked = '';
    const declined = await apply({ rule: FIX_RULES }, (q) => Promise.resolve(((asked = q), false)));
    expect(asked).toMatch(/Apply these 3 steps to .* \[y\/N\]/);
    expect(declined.code).toBe(1);
    expect(declined.out).toMatch(/Not applied/);
    expect(await catalogSnapshot(database.db, [S])).toEqual(before);
    // Without a terminal and without --yes it refuses.
    expect((await applyFails({ schema: [S] })).error.message).toMatch(/pass --yes/);
  });

  test('a statement that hits the lock timeout is retried with backoff and then succeeds', async () => {
    const { released } = await holdWriteLock('ap.child', 1_200);
    const result = await apply({ yes: true, rule: ['duplicate-index'], ...FAST, retries: '20' });
    await released;
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/gave up waiting for a lock after 200 ms \(attempt 1 of 21\)\n {2}retrying in 50 ms/);
    expect(result.out).toMatch(/Re-audit: 3 findings gone/);
  });

  test('a failed CREATE INDEX CONCURRENTLY leaves no INVALID index behind, says so, and the run resumes', async () => {
    const { released } = await holdWriteLock('ap.child', 1_500);
    const failed = await applyFails({ yes: true, schema: [S], rule: ['unindexed-foreign-key'], ...FAST, retries: '0' });
    await released;
    expect(failed.out).toMatch(/dropped the INVALID index ap\.child_parent_id_idx that the failed build left/);
    expect(failed.error.message).toMatch(
      /^step 1\/1 \(create index ap\.child_parent_id_idx .*\) failed: canceling statement due to lock timeout \(after 1 attempt\); .*--resume.*--rollback/,
    );
    expect(await invalidIndexes(database.db, [S])).toEqual([]);
    expect(await journal()).toEqual([{ position: 1, status: 'failed', up_done: 0 }]);

    // A new plan waits until the interrupted run is finished or undone.
    expect((await applyFails({ yes: true, schema: [S] })).error.message).toMatch(/did not finish.*--resume.*--rollback/);
    const resumed = await apply({ resume: true, yes: true });
    expect(resumed.code, resumed.out).toBe(0);
    expect(resumed.out).toMatch(/Re-audit: 1 finding gone/);
    expect(await journal()).toEqual([{ position: 1, status: 'applied', up_done: 1 }]);
  });

  test('a rollback that cannot rebuild a unique index stops with the reason, cleans up, and finishes once the cause is fixed', async () => {
    const before = await catalogSnapshot(database.db, [S]);
    expect((await apply({ yes: true, rule: ['duplicate-index'] })).code).toBe(0);
    // child_n_u2 is gone; with its twin dropped too, duplicates can get in.
    await database.exec(`ALTER TABLE ap.child DROP CONSTRAINT child_n_u1; INSERT INTO ap.child VALUES (1000, 1, 'x', 1);`);
    const failed = await applyFails({ rollback: true, yes: true });
    expect(failed.error.message).toMatch(/could not create unique index "child_n_u2".*run dbdoctor apply --rollback again/);
    expect(failed.out).toMatch(/dropped the INVALID index ap\.child_n_u2 that the failed build left/);
    expect(await invalidIndexes(database.db, [S])).toEqual([]);
    await database.exec(`DELETE FROM ap.child WHERE id = 1000; ALTER TABLE ap.child ADD CONSTRAINT child_n_u1 UNIQUE (n);`);
    expect((await apply({ rollback: true, yes: true })).code).toBe(0);
    expect(await catalogSnapshot(database.db, [S])).toEqual(before);
  });
});

describe('apply --from a migration folder', () => {
  async function fixTo(dir: string): Promise<void> {
    const out = sink();
    expect(await runFixCommand(url, { output: dir, schema: [S], rule: FIX_RULES }, { stdout: out, env: {} })).toBe(0);
  }

  test('applies the reviewed plan; --dry-run needs no database', async () => {
    const dir = await mkdtemp(join(work, 'from-'));
    await fixTo(dir);
    const dry = sink();
    expect(await runApplyCommand(undefined, { from: dir, dryRun: true }, { stdout: dry, env: {} })).toBe(0);
    expect(dry.text()).toMatch(/Plan from .*: 3 steps/);
    const applied = await apply({ from: dir, yes: true });
    expect(applied.code, applied.out).toBe(0);
    expect(applied.out).toMatch(/Re-audit: 4 findings gone/);
  });

  test('refuses an edited up.sql', async () => {
    const dir = await mkdtemp(join(work, 'edited-'));
    await fixTo(dir);
    const up = await readFile(join(dir, 'up.sql'), 'utf8');
    await writeFile(join(dir, 'up.sql'), up.replace(/^DROP INDEX.*$/m, '-- removed by a reviewer'));
    expect((await applyFails({ from: dir, yes: true })).error.message).toMatch(/up\.sql was changed after dbdoctor wrote it/);
  });

  test('stops before dropping an index that is no longer the one the plan was made for', async () => {
    const dir = await mkdtemp(join(work, 'stale-'));
    await fixTo(dir);
    await database.exec(`DROP INDEX ap.child_code_b; CREATE INDEX child_code_b ON ap.child (code, n);`);
    const failed = await applyFails({ from: dir, yes: true });
    expect(failed.error.message).toMatch(/ap\.child_code_b is no longer the index the plan was made for/);
    expect(await catalogSnapshot(database.db, [S])).toContainEqual(
      expect.stringContaining('CREATE INDEX child_code_b ON ap.child USING btree (code, n)'),
    );
  });
});

describe('bad input: one line on stderr, exit 2', () => {
  const cli = (args: string[]): Promise<CliRun> => runCommand(args);
  const cases: [string, () => string[], RegExp][] = [
    ['unknown rule (fix)', () => ['fix', url, '--rule', 'no-such-rule'], /unknown rule "no-such-rule"/],
    ['unknown rule (apply)', () => ['apply', url, '--rule', 'no-such-rule'], /unknown rule "no-such-rule"/],
    ['bad --from folder', () => ['apply', url, '--from', join(work, 'missing')], /not a migration folder written by dbdoctor fix/],
    ['--from with a filter', () => ['apply', url, '--from', work, '--rule', 'duplicate-index'], /cannot be combined/],
    ['--rollback with --resume', () => ['apply', url, '--rollback', '--resume'], /cannot be combined/],
    ['unreachable server', () => ['apply', 'postgres://alice:pw@127.0.0.1:1/db', '--yes'], /could not connect to/],
    [
      'a .sql file is not a server',
      () => ['apply', join(work, 'schema.sql'), '--yes'],
      /apply changes a live database: give a postgres:\/\/, mysql:\/\/ or mariadb:\/\/ URL or a SQLite file/,
    ],
    ['bad duration', () => ['apply', url, '--lock-timeout', 'soon'], /is not a duration/],
    ['unknown format', () => ['fix', url, '--format', 'yaml'], /yaml/],
    ['revision for another format', () => ['fix', url, '--down-revision', 'abc'], /for --format alembic/],
  ];
  test.each(cases)('%s', async (_name, args, message) => {
    await writeFile(join(work, 'schema.sql'), 'CREATE TABLE t (id int);\n');
    await writeFile(join(work, 'dbdoctor-plan.json'), '{}');
    const result = await cli(args());
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain(':pw@');
  });
});
