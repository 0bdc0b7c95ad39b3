/**
 * The three migration formats against one schema full of awkward names: SQL run by psql, the
 * Alembic revision compiled by Python and run against stand-in `alembic`/`sqlalchemy` modules,
 * and the Knex migration loaded by Node and run through a stand-in Knex that treats `?` the
 * way Knex does. Each `up` fixes the findings; each `down` gives back the catalog exactly.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { findingKey } from '../../src/apply/diff.js';
import { runFixCommand } from '../../src/cli/fix-command.js';
import { PLAN_FILE, readMigration } from '../../src/writers/plan-file.js';
import type { MigrationPlan } from '../../src/plan/types.js';
import { pyString, saText } from '../../src/writers/alembic.js';
import { knexRawSql } from '../../src/writers/knex.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';
import { catalogSnapshot, connect, sink } from '../plan/support.js';

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
  test('up.sql and down.sql run by psql: up fixes, down restores the catalog exactly', async (ctx) => {
    const psql = await run('psql', ['--version']).catch(() => null);
    if (!psql) return ctx.skip();
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

const PYTHON_HARNESS = `
import importlib.util, json, sys, types
calls = []
class Block:
    def __enter__(self): calls.append(['begin autocommit'])
    def __exit__(self, *exc): calls.append(['end autocommit'])
class Context:
    def autocommit_block(self): return Block()
alembic = types.ModuleType('alembic')
alembic.op = types.SimpleNamespace(
    get_context=lambda: Context(),
    execute=lambda sql: calls.append(['execute', sql]),
    create_index=lambda name, table, columns, **kw: calls.append(['create_index', name, table, columns, kw]),
    drop_index=lambda name, **kw: calls.append(['drop_index', name, kw]),
)
alembic.__version__ = '1.13.0'
sqlalchemy = types.ModuleType('sqlalchemy')
sqlalchemy.__version__ = '2.0.30'
sqlalchemy.text = lambda sql: {'text': sql}
sys.modules['alembic'] = alembic
sys.modules['sqlalchemy'] = sqlalchemy
spec = importlib.util.spec_from_file_location('revision', sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
module.upgrade()
up = list(calls)
calls.clear()
module.downgrade()
print(json.dumps({'revision': module.revision, 'down_revision': module.down_revision, 'up': up, 'down': calls}))
`;

type Call = [string, ...unknown[]];

describe('alembic format', () => {
  test('the revision compiles, follows --down-revision, and uses the native operations', async () => {
    await setUp();
    const { dir, plan } = await fix('alembic', { downRevision: 'f00dfeed1234', revision: 'abc123def456' });
    const file = (await readdir(dir)).find((f) => f.endsWith('.py'))!;
    expect(file).toBe('abc123def456_dbdoctor_fix_indexes.py');
    const path = join(dir, file);
    await run('python3', ['-m', 'py_compile', path]);
    const source = await readFile(path, 'utf8');
    expect(source).toContain('with op.get_context().autocommit_block():');
    await writeFile(join(work, 'harness.py'), PYTHON_HARNESS);
    const { stdout } = await run('python3', [join(work, 'harness.py'), path]);
    const result = JSON.parse(stdout) as { revision: string; down_revision: string; up: Call[]; down: Call[] };
    expect(result.revision).toBe('abc123def456');
    expect(result.down_revision).toBe('f00dfeed1234');
    for (const calls of [result.up, result.down]) {
      expect(calls[0]).toEqual(['begin autocommit']);
      expect(calls[calls.length - 1]).toEqual(['end autocommit']);
    }
    const dropped = result.up.filter((c) => c[0] === 'drop_index').map((c) => c[1]);
    const droppedSteps = plan.steps.filter((s) => s.action.kind === 'drop-index').map((s) => s.finding.index);
    expect(dropped.sort()).toEqual(droppedSteps.sort());
    for (const c of result.up.filter((c) => c[0] === 'drop_index'))
      expect(c[2]).toMatchObject({ schema: SCHEMA, postgresql_concurrently: true, if_exists: true });
    // Every dropped index comes back with op.create_index and the options it had.
    const created = new Map(result.down.filter((c) => c[0] === 'create_index').map((c) => [c[1] as string, c]));
    for (const name of droppedSteps) expect(created.has(name!), name).toBe(true);
    const kw = (name: string): Record<string, unknown> => created.get(name)![4] as Record<string, unknown>;
    const dropOf = (a: string, b: string): string => (droppedSteps.includes(a) ? a : b);
    expect(kw(dropOf('dup ? one', 'dup ? two'))).toMatchObject({
      postgresql_where: { text: expect.stringContaining("'what?'") },
      postgresql_concurrently: true,
      if_not_exists: true,
    });
    expect(kw(dropOf('hash one', 'hash two'))).toMatchObject({ postgresql_using: 'hash' });
    expect(kw(dropOf('pattern one', 'pattern two'))).toMatchObject({ postgresql_ops: { 'q?mark': 'pg_catalog.text_pattern_ops' } });
    const long = created.get(dropOf(LONG, 'long copy'))!;
    expect(long[3]).toEqual([{ text: 'values DESC NULLS LAST' }, { text: '(lower("a WHERE b")) COLLATE pg_catalog."C"' }]);
    expect(long[4]).toMatchObject({ postgresql_include: ['user'], postgresql_with: { fillfactor: '60' } });
    // The constraint goes through the constraint, and comes back attached to its rebuilt index.
    expect(result.up).toContainEqual(['execute', { text: `ALTER TABLE ${Q}."select" DROP CONSTRAINT IF EXISTS "uniq two"` }]);
    expect(result.down).toContainEqual([
      'execute',
      { text: `ALTER TABLE ${Q}."select" ADD CONSTRAINT "uniq two" UNIQUE USING INDEX "uniq two" DEFERRABLE INITIALLY DEFERRED` },
    ]);
    // The unindexed foreign key gets its index, built concurrently.
    expect(result.up.some((c) => c[0] === 'create_index' && (c[4] as Record<string, unknown>).postgresql_concurrently === true)).toBe(true);
  });
});

/**
 * Renders the revision with the real Alembic and SQLAlchemy, where a Python with both is
 * installed (offline `as_sql` mode), and runs the SQL they produce. Older versions lack
 * `if_exists` / `if_not_exists` on indexes; the harness drops those two options, which only
 * make a rerun skip what is done.
 */
