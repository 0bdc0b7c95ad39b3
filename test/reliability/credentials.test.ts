/**
 * A password never appears in any output of any command, in any file dbdoctor writes, or in the
 * journal it keeps in the database, whatever form the connection string gives it in: URL
 * userinfo, `?password=`, `?sslpassword=` (the passphrase of the sslkey), percent-encoded, in a
 * libpq key/value string, or in $DATABASE_URL. The local server trusts 127.0.0.1, so every form
 * connects; what is checked is everything dbdoctor prints, writes and stores.
 */
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, createFaultsDatabase, type CliRun, type FaultsDatabase } from './support.js';

const SECRET = 'Sekr3t-Zq81x';
/** Percent-encoded in the URL: `Sekr3t@Zq/81x` decoded. */
const ENCODED = 'Sekr3t%40Zq%2F81x';
const DECODED = 'Sekr3t@Zq/81x';

const SCHEMA = `
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL);
CREATE TABLE customers (id bigint PRIMARY KEY);
ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers;
CREATE INDEX orders_status_idx ON orders (status);
CREATE INDEX orders_status_dup ON orders (status);
INSERT INTO customers SELECT generate_series(1, 100);
INSERT INTO orders SELECT g, 1 + g % 100, 's' || g % 3 FROM generate_series(1, 1000) g;
ANALYZE;`;

let db: FaultsDatabase;
let dir: string;

beforeAll(async () => {
  db = await createFaultsDatabase('credentials', SCHEMA);
  dir = await mkdtemp(join(tmpdir(), 'faults-credentials-'));
});
afterAll(async () => {
  await db?.drop();
});

/** The database's URL with the password in the given form. */
function withPassword(form: 'userinfo' | 'password' | 'sslpassword' | 'encoded'): string {
  const u = new URL(db.url);
  if (form === 'userinfo') u.password = SECRET;
  if (form === 'encoded') u.password = ENCODED;
  if (form === 'password') u.searchParams.set('password', SECRET);
  if (form === 'sslpassword') {
    u.searchParams.set('sslmode', 'disable');
    u.searchParams.set('sslpassword', SECRET);
  }
  return u.toString();
}

/** Every file under `root`, with its content. */
async function filesUnder(root: string): Promise<{ path: string; content: string }[]> {
  const out: { path: string; content: string }[] = [];
  for (const name of await readdir(root)) {
    const path = join(root, name);
    if ((await stat(path)).isDirectory()) out.push(...(await filesUnder(path)));
    else out.push({ path, content: await readFile(path, 'utf8') });
  }
  return out;
}

function expectClean(where: string, text: string): void {
  for (const secret of [SECRET, ENCODED, DECODED]) {
    expect(text.includes(secret), `${where} holds the password (${secret})`).toBe(false);
  }
}

function expectRunClean(what: string, run: CliRun): void {
  expectClean(`${what}: stdout`, run.stdout);
  expectClean(`${what}: stderr`, run.stderr);
}

