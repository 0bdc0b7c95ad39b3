import { mkdtemp, writeFile, readFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../src/cli/program.js';
import { createServerDatabase, type TestDatabase } from './helpers/databases.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    args,
    { stdout: { write: (s: string) => (stdout += s), isTTY: false }, env },
    { write: (s: string) => (stderr += s) },
  );
  return { code, stdout, stderr };
}

function expectOneLineError(run: Run): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^dbdoctor: /);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-cli-'));
});

describe('bad input: one line on stderr, exit 2', () => {
  test('unknown option', async () => expectOneLineError(await cli(['audit', '--no-such-option', 'x.sql'])));
  test('unknown command', async () => expectOneLineError(await cli(['frobnicate'])));
  test('bad format', async () => expectOneLineError(await cli(['audit', '--format', 'yaml', 'x.sql'])));
  test('no target', async () => expectOneLineError(await cli(['audit'])));
  test('missing file', async () => expectOneLineError(await cli(['audit', join(dir, 'nope.sql')])));
  test('malformed URL', async () => expectOneLineError(await cli(['audit', 'postgres://user:pw@[bad'])));
  test('unsupported scheme', async () => expectOneLineError(await cli(['audit', 'oracle://host/db'])));
  test('malformed SQL with --strict names file and line; without it, the statement is skipped and reported', async () => {
    const file = join(dir, 'broken.sql');
    await writeFile(file, 'CREATE TABLE a (id int);\n\nCREATE TABL b (id int);\n');
    const run = await cli(['audit', file, '--strict']);
    expectOneLineError(run);
    expect(run.stderr).toContain('broken.sql:3: syntax error at or near "TABL"');
    const lenient = await cli(['audit', file, '--format', 'json']);
    expect(lenient.code).toBe(0);
    expect((JSON.parse(lenient.stdout) as { summary: { limitations: string[] } }).summary.limitations).toContainEqual(
      expect.stringContaining('broken.sql:3 (syntax error at or near "TABL")'),
    );
  });
  test('SQL that fails to apply, with --strict, names file and line', async () => {
    const file = join(dir, 'fails.sql');
    await writeFile(file, 'CREATE TABLE a (id int);\n-- comment\nCREATE INDEX ON missing_table (id);\n');
    const run = await cli(['audit', file, '--strict']);
    expectOneLineError(run);
    expect(run.stderr).toContain('fails.sql:3: relation "missing_table" does not exist');
  });
  test('unreachable server, password never shown', async () => {
    const run = await cli(['audit', 'postgres://alice:s3cr3t-pw@127.0.0.1:1/db']);
    expectOneLineError(run);
    expect(run.stderr).not.toContain('s3cr3t-pw');
    expect(run.stderr).toContain('127.0.0.1:1');
  });
  test('wrong password in DATABASE_URL is never shown', async () => {
    const run = await cli(['audit'], { DATABASE_URL: 'postgres://nosuchuser:hunter2-secret@127.0.0.1:5432/nosuchdb' });
    expectOneLineError(run);
    expect(run.stderr).not.toContain('hunter2-secret');
  });
});

describe('schema files', () => {
  test('a .sql file is audited through PGlite; findings exit 1', async () => {
    const file = join(dir, 'schema.sql');
    await writeFile(
      file,
      `
      CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE);
      CREATE INDEX idx_users_email ON users (email);
      ALTER TABLE users OWNER TO someone_who_does_not_exist;
      GRANT SELECT ON users TO PUBLIC;
    `,
    );
    const run = await cli(['audit', file, '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { version: number; target: { kind: string }; findings: { rule: string; index?: string }[] };
    expect(Object.keys(report).sort()).toEqual(['findings', 'summary', 'suppressed', 'tables', 'target', 'version']);
    expect(report.target.kind).toBe('sql-file');
    expect(report.findings.map((f) => [f.rule, f.index])).toContainEqual(['duplicate-index', 'idx_users_email']);
  });

  test('--fail-on none exits 0, --fail-on low exits 1, --output writes the file', async () => {
    const file = join(dir, 'fk.sql');
    await writeFile(file, 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p);');
    expect((await cli(['audit', file, '--format', 'json'])).code).toBe(0); // only a low finding, fail-on critical
    expect((await cli(['audit', file, '--fail-on', 'low', '--format', 'json'])).code).toBe(1);
    expect((await cli(['audit', file, '--fail-on', 'none', '--format', 'json'])).code).toBe(0);
    const out = join(dir, 'report.json');
    const run = await cli(['audit', file, '--format', 'json', '--output', out, '--fail-on', 'none']);
    expect(run.stdout).toBe('');
    const report = JSON.parse(await readFile(out, 'utf8')) as { findings: { rule: string }[] };
    expect(report.findings.map((f) => f.rule)).toEqual(['unindexed-foreign-key']);
  });

  test('a folder of migrations is applied in name order', async () => {
    const folder = join(dir, 'migrations');
    await mkdir(folder);
    await writeFile(join(folder, '10_index.sql'), 'CREATE INDEX a_x_dup ON a (x);');
    await writeFile(join(folder, '2_table.sql'), 'CREATE TABLE a (id int PRIMARY KEY, x int); CREATE INDEX a_x ON a (x);');
    const run = await cli(['audit', folder, '--format', 'json']);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as { findings: { rule: string; index?: string }[] };
    expect(report.findings.map((f) => f.rule)).toEqual(['duplicate-index']);
  });
});

describe('live server', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createServerDatabase();
    await database.exec(`
      CREATE SCHEMA app; CREATE SCHEMA other;
      CREATE TABLE app.t (id int PRIMARY KEY, a int); CREATE INDEX t_a1 ON app.t (a); CREATE INDEX t_a2 ON app.t (a);
      CREATE TABLE other.t (id int PRIMARY KEY, a int); CREATE INDEX t_a ON other.t (a);`);
  });
  afterAll(async () => database.close());

  test('--schema restricts the audit; DATABASE_URL is the default target', async () => {
    const all = JSON.parse((await cli(['audit', '--format', 'json'], { DATABASE_URL: database.url! })).stdout) as {
      findings: { schema: string; rule: string }[];
    };
    expect(all.findings.filter((f) => f.rule === 'duplicate-index').map((f) => f.schema)).toEqual(['app']);
    const other = await cli(['audit', database.url!, '--format', 'json', '--schema', 'other']);
    expect(other.code).toBe(0);
    const otherFindings = (JSON.parse(other.stdout) as { findings: { schema: string; rule: string }[] }).findings;
    // Objects of schema other only, besides the database-wide monitoring findings (schema '').
    expect(otherFindings.filter((f) => f.schema !== 'other' && f.schema !== '')).toEqual([]);
    expect(otherFindings.filter((f) => f.rule === 'duplicate-index')).toEqual([]);
  });
});
