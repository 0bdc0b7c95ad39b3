import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { runCli } from '../../src/cli/program.js';
import { introspectPostgres } from '../../src/dialects/postgres/introspect/index.js';
import { matchIndex } from '../../src/semantics/query-match.js';
import { readWorkload } from '../../src/workload/read.js';
import { createPgliteDatabase, createServerDatabase, TEST_SERVER_URL, type TestDatabase } from '../helpers/databases.js';

const SCHEMA = `
  CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, status text NOT NULL, deleted_at timestamptz);
  CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
  CREATE INDEX orders_user_created ON orders (user_id, created_at);
  CREATE INDEX users_lower_email ON users (lower(email)) WHERE deleted_at IS NULL;
  INSERT INTO users (email, status) SELECT 'user' || g || '@example.com', 'active' FROM generate_series(1, 50) g;
  INSERT INTO orders (user_id, status) SELECT 1 + g % 50, 'open' FROM generate_series(1, 200) g;
`;

const QUERY_FILE = `
-- The login lookup, as the application writes it.
-- calls: 500
SELECT id FROM users WHERE lower(email) = lower('someone@example.com') AND deleted_at IS NULL;

-- calls: 80
SELECT * FROM orders WHERE user_id = 3 ORDER BY created_at DESC LIMIT 10;
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-workload-'));
  await writeFile(join(dir, 'queries.sql'), QUERY_FILE);
});

describe('pg_stat_statements on the PostgreSQL server', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createServerDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  test('the server preloads pg_stat_statements (CI configures shared_preload_libraries)', async () => {
    const { rows } = await database.db.query('SHOW shared_preload_libraries');
    expect((rows[0] as { shared_preload_libraries: string }).shared_preload_libraries).toMatch(/pg_stat_statements/);
  });

  test('not installed in the database: a note, no statements, no error', async () => {
    await database.exec('CREATE TABLE t (a int)');
    const model = await introspectPostgres(database.db);
    const workload = await readWorkload({ db: database.db, model });
    expect(workload.queries).toEqual([]);
    expect(workload.sources).toEqual([]);
    expect(workload.notes).toEqual([
      expect.stringMatching(/loaded but not installed in this database: run CREATE EXTENSION pg_stat_statements/),
    ]);
    await database.exec('DROP TABLE t');
  });

  test('calls, times, rows and blocks of this database only, merged with a query file by fingerprint', async () => {
    await database.exec(`CREATE EXTENSION pg_stat_statements; ${SCHEMA}`);
    await database.exec('SELECT pg_stat_statements_reset()');
    const client = database.db as pg.Client;
    for (const email of ['user1@example.com', 'user2@example.com', 'nobody@example.com']) {
      await client.query(`SELECT id FROM users WHERE lower(email) = lower('${email}') AND deleted_at IS NULL`);
    }
    for (const user of [1, 2]) await client.query('SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 10', [user]);
    // The same text in another database must not be counted here.
    const other = new pg.Client({ connectionString: TEST_SERVER_URL });
    await other.connect();
    try {
      await other.query('SELECT 424242 AS dbdoctor_other_database_marker');
    } finally {
      await other.end();
    }

    const model = await introspectPostgres(database.db);
    const workload = await readWorkload({ db: database.db, model, queryFiles: [join(dir, 'queries.sql')] });
    expect(workload.sources).toEqual(['pg_stat_statements', 'file']);
    expect(workload.notes).toEqual(
      expect.arrayContaining([expect.stringMatching(/^pg_stat_statements 1\.\d+: \d+ statements of this database$/)]),
    );
    expect(workload.queries.some((q) => q.text.includes('dbdoctor_other_database_marker'))).toBe(false);

    const login = workload.queries.find((q) => q.text.includes('lower(email)'));
    expect(login).toMatchObject({ calls: 3, rows: 2, sources: ['pg_stat_statements', 'file'], command: 'select' });
    // pg_stat_statements counts; the file gives the example with its constants.
    expect(login?.example).toBe("SELECT id FROM users WHERE lower(email) = lower('someone@example.com') AND deleted_at IS NULL");
    expect(login?.totalMs).toBeGreaterThan(0);
    expect(login?.meanMs).toBeCloseTo((login?.totalMs ?? 0) / 3, 9);
    expect((login?.sharedBlocksHit ?? 0) + (login?.sharedBlocksRead ?? 0)).toBeGreaterThan(0);

    const feed = workload.queries.find((q) => q.text.includes('FROM orders WHERE user_id'));
    expect(feed).toMatchObject({ calls: 2, rows: 8, limit: 10 }); // 200 orders over 50 users: 4 each

    // The analysis feeds the matching: the partial expression index serves the login query.
    const index = model.indexes.find((i) => i.name === 'users_lower_email');
    const group = login?.groups.find((g) => g.table.table === 'users');
    expect(index && group && matchIndex(group, index)).toMatchObject({ usableKeys: 1, predicateImplied: true, serves: true });
  });

  test("a role without pg_read_all_stats: other roles' statements are hidden, and said", async () => {
    const role = `dbdoctor_wl_${process.pid}_${Date.now()}`;
    await database.exec(`CREATE ROLE ${role}`);
    try {
      await database.exec(`SET ROLE ${role}`);
      const model = await introspectPostgres(database.db);
      const workload = await readWorkload({ db: database.db, model });
      expect(workload.notes).toEqual(expect.arrayContaining([expect.stringMatching(/statements of other roles hidden from this role/)]));
      expect(workload.queries.some((q) => q.text.includes('FROM orders WHERE user_id'))).toBe(false);
    } finally {
      await database.exec('RESET ROLE');
      await database.exec(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });

  test('auditPostgres reads the workload from its sources, and the CLI takes --queries and --log', async () => {
    const result = await auditPostgres(
      database.db,
      { kind: 'postgres', name: 'test' },
      { workloadSources: { queryFiles: [join(dir, 'queries.sql')] }, planner: false },
    );
    expect(result.workload?.sources).toEqual(['pg_stat_statements', 'file']);
    expect(result.workload?.queries.length).toBeGreaterThanOrEqual(2);

    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (s: string) => (stdout += s), isTTY: false }, env: {} };
    const code = await runCli(
      ['audit', database.url ?? '', '--queries', join(dir, 'queries.sql'), '--format', 'json', '--fail-on', 'none'],
      io,
      { write: (s: string) => (stderr += s) },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ version: 1 });

    stderr = '';
    const missing = await runCli(['audit', database.url ?? '', '--log', join(dir, 'no-such.log')], io, {
      write: (s: string) => (stderr += s),
    });
    expect(missing).toBe(2);
    expect(stderr).toMatch(/^dbdoctor: cannot read log file .*no-such\.log: ENOENT\n$/);
  });
});

describe('PGlite', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createPgliteDatabase();
    await database.exec(SCHEMA);
  });
  afterAll(async () => {
    await database?.close();
  });

  test('a query file is analyzed against the model; the missing pg_stat_statements is said', async () => {
    const model = await introspectPostgres(database.db);
    const workload = await readWorkload({ db: database.db, model, queryFiles: [join(dir, 'queries.sql')] });
    expect(workload.sources).toEqual(['file']);
    expect(workload.notes).toEqual(
      expect.arrayContaining([expect.stringMatching(/pg_stat_statements is not available on this server \(PGlite has none/)]),
    );
    expect(workload.queries.map((q) => [q.text, q.calls])).toEqual([
      ['SELECT id FROM users WHERE lower(email) = lower($1) AND deleted_at IS NULL', 500],
      ['SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2', 80],
    ]);
    const feed = workload.queries[1];
    const index = model.indexes.find((i) => i.name === 'orders_user_created');
    const group = feed?.groups[0];
    expect(group?.table).toEqual({ schema: 'public', table: 'orders', inModel: true });
    expect(index && group && matchIndex(group, index)).toMatchObject({ usableKeys: 1, usesOrder: true, serves: true });
  });
});
