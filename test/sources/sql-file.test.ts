import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { openSqlFile } from '../../src/sources/sql-file.js';
import { introspectPostgres } from '../../src/dialects/postgres/introspect/index.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';

const run = promisify(execFile);

const SCHEMA = `
  CREATE SCHEMA app;
  CREATE TABLE app.users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, status text);
  CREATE INDEX idx_users_email ON app.users (email);
  CREATE TABLE app.orders (id bigint PRIMARY KEY, user_id bigint REFERENCES app.users (id), status text, created_at timestamptz DEFAULT now());
  CREATE INDEX orders_user_status ON app.orders (user_id, status);
  CREATE INDEX orders_user ON app.orders (user_id);
  CREATE INDEX orders_status ON app.orders (status) WHERE status <> 'done';
  COMMENT ON TABLE app.orders IS 'orders';
`;

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createServerDatabase();
  await database.exec(SCHEMA);
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-dump-'));
});
afterAll(async () => database.close());

test('pg_dump --schema-only output audits the same as the live database', async () => {
  const file = join(dir, 'dump.sql');
  const { stdout } = await run('pg_dump', ['--schema-only', database.url!]);
  await writeFile(file, stdout);
  const fromFile = await openSqlFile(file);
  try {
    const live = await auditPostgres(database.db, { kind: 'postgres', name: 'live' });
    const dumped = await auditPostgres(fromFile.db, fromFile.info);
    // A schema file has no usage statistics or server settings: the rules that judge those do not run on it.
    const fromStatistics = new Set(['unused-index', 'monitoring-not-ready']);
    const shape = (r: typeof live) =>
      r.findings
        .filter((f) => !fromStatistics.has(f.rule))
        .map((f) => [f.rule, f.schema, f.table, f.index ?? f.constraint, f.coveredBy ?? null]);
    expect(shape(dumped)).toEqual(shape(live));
    expect(shape(live).length).toBeGreaterThanOrEqual(2);
    const liveDefs = (await introspectPostgres(database.db)).indexes.map((i) => i.definition).sort();
    const fileDefs = (await introspectPostgres(fromFile.db)).indexes.map((i) => i.definition).sort();
    expect(fileDefs).toEqual(liveDefs);
  } finally {
    await fromFile.close();
  }
});

test('a schema file has no sizes or usage: its scratch copy\'s empty tables are not reported as "8 kB, 0 scans"', async () => {
  const file = join(dir, 'schema.sql');
  await writeFile(file, SCHEMA);
  const { runCommand } = await import('../helpers/cli.js');
  const json = JSON.parse((await runCommand(['audit', file, '--format', 'json'])).stdout) as {
    findings: { rule: string; index?: string }[];
  };
  // orders_user is a left prefix of orders_user_status: something to drop, whose size the file cannot tell.
  expect(json.findings.some((f) => f.rule === 'redundant-index' && f.index === 'orders_user')).toBe(true);
  const text = (await runCommand(['audit', file])).stdout;
  expect(text).toMatch(/Savings {3}\d+ indexes to drop \(sizes unknown\)/);
  expect(text).not.toMatch(/\d B\b|\d kB|\d scans/);
});
