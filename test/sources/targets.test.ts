import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditTarget, openTarget } from '../../src/sources/open-target.js';
import { createMysqlDatabase, TEST_MYSQL_URL, type TestMysqlDatabase } from '../dialects/mysql/helpers.js';
import { createSqliteFile, temporaryFolder } from '../dialects/sqlite/helpers.js';
import { runCommand, type CliRun } from '../helpers/cli.js';

type Run = CliRun;
const cli = (args: string[]): Promise<Run> => runCommand(args);

/** Exit 2, nothing on stdout, one line on stderr without a stack trace or `secret`. */
function expectOneLineError(run: Run, secret?: string): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^dbdoctor: /);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  if (secret) expect(run.stderr).not.toContain(secret);
}

const folder = temporaryFolder();
let mysqlDb: TestMysqlDatabase;
let sqlitePath: string;

beforeAll(async () => {
  mysqlDb = await createMysqlDatabase();
  await mysqlDb.exec(`
    CREATE TABLE a (id INT PRIMARY KEY, v INT, KEY ix_v (v), KEY ix_v_again (v)) ENGINE=InnoDB;
  `);
  sqlitePath = join(folder.dir, 'app.sqlite');
  createSqliteFile(
    sqlitePath,
    'CREATE TABLE a (id INTEGER PRIMARY KEY, v INT); CREATE INDEX ix_v ON a (v); CREATE INDEX ix_v_again ON a (v);',
  );
});

afterAll(async () => {
  await mysqlDb?.close();
  folder.remove();
});

function mysqlUrl(scheme = 'mysql', database = mysqlDb.name): string {
  const url = new URL(TEST_MYSQL_URL);
  return `${scheme}://${url.username || 'root'}@${url.host}/${database}`;
}

