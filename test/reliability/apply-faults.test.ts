/**
 * `apply` when the database or the plan moved: a rerun owns nothing it found done (rolling it
 * back leaves the earlier run intact, and that run's rollback restores a dropped
 * `UNIQUE … DEFERRABLE` constraint as it was); a rollback refuses to undo what was changed
 * since; a drop refuses an index swapped for a UNIQUE one of the same name after review, whatever
 * rule planned it; an edited plan folder (SQL or Alembic) is refused, naming the step, unless
 * `--accept-edits`.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { cli, createFaultsDatabase, type FaultsDatabase } from './support.js';

const SCHEMA = `
CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers, code text NOT NULL,
  CONSTRAINT orders_code_key UNIQUE (code) DEFERRABLE INITIALLY DEFERRED);
ALTER TABLE orders ADD CONSTRAINT orders_code_key2 UNIQUE (code) DEFERRABLE INITIALLY DEFERRED;
CREATE TABLE canary (id int PRIMARY KEY);
INSERT INTO canary VALUES (1);
INSERT INTO customers SELECT generate_series(1, 100);
INSERT INTO orders SELECT g, 1 + g % 100, 'c' || g FROM generate_series(1, 2000) g;
ANALYZE;`;

let db: FaultsDatabase;
let dir: string;

beforeEach(async () => {
  db = await createFaultsDatabase('apply', SCHEMA);
  dir = await mkdtemp(join(tmpdir(), 'faults-apply-'));
});
afterEach(async () => {
  await db?.drop();
});

async function fix(format: 'sql' | 'alembic', extra: string[] = [], cwd?: string): Promise<string> {
  const out = join(dir, `${format}-${Math.random().toString(16).slice(2, 8)}`);
  const run = await cli(['fix', db.url, '--format', format, '--output', out, '--stats-since', '2020-01-01', ...extra], cwd ? { cwd } : {});
  expect(run.stderr).toBe('');
  return out;
}

interface ConstraintState {
  name: string;
  deferrable: boolean;
  deferred: boolean;
}

async function codeConstraints(): Promise<ConstraintState[]> {
  const { rows } = await db.client.query<ConstraintState>(
    `SELECT conname AS name, condeferrable AS deferrable, condeferred AS deferred FROM pg_constraint
      WHERE conrelid = 'orders'::regclass AND contype = 'u' ORDER BY conname`,
  );
  return rows;
}

async function indexExists(name: string): Promise<boolean> {
  const { rows } = await db.client.query(`SELECT 1 FROM pg_class WHERE relname = $1 AND relkind = 'i'`, [name]);
  return rows.length === 1;
}

async function journal(): Promise<{ run: string; position: number; status: string }[]> {
  const { rows } = await db.client.query<{ run: string; position: number; status: string }>(
    'SELECT run_id AS run, position, status FROM dbdoctor.dbdoctor_journal ORDER BY started_at, run_id, position',
  );
  return rows;
}

const DEFERRED = (name: string): ConstraintState => ({ name, deferrable: true, deferred: true });

describe('a rerun owns nothing it found done', () => {
  test('apply twice, roll back: run A intact; roll back again: run A undone, the DEFERRABLE constraint restored as it was', async () => {
    const plan = await fix('sql');
    expect(await readFile(join(plan, 'up.sql'), 'utf8')).toMatch(/DROP CONSTRAINT IF EXISTS orders_code_key2;/);
    const a = await cli(['apply', db.url, '--from', plan, '--yes']);
    expect(a.stderr).toBe('');
    expect(await indexExists('orders_customer_id_idx')).toBe(true);
    expect(await codeConstraints()).toEqual([DEFERRED('orders_code_key')]);

    const b = await cli(['apply', db.url, '--from', plan, '--yes']);
    expect(b.stderr).toBe('');
    expect(b.stdout.match(/found done/g)).toHaveLength(2);
    const runs = [...new Set((await journal()).map((e) => e.run))];
    expect(runs).toHaveLength(2);
    expect((await journal()).filter((e) => e.run === runs[1]).map((e) => e.status)).toEqual(['found-done', 'found-done']);

    const rollbackB = await cli(['apply', db.url, '--rollback', '--yes']);
    expect(rollbackB.stderr).toBe('');
    expect(rollbackB.stdout).toContain(`Roll back run ${runs[1]}: 0 steps`);
    expect(rollbackB.stdout).toMatch(/2 steps it found already done stay as they are: an earlier run made those changes/);
    // Run A's work is intact.
    expect(await indexExists('orders_customer_id_idx')).toBe(true);
    expect(await codeConstraints()).toEqual([DEFERRED('orders_code_key')]);
    expect((await journal()).map((e) => e.status)).toEqual(['applied', 'applied', 'left-alone', 'left-alone']);

    const rollbackA = await cli(['apply', db.url, '--rollback', '--yes']);
    expect(rollbackA.stderr).toBe('');
    expect(rollbackA.stdout).toContain(`Roll back run ${runs[0]}: 2 steps`);
    expect(await indexExists('orders_customer_id_idx')).toBe(false);
    expect(await codeConstraints()).toEqual([DEFERRED('orders_code_key'), DEFERRED('orders_code_key2')]);

    const nothing = await cli(['apply', db.url, '--rollback', '--yes']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/^dbdoctor: nothing to roll back/);
  });

  test('a rollback stops, naming the step, when what the run left was changed since', async () => {
    const a = await cli(['apply', db.url, '--yes', '--stats-since', '2020-01-01']);
    expect(a.stderr).toBe('');
    await db.client.query('DROP INDEX orders_customer_id_idx; CREATE INDEX orders_customer_id_idx ON orders (customer_id, id)');
    const rollback = await cli(['apply', db.url, '--rollback', '--yes']);
    expect(rollback.code).toBe(2);
    expect(rollback.stderr.trim().split('\n')).toHaveLength(1);
    expect(rollback.stderr).toMatch(
      /not undoing step \d\/2 \(create index public\.orders_customer_id_idx .*\): public\.orders_customer_id_idx was changed \(now CREATE INDEX orders_customer_id_idx ON public\.orders USING btree \(customer_id, id\)\) since run \S+; check it by hand/,
    );
    expect(await indexExists('orders_customer_id_idx')).toBe(true);
  });
});

describe('a step that fails for good', () => {
  test('behind a held ACCESS EXCLUSIVE lock: the message and the journal count the same attempts', async () => {
    const plan = await fix('sql');
    const holder = await db.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
    try {
      const run = await cli(['apply', db.url, '--from', plan, '--yes', '--lock-timeout', '100ms', '--retries', '1']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /^dbdoctor: step 1\/2 \(create index public\.orders_customer_id_idx .*\) failed: canceling statement due to lock timeout \(after 2 attempts\)/,
      );
      const { rows } = await db.client.query<{ status: string; attempts: number }>(
        'SELECT status, attempts FROM dbdoctor.dbdoctor_journal WHERE position = 1',
      );
      expect(rows).toEqual([{ status: 'failed', attempts: 2 }]);
    } finally {
      await holder.query('ROLLBACK');
    }
  });
});

describe('a drop checks the definition it was reviewed with, whatever rule planned it', () => {
  const LOG = `
    CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL);
    INSERT INTO events (kind, at) SELECT 'k' || g, now() FROM generate_series(1, 2000) g;
    CREATE INDEX events_kind_idx ON events (kind);
    ANALYZE events;
    SELECT pg_stat_force_next_flush();`;

  test.each([
    ['over-indexed-table', ['--rule', 'over-indexed-table']],
    ['unused-index', ['--rule', 'unused-index']],
  ])('%s: the index swapped for a UNIQUE one of the same name after review is not dropped', async (rule, filter) => {
    await db.client.query(LOG);
    const config = await mkdtemp(join(dir, 'config-'));
    await writeFile(join(config, 'dbdoctor.config.yaml'), 'tables:\n  events: log\n');
    const plan = await fix('sql', filter, config);
    const up = await readFile(join(plan, 'up.sql'), 'utf8');
    expect(up).toMatch(/^DROP INDEX CONCURRENTLY IF EXISTS public\.events_kind_idx;$/m);
    expect(up).toContain(`Fixes ${rule}`);
    await db.client.query('DROP INDEX events_kind_idx; CREATE UNIQUE INDEX events_kind_idx ON events (kind)');
    const run = await cli(['apply', db.url, '--from', plan, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /public\.events_kind_idx is no longer the index the plan was made for \(it is now CREATE UNIQUE INDEX events_kind_idx ON public\.events USING btree \(kind\)\)/,
    );
    const { rows } = await db.client.query<{ unique: boolean }>(
      `SELECT indisunique AS unique FROM pg_index WHERE indexrelid = 'events_kind_idx'::regclass`,
    );
    expect(rows).toEqual([{ unique: true }]);
  });

  test('a partial index given another predicate is not dropped either', async () => {
    await db.client.query(LOG);
    await db.client.query("DROP INDEX events_kind_idx; CREATE INDEX events_kind_idx ON events (kind) WHERE kind <> 'x'");
    const plan = await fix('sql', ['--rule', 'unused-index']);
    await db.client.query("DROP INDEX events_kind_idx; CREATE INDEX events_kind_idx ON events (kind) WHERE kind <> 'y'");
    const run = await cli(['apply', db.url, '--from', plan, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/events_kind_idx is no longer the index the plan was made for \(it is now .*WHERE \(kind <> 'y'::text\)\)/);
    expect(await indexExists('events_kind_idx')).toBe(true);
  });
});

describe('an edited plan folder', () => {
  /** Replaces the SQL of the plan's last step with a table drop, as a reviewer (or an attacker) might. */
  async function editPlan(folder: string): Promise<void> {
    const file = join(folder, 'dbdoctor-plan.json');
    const plan = JSON.parse(await readFile(file, 'utf8')) as { steps: { up: { sql: string }[] }[] };
    plan.steps.at(-1)!.up[0]!.sql = 'DROP TABLE public.canary';
    await writeFile(file, JSON.stringify(plan, null, 2));
  }

  async function canaryThere(): Promise<boolean> {
    const { rows } = await db.client.query(`SELECT to_regclass('public.canary') IS NOT NULL AS there`);
    return (rows[0] as { there: boolean }).there;
  }

  test.each(['sql', 'alembic'] as const)('%s folder: DROP TABLE in the plan is refused, naming the step', async (format) => {
    const folder = await fix(format);
    await editPlan(folder);
    const run = await cli(['apply', db.url, '--from', folder, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /dbdoctor-plan\.json was changed after dbdoctor wrote it: step 2\/2 \(drop constraint orders_code_key2 on public\.orders \(and its index orders_code_key2\)\) runs statements its action does not give; .* --accept-edits/,
    );
    expect(await canaryThere()).toBe(true);
    expect(await codeConstraints()).toHaveLength(2);
    const dry = await cli(['apply', db.url, '--from', folder, '--dry-run']);
    expect(dry.code).toBe(2);
  });

  test('alembic folder: an edited revision file is refused, naming the step', async () => {
    const folder = await fix('alembic');
    const [name] = (await readdir(folder)).filter((n) => n.endsWith('.py'));
    const file = join(folder, name!);
    const source = await readFile(file, 'utf8');
    const edited = source.replace(
      /^( +)op\.execute\(sa\.text\('ALTER TABLE public\.orders DROP CONSTRAINT IF EXISTS orders_code_key2'\)\)$/m,
      "$1op.execute(sa.text('DROP TABLE public.canary'))",
    );
    expect(edited).not.toBe(source);
    await writeFile(file, edited);
    const run = await cli(['apply', db.url, '--from', folder, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /_dbdoctor_fix_indexes\.py was changed after dbdoctor wrote it \(in step 2\/2 \(drop constraint orders_code_key2 on public\.orders \(and its index orders_code_key2\)\)\)/,
    );
    expect(await canaryThere()).toBe(true);
  });

  test('sql folder: an edited up.sql is refused, naming the step', async () => {
    const folder = await fix('sql');
    const file = join(folder, 'up.sql');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(
        'ALTER TABLE public.orders DROP CONSTRAINT IF EXISTS orders_code_key2;',
        'DROP TABLE public.canary;',
      ),
    );
    const run = await cli(['apply', db.url, '--from', folder, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /up\.sql was changed after dbdoctor wrote it \(in step 2\/2 \(drop constraint orders_code_key2 on public\.orders \(and its index orders_code_key2\)\)\)/,
    );
    expect(await canaryThere()).toBe(true);
  });

  test('--accept-edits runs the reviewed edit as written', async () => {
    const folder = await fix('sql');
    await editPlan(folder);
    const dry = await cli(['apply', db.url, '--from', folder, '--dry-run', '--accept-edits']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('DROP TABLE public.canary');
    const run = await cli(['apply', db.url, '--from', folder, '--yes', '--accept-edits']);
    expect(run.stderr).toBe('');
    expect(await canaryThere()).toBe(false);
  });
});
