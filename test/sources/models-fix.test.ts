/**
 * `dbdoctor fix app/models --format alembic` end to end, with the real tools: the models create
 * their schema on the local PostgreSQL (SQLAlchemy), dbdoctor writes the Alembic revision and
 * models.patch, `git apply` takes the patch, Alembic runs the revision, and Alembic's own
 * autogenerate comparison then finds no difference between the patched models and the database.
 * After the downgrade (and the patch reverted) the original models match the database again.
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
const HARNESS = fileURLToPath(new URL('./models-alembic.py', import.meta.url));
const ALEMBIC = fileURLToPath(new URL('../writers/alembic-online.py', import.meta.url));

let database: TestDatabase;
let app: string;
let out: string;
let python: string;

async function differences(): Promise<string[]> {
  const { stdout } = await run(python, [HARNESS, app, sqlalchemyUrl(database.url!), 'compare']);
  return JSON.parse(stdout) as string[];
}

beforeAll(async () => {
  python = await pythonWithAlembic();
  database = await createServerDatabase();
  app = await mkdtemp(join(tmpdir(), 'dbdoctor-models-app-'));
  out = join(app, 'migration');
  await cp('test/fixtures/models/seed_app', app, { recursive: true });
  for (const args of [
    ['init', '-q'],
    ['add', '-A'],
    ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'models'],
  ]) {
    await run('git', args, { cwd: app });
  }
  await run(python, [HARNESS, app, sqlalchemyUrl(database.url!), 'create']);
}, 60_000);

afterAll(async () => {
  await database?.close();
});

describe('fix on SQLAlchemy models', () => {
  test('the models and the database agree after patch + upgrade, and again after downgrade + revert', async () => {
    expect(await differences()).toEqual([]);
    const { stdout } = await run('node', [CLI, 'fix', 'models', '--format', 'alembic', '--output', 'migration', '--python', python], {
      cwd: app,
    });
    expect(stdout).toContain('git apply');
    const patch = await readFile(join(out, 'models.patch'), 'utf8');
    // Paths relative to the working directory, as git apply expects them.
    expect(patch).toMatch(/^--- a\/models\/api_key\.py$/m);
    const revision = join(
      out,
      (await readdir(out)).find((f) => f.endsWith('.py'))!,
    );
    await run(python, [ALEMBIC, revision, sqlalchemyUrl(database.url!), 'upgrade']);
    // Without the models' side, autogenerate would put the dropped indexes back (and drop the new one).
    const unpatched = await differences();
    expect(unpatched).toContainEqual(expect.stringMatching(/^\('add_index', Index\('ix_api_keys_user_id_again'/));
    expect(unpatched).toContainEqual(expect.stringMatching(/^\('remove_index', Index\('email_logs_api_key_id_idx'/));
    await run('git', ['apply', join(out, 'models.patch')], { cwd: app });
    expect(await differences()).toEqual([]);
    const { rows } = await database.db.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1");
    const names = (rows as { indexname: string }[]).map((r) => r.indexname);
    expect(names).toContain('email_logs_api_key_id_idx');
    expect(names).not.toContain('ix_api_keys_user_id_again');
    await run(python, [ALEMBIC, revision, sqlalchemyUrl(database.url!), 'downgrade']);
    await run('git', ['apply', '-R', join(out, 'models.patch')], { cwd: app });
    expect(await differences()).toEqual([]);
  });
});