const REAL_ALEMBIC_HARNESS = `
import importlib.util, io, sys
from alembic.migration import MigrationContext
from alembic.operations import Operations
for name in ('create_index', 'drop_index'):
    original = getattr(Operations, name)
    def without_guards(self, *args, _original=original, **kw):
        kw.pop('if_exists', None)
        kw.pop('if_not_exists', None)
        return _original(self, *args, **kw)
    setattr(Operations, name, without_guards)
spec = importlib.util.spec_from_file_location('revision', sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
out = io.StringIO()
# Offline mode as Alembic's env.py template sets it up: named paramstyle, so % is not doubled.
context = MigrationContext.configure(dialect_name='postgresql', opts={'as_sql': True, 'output_buffer': out}, dialect_opts={'paramstyle': 'named'})
with Operations.context(context):
    getattr(module, sys.argv[2])()
print(out.getvalue())
`;

async function pythonWithAlembic(): Promise<string | null> {
  for (const python of ['python3', '/usr/bin/python3']) {
    const ok = await run(python, ['-c', 'import alembic, sqlalchemy']).then(
      () => true,
      () => false,
    );
    if (ok) return python;
  }
  return null;
}

describe('alembic format with the real Alembic', () => {
  test('the SQL Alembic renders from the revision fixes the findings and restores the catalog exactly', async (ctx) => {
    const python = await pythonWithAlembic();
    if (python === null) return ctx.skip();
    const before = await setUp();
    const { dir, plan } = await fix('alembic');
    const path = join(
      dir,
      (await readdir(dir)).find((f) => f.endsWith('.py'))!,
    );
    await writeFile(join(work, 'real-alembic.py'), REAL_ALEMBIC_HARNESS);
    const execute = async (direction: 'upgrade' | 'downgrade'): Promise<void> => {
      const { stdout } = await run(python, [join(work, 'real-alembic.py'), path, direction]);
      const statements = stdout
        .split(/;\n\n/)
        .map((s) => s.trim())
        .filter((s) => s !== '' && s !== 'COMMIT' && s !== 'BEGIN');
      for (const sql of statements) await database.db.query(sql);
    };
    await execute('upgrade');
    expectFixed(plan, await findingKeys());
    await execute('downgrade');
    expect(await catalogSnapshot(database.db, [SCHEMA])).toEqual(before);
  });
});

interface KnexMigration {
  config: { transaction: boolean };
  up(knex: unknown): Promise<void>;
  down(knex: unknown): Promise<void>;
}

describe('knex format', () => {
  test('Node loads the migration; run through a Knex stand-in, up fixes and down restores exactly', async () => {
    const before = await setUp();
    const { dir, plan } = await fix('knex');
    const file = (await readdir(dir)).find((f) => f.endsWith('.js'))!;
    // The temporary folder has no package.json, so Node loads the file as CommonJS, as Knex does.
    const migration = createRequire(join(dir, 'loader.js'))(join(dir, file)) as KnexMigration;
    expect(migration.config).toEqual({ transaction: false });
    const client = await connect(url);
    const seen: string[] = [];
    const knex = {
      client: { acquireConnection: async () => client, releaseConnection: async () => undefined },
      raw(sql: string) {
        // Knex's PostgreSQL client: an unescaped ? becomes $n, an escaped one a plain ?.
        let bindings = 0;
        const positioned = sql.replace(/(\\*)(\?)/g, (_m, escapes: string) => (escapes.length % 2 ? '?' : `$${++bindings}`));
        return {
          connection: async (conn: typeof client) => {
            expect(conn).toBe(client);
            if (bindings > 0) throw new Error(`unescaped ? in ${sql}`);
            seen.push(positioned);
            return conn.query(positioned);
          },
        };
      },
    };
    try {
      await migration.up(knex);
      expect(seen[0]).toBe("SET lock_timeout = '5s'");
      expect(seen).toContain(plan.steps[0]!.up[0]!.sql);
      expectFixed(plan, await findingKeys());
      await migration.down(knex);
      expect(await catalogSnapshot(database.db, [SCHEMA])).toEqual(before);
    } finally {
      await client.end();
    }
  });
});