describe('targets of every dialect', () => {
  it('opens mysql:// and mariadb:// URLs, reading the database of the path', async () => {
    for (const scheme of ['mysql', 'mariadb']) {
      const target = await openAuditTarget(mysqlUrl(scheme));
      try {
        expect(target).toMatchObject({ dialect: 'mysql', info: { kind: 'mysql', name: mysqlUrl(scheme) } });
        const model = await target.readModel();
        expect(model.schemas).toEqual([mysqlDb.name]);
        expect(model.tables.map((t) => t.name)).toEqual(['a']);
        // The local server is MariaDB: the report names it so, with its version and no build suffix.
        const [, version] = /^(\d+\.\d+\.\d+)-MariaDB/.exec(model.database.serverVersion) ?? [];
        const run = await cli(['audit', mysqlUrl(scheme)]);
        expect(run.stdout.split('\n')[0]).toContain(`${mysqlUrl(scheme)} (MariaDB ${version})`);
      } finally {
        await target.close();
      }
    }
  });

  it('opens SQLite files as sqlite:path, sqlite:///absolute/path, and plain paths recognised by their header whatever their name', async () => {
    const unnamed = join(folder.dir, 'production');
    await copyFile(sqlitePath, unnamed);
    for (const given of [`sqlite:${sqlitePath}`, `sqlite://${sqlitePath}`, sqlitePath, unnamed]) {
      const target = await openAuditTarget(given);
      try {
        expect(target.dialect, given).toBe('sqlite');
        expect((await target.readModel()).indexes.map((i) => i.name).sort()).toEqual(['ix_v', 'ix_v_again', 'sqlite_rowid_a']);
      } finally {
        await target.close();
      }
    }
  });

  it('keeps opening PostgreSQL schema files with the PostgreSQL introspection', async () => {
    const file = join(folder.dir, 'schema.sql');
    await writeFile(file, 'CREATE TABLE a (id int PRIMARY KEY);\n');
    const target = await openAuditTarget(file);
    try {
      expect(target).toMatchObject({ dialect: 'postgres', info: { kind: 'sql-file' } });
      expect((await target.readModel()).dialect).toBe('postgres');
    } finally {
      await target.close();
    }
  });

  it('audits a MariaDB database from the command line, its fixes written in its own dialect', async () => {
    const run = await cli(['audit', mysqlUrl(), '--format', 'json', '--fail-on', 'none']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as {
      target: { dialect: string };
      summary: { limitations: string[] };
      findings: { fix?: unknown }[];
    };
    expect(report.target.dialect).toBe('mysql');
    const statements = report.findings.flatMap((f) => (f.fix as { up: string[] } | undefined)?.up ?? []);
    expect(statements.every((sql) => sql.startsWith('ALTER TABLE `'))).toBe(true);
    expect(report.summary.limitations.some((l) => l.includes('writes no fixes'))).toBe(false);
  });

  it('audits a SQLite file from the command line', async () => {
    const run = await cli(['audit', sqlitePath, '--format', 'json', '--fail-on', 'none']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { target: { dialect: string; name: string }; findings: { fix?: unknown }[] };
    expect(report.target).toMatchObject({ dialect: 'sqlite', name: sqlitePath });
    const statements = report.findings.flatMap((f) => (f.fix as { up: string[] } | undefined)?.up ?? []);
    expect(statements.every((sql) => /^(DROP INDEX IF EXISTS|CREATE INDEX IF NOT EXISTS) "main"\./.test(sql))).toBe(true);
  });

  it('refuses MySQL and SQLite targets where only PostgreSQL is handled (openTarget), and apply on a MySQL URL without a database', async () => {
    await expect(openTarget(mysqlUrl())).rejects.toThrow(/MySQL\/MariaDB server is not a PostgreSQL target/);
    await expect(openTarget(sqlitePath)).rejects.toThrow(/SQLite database is not a PostgreSQL target/);
    const run = await cli(['apply', mysqlUrl('mysql', ''), '--yes']);
    expectOneLineError(run);
    expect(run.stderr).toMatch(/apply on MySQL\/MariaDB needs a database in the URL/);
  });
});

describe('bad input: one line on stderr, exit 2, no password', () => {
  const secret = 'n0t-the-r00t-pw';

  it('an unreachable server', async () => {
    expectOneLineError(await cli(['audit', `mysql://root:${secret}@127.0.0.1:1/db`]), secret);
  });

  it('a wrong password', async () => {
    const url = new URL(TEST_MYSQL_URL);
    const run = await cli(['audit', `mysql://root:${secret}@${url.host}/${mysqlDb.name}`]);
    expectOneLineError(run, secret);
    expect(run.stderr).toContain('Access denied');
    expect(run.stderr).toContain('mysql://root:***@');
  });

  it('a password in a query parameter', async () => {
    expectOneLineError(await cli(['audit', `mysql://root@127.0.0.1:1/db?password=${secret}`]), secret);
  });

  it('a missing database, in the URL or with --schema', async () => {
    const run = await cli(['audit', mysqlUrl('mysql', 'no_such_database_here')]);
    expectOneLineError(run);
    expect(run.stderr).toContain("Unknown database 'no_such_database_here'");
    const schema = await cli(['audit', mysqlUrl(), '--schema', 'no_such_database_either']);
    expectOneLineError(schema);
    expect(schema.stderr).toContain('no database named "no_such_database_either"');
  });

  it('an unknown URL parameter', async () => {
    expectOneLineError(await cli(['audit', `${mysqlUrl()}?sslmode=verify-full&pool=5`]));
  });

  it('a missing SQLite file', async () => {
    const run = await cli(['audit', `sqlite:${join(folder.dir, 'missing.db')}`]);
    expectOneLineError(run);
    expect(run.stderr).toContain('no such file');
  });

  it('a file that is neither SQLite nor SQL', async () => {
    const file = join(folder.dir, 'picture.db');
    await writeFile(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const run = await cli(['audit', file]);
    expectOneLineError(run);
    expect(run.stderr).toContain('is neither a SQLite database nor SQL text');
    const named = await cli(['audit', `sqlite:${file}`]);
    expectOneLineError(named);
    expect(named.stderr).toContain('is not a SQLite database');
  });

  it('a mysqldump where PostgreSQL SQL is expected, recognised before the parser fails', async () => {
    const dumps = {
      'dump.sql':
        '-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n/*!40101 SET NAMES utf8mb4 */;\nCREATE TABLE `a` (\n  `id` int NOT NULL\n) ENGINE=InnoDB;\n',
      'ddl.sql': 'CREATE TABLE IF NOT EXISTS `users` (`id` int PRIMARY KEY);\n',
      'engine.sql': 'CREATE TABLE users (id int PRIMARY KEY) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n',
    };
    for (const [name, text] of Object.entries(dumps)) {
      const file = join(folder.dir, name);
      await writeFile(file, text);
      const run = await cli(['audit', file]);
      expectOneLineError(run);
      expect(run.stderr, name).toContain('is MySQL/MariaDB SQL');
      expect(run.stderr, name).toContain('mysql://');
    }
  });

  it('a SQLite file among migration files', async () => {
    const migrations = join(folder.dir, 'migrations');
    await mkdir(migrations);
    await writeFile(join(migrations, '001_init.sql'), 'CREATE TABLE a (id int);\n');
    await copyFile(sqlitePath, join(migrations, '002_data.sql'));
    const run = await cli(['audit', migrations]);
    expectOneLineError(run);
    expect(run.stderr).toContain('002_data.sql is a SQLite database, not SQL text');
  });
});
