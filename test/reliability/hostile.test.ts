/**
 * Hostile names and hostile environments: identifiers holding a line break, ANSI escape
 * sequences, backticks, pipes and HTML reach no terminal or document raw; an output path that
 * cannot be written is one line and exit 2; a role that cannot apply is told which privilege it
 * lacks before anything runs.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, createFaultsDatabase, urlOf, type FaultsDatabase } from './support.js';

const ESC = '\u001b';
/** A table name a quoted identifier allows: a line break, colour and screen-clearing escapes, backticks, a pipe, HTML. */
const TABLE = `ev\nil${ESC}[31mred\`tick\`|pipe<b>`;
const INDEX = `ix${ESC}[2J\nclear`;
const quoted = (name: string): string => `"${name.replace(/"/g, '""')}"`;

const SCHEMA = `
CREATE TABLE ${quoted(TABLE)} (id int PRIMARY KEY, v int);
CREATE INDEX ${quoted(INDEX)} ON ${quoted(TABLE)} (v);
CREATE INDEX "ix_dup\`" ON ${quoted(TABLE)} (v);
INSERT INTO ${quoted(TABLE)} SELECT g, g FROM generate_series(1, 100) g;
CREATE TABLE plain (id int PRIMARY KEY, v int);
CREATE INDEX plain_v ON plain (v);
CREATE INDEX plain_v_dup ON plain (v);
ANALYZE;`;

let db: FaultsDatabase;
let dir: string;
const role = `faults_ro_${process.pid}`;

beforeAll(async () => {
  db = await createFaultsDatabase('hostile', SCHEMA);
  dir = await mkdtemp(join(tmpdir(), 'faults-hostile-'));
  await db.client.query(`DROP ROLE IF EXISTS ${role}; CREATE ROLE ${role} LOGIN`);
});
afterAll(async () => {
  await db?.drop();
  await db?.client.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: urlOf('postgres') });
  await admin.connect();
  await admin.query(`DROP ROLE IF EXISTS ${role}`);
  await admin.end();
});

/**
 * No escape character and, except in HTML (where a line break inside text is a space), no line
 * that starts inside a name (the name's own line break).
 */
function expectHarmless(where: string, text: string): void {
  expect(text.includes(ESC), `${where} holds a raw ESC`).toBe(false);
  if (where.includes('html')) return;
  for (const line of text.split('\n')) {
    expect(line.startsWith('il'), `${where}: a name's line break reached the output`).toBe(false);
    expect(line.startsWith('clear'), `${where}: a name's line break reached the output`).toBe(false);
  }
}

describe('identifiers with line breaks, escapes, backticks, pipes and HTML', () => {
  test('every human-readable output shows them harmless; JSON keeps them exact', async () => {
    for (const format of ['text', 'markdown', 'html']) {
      const run = await cli(['audit', db.url, '--format', format, '--fail-on', 'none', '--stats-since', '2020-01-01']);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('ix_dup`');
      expectHarmless(`audit --format ${format}`, run.stdout);
    }
    const html = await cli(['audit', db.url, '--format', 'html', '--fail-on', 'none']);
    expect(html.stdout).toContain('pipe&lt;b&gt;');
    expect(html.stdout).not.toContain('pipe<b>');
    const markdown = await cli(['audit', db.url, '--format', 'markdown', '--fail-on', 'none']);
    // The pipe in the name is escaped in table cells, so the row keeps its columns.
    for (const row of markdown.stdout.split('\n').filter((l) => l.startsWith('|') && l.includes('pipe'))) {
      expect(row).toContain('\\|pipe');
    }
    const json = await cli(['audit', db.url, '--format', 'json', '--fail-on', 'none']);
    const tables = (JSON.parse(json.stdout) as { findings: { table: string }[] }).findings.map((f) => f.table);
    expect(tables).toContain(TABLE);

    for (const format of ['markdown', 'html']) {
      const file = join(dir, `strategy.${format}`);
      const docs = await cli(['docs', db.url, '--format', format, '--output', file]);
      expect(docs.code).toBe(0);
      expectHarmless(`docs --format ${format}`, docs.stdout + (await readFile(file, 'utf8')));
    }
    const fix = await cli(['fix', db.url, '--output', join(dir, 'fix'), '--stats-since', '2020-01-01']);
    expect(fix.stderr).toBe('');
    expect(fix.stdout).toContain('ix_dup`');
    expectHarmless('fix', fix.stdout);
    const dry = await cli(['apply', db.url, '--dry-run', '--stats-since', '2020-01-01']);
    expect(dry.stdout).toContain('ix_dup`');
    expectHarmless('apply --dry-run', dry.stdout);
    const apply = await cli(['apply', db.url, '--yes', '--stats-since', '2020-01-01', '--rule', 'duplicate-index']);
    expect(apply.stderr).toBe('');
    expectHarmless('apply', apply.stdout);
    const rollback = await cli(['apply', db.url, '--rollback', '--yes']);
    expect(rollback.stderr).toBe('');
    expectHarmless('apply --rollback', rollback.stdout);
  });
});

