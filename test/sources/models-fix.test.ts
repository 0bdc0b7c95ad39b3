/**
 * `dbdoctor fix models --format alembic` end to end on examples/sqlalchemy-app, with the real
 * tools and the example's own alembic.ini: Alembic creates the schema from the example's initial
 * revision, dbdoctor writes the next revision into migrations/versions plus models.patch, `git
 * apply` takes the patch, `alembic upgrade head` runs the revision, and Alembic's autogenerate
 * comparison then finds no difference between the patched models and the database. After
 * `alembic downgrade` (and the patch reverted) the original models match the database again.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';
import { pythonWithAlembic, sqlalchemyUrl } from '../helpers/python.js';

const run = promisify(execFile);
const CLI = resolve('dist/src/cli/main.js');
const EXAMPLE = 'examples/sqlalchemy-app';
const HARNESS = fileURLToPath(new URL('./models-alembic.py', import.meta.url));
/** The example's first revision (migrations/versions/0001_initial_schema.py). */
const INITIAL = '0001';

let database: TestDatabase;
let app: string;
let python: string;

async function differences(): Promise<string[]> {
  const { stdout } = await run(python, [HARNESS, app, sqlalchemyUrl(database.url!), 'compare']);
  return JSON.parse(stdout) as string[];
}

/** The example's own Alembic setup: alembic.ini, migrations/env.py reading $DATABASE_URL. */
async function alembic(...args: string[]): Promise<void> {
  await run(python, ['-m', 'alembic', ...args], { cwd: app, env: { ...process.env, DATABASE_URL: sqlalchemyUrl(database.url!) } });
}

async function indexNames(): Promise<string[]> {
  const { rows } = await database.db.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1");
  return (rows as { indexname: string }[]).map((r) => r.indexname);
}

beforeAll(async () => {
  python = await pythonWithAlembic();
  database = await createServerDatabase();
  app = await mkdtemp(join(tmpdir(), 'dbdoctor-models-app-'));
  await cp(EXAMPLE, app, { recursive: true, filter: (source) => !source.includes('__pycache__') });
  for (const args of [
    ['init', '-q'],
    ['add', '-A'],
    ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'models'],
  ]) {
    await run('git', args, { cwd: app });
  }
  await alembic('upgrade', 'head');
}, 60_000);

afterAll(async () => {
  await database?.close();
});

describe('fix on the example SQLAlchemy application', () => {
  test('the models and the database agree after patch + alembic upgrade, and again after alembic downgrade + revert', async () => {
    // The initial revision is what the models declare.
    expect(await differences()).toEqual([]);
    const before = await indexNames();
    const { stdout } = await run(
      'node',
      [CLI, 'fix', 'models', '--format', 'alembic', '--output', 'migrations/versions', '--down-revision', INITIAL, '--python', python],
      { cwd: app },
    );
    expect(stdout).toContain('git apply');
    const patch = await readFile(join(app, 'migrations/versions/models.patch'), 'utf8');
    // Paths relative to the working directory, as git apply expects them.
    expect(patch).toMatch(/^--- a\/models\/api_key\.py$/m);
    const revisions = (await readdir(join(app, 'migrations/versions'))).filter((f) => f.endsWith('.py'));
    expect(revisions).toHaveLength(2);
    await alembic('upgrade', 'head');
    // Without the models' side, autogenerate would put the dropped indexes back (and drop the new ones).
    const unpatched = await differences();
    expect(unpatched).toContainEqual(expect.stringMatching(/^\('add_index', Index\('ix_webhook_configurations_user_id'/));
    expect(unpatched).toContainEqual(expect.stringMatching(/^\('remove_index', Index\('email_logs_api_key_id_idx'/));
    await run('git', ['apply', 'migrations/versions/models.patch'], { cwd: app });
    expect(await differences()).toEqual([]);
    const after = await indexNames();
    expect(after).toContain('email_logs_api_key_id_idx');
    expect(after).toContain('webhook_logs_webhook_configuration_id_idx');
    expect(after).not.toContain('ix_webhook_configurations_user_id');
    // (user_id, status) cannot serve a lookup by status: the seed's "duplicate" stays.
    expect(after).toContain('ix_email_logs_status');
    await alembic('downgrade', INITIAL);
    await run('git', ['apply', '-R', 'migrations/versions/models.patch'], { cwd: app });
    expect(await differences()).toEqual([]);
    expect(await indexNames()).toEqual(before);
  });
});
