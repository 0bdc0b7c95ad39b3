/**
 * `dbdoctor apply` on the real local MariaDB, a fresh database per test: audit → fix → apply →
 * re-audit → --rollback restores the index definitions exactly; a rerun owns nothing; a swapped
 * index is refused; a metadata lock held elsewhere makes the step give up after lock_wait_timeout;
 * a user without ALTER is told so; the password never shows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../helpers/cli.js';
import { connectTestServer, createMysqlDatabase, TEST_MYSQL_URL, type TestMysqlDatabase } from './helpers.js';

// InnoDB appends the primary key to every secondary index: ix_name (name) stores (name, id), as ix_name_id does.
const SCHEMA = `CREATE TABLE users (
  id INT PRIMARY KEY, email VARCHAR(100) NOT NULL, name VARCHAR(100),
  UNIQUE KEY uq_email (email), KEY ix_email (email), KEY ix_name (name), KEY ix_name_id (name, id)
) ENGINE=InnoDB`;

let db: TestMysqlDatabase;
let work: string;
let plan: string;
beforeEach(async () => {
  db = await createMysqlDatabase(TEST_MYSQL_URL, 'dbdoctor_apply');
  await db.exec(SCHEMA);
  work = mkdtempSync(join(tmpdir(), 'dbdoctor-mysql-apply-'));
  plan = join(work, 'migration');
});
afterEach(async () => {
  await db?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Every index of the database but the journal's, key part by key part, as information_schema.STATISTICS has them. */