describe('output paths that cannot be written', () => {
  test.each([
    ['fix', (target: string, path: string) => ['fix', target, '--output', path]],
    ['audit', (target: string, path: string) => ['audit', target, '--output', path, '--fail-on', 'none']],
    ['docs', (target: string, path: string) => ['docs', target, '--output', path]],
  ])('%s: a pseudo file system and a path through a file are one line, exit 2', async (_name, args) => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    for (const path of ['/proc/faults-x', join(file, 'below'), '/proc/self/faults/x']) {
      const run = await cli(args(db.url, path));
      expect(run.code, path).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      // Refused before the audit runs where it can be (naming the option), else when the report is written.
      expect(run.stderr).toMatch(/^dbdoctor: (--output: )?cannot write /);
      expect(run.stderr).not.toMatch(/internal error/);
    }
  });
});

describe('a role that cannot apply', () => {
  const asRole = (): string => urlOf(db.name, role);

  test('audit works; apply names the missing CREATE on the database, then the table owner, then a read-only session', async () => {
    // The journal an earlier apply here left (as postgres) would stand in the way of the first check.
    await db.client.query('DROP SCHEMA IF EXISTS dbdoctor CASCADE');
    const audit = await cli(['audit', asRole(), '--format', 'json', '--fail-on', 'none']);
    expect(audit.stderr).toBe('');

    const noCreate = await cli(['apply', asRole(), '--yes', '--rule', 'duplicate-index', '--table', 'plain']);
    expect(noCreate.code).toBe(2);
    expect(noCreate.stderr).toBe(
      `dbdoctor: cannot apply: role ${role} lacks CREATE on database ${db.name}, which apply needs for its journal (schema dbdoctor): GRANT CREATE ON DATABASE ${db.name} TO ${role}, or CREATE SCHEMA dbdoctor AUTHORIZATION ${role}\n`,
    );

    await db.client.query(`GRANT CREATE ON DATABASE ${db.name} TO ${role}`);
    const notOwner = await cli(['apply', asRole(), '--yes', '--rule', 'duplicate-index', '--table', 'plain']);
    expect(notOwner.code).toBe(2);
    expect(notOwner.stderr).toMatch(
      new RegExp(
        `^dbdoctor: cannot apply: role ${role} does not own public\\.plain; CREATE INDEX, DROP INDEX and ALTER TABLE need the table's owner \\(postgres\\) or a member of that role`,
      ),
    );
    // Nothing was done: not even the journal.
    const { rows } = await db.client.query(`SELECT to_regnamespace('dbdoctor') IS NULL AS absent`);
    expect(rows).toEqual([{ absent: true }]);

    await db.client.query(`ALTER TABLE plain OWNER TO ${role}; ALTER ROLE ${role} SET default_transaction_read_only = on`);
    const readOnly = await cli(['apply', asRole(), '--yes', '--rule', 'duplicate-index', '--table', 'plain']);
    expect(readOnly.code).toBe(2);
    expect(readOnly.stderr).toMatch(
      new RegExp(`^dbdoctor: cannot apply: role ${role}'s session is read-only \\(default_transaction_read_only is on\\)`),
    );

    await db.client.query(`ALTER ROLE ${role} RESET default_transaction_read_only; CREATE SCHEMA dbdoctor`);
    const noUsage = await cli(['apply', asRole(), '--yes', '--rule', 'duplicate-index', '--table', 'plain']);
    expect(noUsage.code).toBe(2);
    expect(noUsage.stderr).toBe(
      `dbdoctor: cannot apply: role ${role} lacks USAGE on schema dbdoctor, where apply keeps its journal: GRANT USAGE, CREATE ON SCHEMA dbdoctor TO ${role}\n`,
    );
    for (const command of [
      ['apply', asRole(), '--rollback', '--yes'],
      ['apply', asRole(), '--resume', '--yes'],
    ]) {
      const run = await cli(command);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^dbdoctor: cannot apply: role \S+ lacks USAGE on schema dbdoctor/);
    }
    await db.client.query(`GRANT USAGE, CREATE ON SCHEMA dbdoctor TO ${role}`);
    const works = await cli(['apply', asRole(), '--yes', '--rule', 'duplicate-index', '--table', 'plain']);
    expect(works.stderr).toBe('');
    expect(works.stdout).toContain('Applied.');
  });
});

describe('typos that used to pass silently', () => {
  test('an ignore entry naming an unknown rule is refused in one line', async () => {
    const config = join(dir, 'typo.yaml');
    await writeFile(config, 'ignore:\n  - rule: unused-indexes\n    reason: month-end report\n');
    const run = await cli(['audit', db.url, '--config', config]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^dbdoctor: invalid config .*typo\.yaml: ignore\[0\]\.rule: .*"unused-index"/);
  });

  test('pool --set with a value the setting cannot take is refused; a number is taken', async () => {
    const bad = await cli(['pool', '--set', 'pool_size=abc', '--driver', 'sqlalchemy']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('dbdoctor: --set pool_size="abc": not a value sqlalchemy takes for this setting (a number or true/false)\n');
    const good = await cli(['pool', '--set', 'pool_size=7', '--driver', 'sqlalchemy', '--format', 'json']);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
  });
});