describe.each(['userinfo', 'password', 'sslpassword', 'encoded'] as const)('a password given as %s', (form) => {
  test('every report format, docs, fix in every format, apply, rollback, apply --from and the journal', async () => {
    const target = withPassword(form);
    const out = await mkdtemp(join(dir, `${form}-`));
    for (const format of ['text', 'json', 'markdown', 'html', 'sarif']) {
      const run = await cli(['audit', target, '--format', format, '--fail-on', 'none', '--stats-since', '2020-01-01']);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('orders');
      expectRunClean(`audit --format ${format}`, run);
    }
    for (const format of ['markdown', 'html']) {
      const run = await cli(['docs', target, '--format', format, '--output', join(out, `strategy.${format}`)]);
      expect(run.code).toBe(0);
      expectRunClean(`docs --format ${format}`, run);
    }
    for (const format of ['sql', 'alembic', 'knex']) {
      const run = await cli(['fix', target, '--format', format, '--output', join(out, format), '--stats-since', '2020-01-01']);
      expect(run.stderr).toBe('');
      expectRunClean(`fix --format ${format}`, run);
    }
    const pool = await cli(['pool', target, '--set', 'pool_size=5', '--driver', 'sqlalchemy']);
    expectRunClean('pool', pool);
    for (const format of ['json', 'markdown']) expectRunClean(`pool --format ${format}`, await cli(['pool', target, '--format', format]));

    const apply = await cli(['apply', target, '--yes', '--rule', 'duplicate-index', '--stats-since', '2020-01-01']);
    expect(apply.stderr).toBe('');
    expect(apply.stdout).toContain('Applied.');
    expectRunClean('apply', apply);
    const rollback = await cli(['apply', target, '--rollback', '--yes']);
    expect(rollback.stderr).toBe('');
    expectRunClean('apply --rollback', rollback);
    for (const format of ['sql', 'alembic']) {
      const from = await cli(['apply', target, '--from', join(out, format), '--yes', '--dry-run']);
      expect(from.stderr).toBe('');
      expectRunClean(`apply --from ${format}`, from);
    }

    for (const file of await filesUnder(out)) expectClean(file.path, file.content);
    const journal = await db.client.query<{ row: string }>('SELECT j::text AS row FROM dbdoctor.dbdoctor_journal j');
    expect(journal.rows.length).toBeGreaterThan(0);
    for (const r of journal.rows) expectClean('the journal', r.row);
  });

  test('errors: an unreachable server, a database that does not exist, a replica that cannot be reached', async () => {
    const unreachable = new URL(withPassword(form));
    unreachable.port = '1';
    const missing = new URL(withPassword(form));
    missing.pathname = '/faults_no_such_database';
    for (const args of [
      ['audit', unreachable.toString()],
      ['audit', missing.toString()],
      ['fix', missing.toString(), '--output', join(dir, 'never')],
      ['apply', missing.toString(), '--yes'],
      ['docs', missing.toString(), '-o', '-'],
      ['pool', unreachable.toString()],
      ['audit', db.url, '--replica', unreachable.toString()],
    ]) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expectRunClean(args.join(' '), run);
    }
  });
});

describe('other forms', () => {
  test('$DATABASE_URL with the password in it', async () => {
    const run = await cli(['audit', '--format', 'json', '--fail-on', 'none'], { env: { DATABASE_URL: withPassword('password') } });
    expect(run.code).toBe(0);
    expectRunClean('audit $DATABASE_URL', run);
  });

  test('a libpq key/value string is refused in one line that does not repeat the password', async () => {
    for (const target of [
      `host=127.0.0.1 port=5432 dbname=${db.name} user=postgres password=${SECRET}`,
      `host=127.0.0.1 dbname=${db.name} password='${SECRET}' sslpassword=${SECRET}`,
    ]) {
      for (const command of ['audit', 'fix', 'apply', 'docs', 'pool']) {
        const run = await cli([command, target]);
        expectRunClean(`${command} <key/value>`, run);
        expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(1);
      }
    }
  });

  test('pool --from application code that holds the connection string and a password setting', async () => {
    const python = join(dir, 'app.py');
    await writeFile(
      python,
      `from sqlalchemy import create_engine\nengine = create_engine("postgresql://app:${SECRET}@db.internal/app?sslpassword=${SECRET}", pool_size=10, max_overflow=5)\n`,
    );
    const js = join(dir, 'db.js');
    await writeFile(
      js,
      `const pool = new Pool({ connectionString: 'postgres://app:${SECRET}@db/app', password: '${SECRET}', max: 20 });\n`,
    );
    for (const file of [python, js]) {
      for (const format of ['text', 'json', 'markdown']) {
        const run = await cli(['pool', '--from', file, '--format', format]);
        expect(run.stderr).toBe('');
        expect(run.stdout).toMatch(/app:\*\*\*@db/);
        expectRunClean(`pool --from ${file} --format ${format}`, run);
      }
    }
  });

  test('a password with a bad percent escape (%zz) is taken as written, never printed', async () => {
    for (const format of ['text', 'json']) {
      const run = await cli([
        'audit',
        `postgres://postgres:${SECRET}%zz@127.0.0.1:5432/${db.name}`,
        '--format',
        format,
        '--fail-on',
        'none',
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expectRunClean('audit %zz', run);
      expect(run.stdout).not.toContain('%zz');
    }
  });
});