async function catalog(): Promise<unknown[]> {
  const [rows] = await db.connection.query(
    `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, INDEX_TYPE, COLLATION
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME <> 'dbdoctor_journal'
      ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [db.name],
  );
  return rows as unknown[];
}

async function journal(): Promise<{ run_id: string; status: string; summary: string; up_done: number }[]> {
  const [rows] = await db.connection.query('SELECT run_id, status, summary, up_done FROM dbdoctor_journal ORDER BY started_at, position');
  return rows as { run_id: string; status: string; summary: string; up_done: number }[];
}

async function findingKeys(url = db.url): Promise<string[]> {
  const run = await runCommand(['audit', url, '--format', 'json']);
  return (JSON.parse(run.stdout) as { findings: { rule: string; index?: string }[] }).findings.map((f) => `${f.rule} ${f.index ?? ''}`);
}

async function fix(): Promise<void> {
  const run = await runCommand(['fix', db.url, '--output', plan]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

const indexNames = async (): Promise<string[]> => [...new Set((await catalog()).map((r) => (r as { INDEX_NAME: string }).INDEX_NAME))];

describe('dbdoctor apply on MariaDB', () => {
  it('applies the fix, the re-audit shows its findings gone, and --rollback restores every index definition exactly', async () => {
    const original = await catalog();
    const before = await findingKeys();
    expect(before).toEqual(expect.arrayContaining(['duplicate-index ix_email', 'duplicate-index ix_name_id']));
    await fix();
    const applied = await runCommand(['apply', db.url, '--from', plan, '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/journal dbdoctor_journal/);
    // The session line in MySQL's own setting: the default lock timeout of 5 s as whole seconds.
    // MariaDB bounds every statement with max_statement_time: 0, the default, is no bound.
    expect(applied.stdout).toContain('Session: lock_wait_timeout 5s, max_statement_time 0 (none);');
    const after = await findingKeys();
    expect(after).not.toContain('duplicate-index ix_email');
    expect(after).not.toContain('duplicate-index ix_name_id');
    expect(await indexNames()).not.toContain('ix_email');
    expect((await journal()).map((e) => e.status)).toEqual(['applied', 'applied']);

    const rolled = await runCommand(['apply', db.url, '--rollback', '--yes']);
    expect(rolled.stderr).toBe('');
    expect(rolled.code).toBe(0);
    expect(await catalog()).toEqual(original);
    expect((await journal()).map((e) => e.status)).toEqual(['rolled-back', 'rolled-back']);
  });

  it('a second apply of the same plan finds every step done, and its rollback leaves run 1 as it is', async () => {
    const original = await catalog();
    await fix();
    expect((await runCommand(['apply', db.url, '--from', plan, '--yes'])).code).toBe(0);
    const afterRun1 = await catalog();
    const second = await runCommand(['apply', db.url, '--from', plan, '--yes']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/found done/);
    const runs = [...new Set((await journal()).map((e) => e.run_id))];
    expect(runs).toHaveLength(2);
    expect((await journal()).filter((e) => e.run_id === runs[1]).map((e) => e.status)).toEqual(['found-done', 'found-done']);

    expect((await runCommand(['apply', db.url, '--rollback', '--yes'])).code).toBe(0);
    expect(await catalog()).toEqual(afterRun1);
    expect((await journal()).filter((e) => e.run_id === runs[1]).map((e) => e.status)).toEqual(['left-alone', 'left-alone']);
    expect((await runCommand(['apply', db.url, '--rollback', '--yes'])).code).toBe(0);
    expect(await catalog()).toEqual(original);
  });

  it('refuses to drop an index swapped for another definition after the plan was made, and drops nothing', async () => {
    await fix();
    await db.exec('ALTER TABLE users DROP INDEX ix_email, ADD KEY ix_email (email, name)');
    const swapped = await catalog();
    const run = await runCommand(['apply', db.url, '--from', plan, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `${db.name}\\.ix_email is no longer the index the plan was made for \\(it is now KEY \`ix_email\` \\(\`email\`,\`name\`\\)\\)`,
      ),
    );
    expect(await catalog()).toEqual(swapped);
  });

  it('gives up after lock_wait_timeout while another session holds a metadata lock, and the journal shows the step not done', async () => {
    await fix();
    const other = await connectTestServer(TEST_MYSQL_URL, db.name);
    // An open transaction that has read the table holds a shared metadata lock until it ends: ALTER TABLE waits for it.
    await other.query('START TRANSACTION');
    await other.query('SELECT COUNT(*) FROM users');
    let run;
    try {
      run = await runCommand(['apply', db.url, '--from', plan, '--yes', '--lock-timeout', '1s', '--retries', '0']);
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^dbdoctor: step 1\/2 \(.*\) failed: Lock wait timeout exceeded.*\(after 1 attempt\); .*--resume/);
    const [first] = await journal();
    expect(first).toMatchObject({ status: 'failed', up_done: 0 });
    const resumed = await runCommand(['apply', db.url, '--resume', '--yes']);
    expect(resumed.stderr).toBe('');
    expect((await journal()).map((e) => e.status)).toEqual(['applied', 'applied']);
  });

  it("stops an index build that outruns --statement-timeout (MariaDB's max_statement_time): the journal says so, no half-built index is left, and it runs again without the bound", async () => {
    await fix();
    expect((await runCommand(['apply', db.url, '--from', plan, '--yes'])).code).toBe(0);
    const applied = await catalog();
    // Enough rows that rebuilding ix_name_id, the rollback's undo of its drop, takes far longer than 20 ms.
    await db.exec(
      "INSERT INTO users (id, email, name) SELECT seq, CONCAT('user', seq, '@example.com'), CONCAT('name', seq % 997) FROM seq_1_to_300000",
    );
    const bounded = await runCommand(['apply', db.url, '--rollback', '--yes', '--statement-timeout', '20ms']);
    expect(bounded.stdout).toContain('Session: lock_wait_timeout 5s, max_statement_time 20ms;');
    expect(bounded.code).toBe(2);
    expect(bounded.stderr.trim().split('\n')).toHaveLength(1);
    expect(bounded.stderr).toMatch(/interrupted.*max_statement_time/);
    // The killed build left nothing: the indexes are those the apply left.
    expect(await catalog()).toEqual(applied);
    // The step stays half undone in the journal, with the reason, for --rollback to finish.
    const [steps] = await db.connection.query('SELECT summary, status, error FROM dbdoctor_journal ORDER BY position');
    expect(steps).toEqual([
      expect.objectContaining({ status: 'applied', error: null }),
      expect.objectContaining({
        summary: expect.stringContaining('ix_name_id'),
        status: 'rolling-back',
        error: expect.stringMatching(/max_statement_time/),
      }),
    ]);

    const again = await runCommand(['apply', db.url, '--rollback', '--yes']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(await indexNames()).toEqual(expect.arrayContaining(['ix_email', 'ix_name_id']));
  });

  it('tells a user without ALTER what it lacks, and never prints the password', async () => {
    await fix();
    const user = `dbd_apply_${process.pid}`;
    const password = 'Sekr3t-pw-applied';
    await db.connection.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    try {
      await db.connection.query(`GRANT SELECT, INSERT, UPDATE, CREATE ON \`${db.name}\`.* TO '${user}'@'%'`);
      const url = new URL(db.url);
      url.username = user;
      url.password = password;
      const refused = await runCommand(['apply', url.toString(), '--from', plan, '--yes']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(
        `dbdoctor: cannot apply: user '${user}'@'%' lacks ALTER on ${db.name}.users, which changing its indexes needs: GRANT ALTER ON \`${db.name}\`.\`users\` TO '${user}'@'%'\n`,
      );
      await db.connection.query(`GRANT ALTER ON \`${db.name}\`.* TO '${user}'@'%'`);
      const applied = await runCommand(['apply', url.toString(), '--from', plan, '--yes']);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      const [rows] = await db.connection.query('SELECT * FROM dbdoctor_journal');
      for (const text of [refused.stdout, refused.stderr, applied.stdout, JSON.stringify(rows)]) expect(text).not.toContain(password);
    } finally {
      await db.connection.query(`DROP USER '${user}'@'%'`);
    }
  });

  it.each([
    ['through a role enabled by default', 'role'],
    ['by a database-name pattern (`db\\_%`.*)', 'pattern'],
  ] as const)('lets through a user granted what apply needs %s', async (_how, kind) => {
    await fix();
    const user = `dbd_grant_${kind}_${process.pid}`;
    const role = `dbd_role_${process.pid}`;
    const password = 'An0ther-Sekr3t';
    const privileges = 'SELECT, INSERT, UPDATE, CREATE, ALTER';
    // The database's name as a LIKE pattern, each `_` escaped as a grant spells a literal one, the tail a wildcard.
    const pattern = `${db.name.slice(0, -2).replace(/_/g, '\\_')}%`;
    await db.connection.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    try {
      if (kind === 'role') {
        await db.connection.query(`CREATE ROLE ${role}`);
        await db.connection.query(`GRANT ${privileges} ON \`${db.name}\`.* TO ${role}`);
        await db.connection.query(`GRANT ${role} TO '${user}'@'%'`);
        await db.connection.query(`SET DEFAULT ROLE ${role} FOR '${user}'@'%'`);
      } else {
        await db.connection.query(`GRANT ${privileges} ON \`${pattern}\`.* TO '${user}'@'%'`);
      }
      const url = new URL(db.url);
      url.username = user;
      url.password = password;
      const applied = await runCommand(['apply', url.toString(), '--from', plan, '--yes']);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect((await journal()).map((e) => e.status)).toEqual(['applied', 'applied']);
    } finally {
      await db.connection.query(`DROP USER '${user}'@'%'`);
      if (kind === 'role') await db.connection.query(`DROP ROLE ${role}`);
    }
  });
});
