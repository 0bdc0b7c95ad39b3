import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import knex from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteFile, databaseState, temporaryFolder } from './helpers.js';

const CLI = fileURLToPath(new URL('../../../dist/src/cli/main.js', import.meta.url));

const SCHEMA = `
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, UNIQUE (email));
CREATE INDEX ix_email ON users (email);
CREATE INDEX ix_email_nocase ON users (email COLLATE NOCASE);
CREATE INDEX ix_name_id ON users (name, id);
CREATE INDEX ix_name ON users (name);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), draft INTEGER, title TEXT);
CREATE INDEX ix_posts_user_partial ON posts (user_id) WHERE draft = 0;
CREATE TABLE tags (k TEXT, v TEXT, PRIMARY KEY (k, v)) WITHOUT ROWID;
CREATE INDEX ix_v_k ON tags (v, k);
CREATE INDEX ix_v ON tags (v);
CREATE TABLE logs (msg TEXT);
`;

interface Finding {
  rule: string;
  table?: string;
  index?: string;
  constraint?: string;
  coveredBy?: string;
  fix?: { up: string[]; down: string[] };
}

const folder = temporaryFolder();
const file = join(folder.dir, 'app.sqlite');
let findings: Finding[];
let before: Record<string, string | null>;

beforeAll(() => {
  createSqliteFile(file, SCHEMA);
  before = databaseState(file);
  try {
    execFileSync(process.execPath, [CLI, 'audit', file, '--format', 'json'], { encoding: 'utf8' });
    throw new Error('the audit found nothing');
  } catch (error) {
    findings = (JSON.parse((error as { stdout: string }).stdout) as { findings: Finding[] }).findings;
  }
});
afterAll(() => folder.remove());

function schemaRows(): unknown[] {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name').all();
  db.close();
  return rows;
}

describe('SQLite: index semantics', () => {
  it('leaves the file and its companions byte for byte as they were', () => {
    expect(databaseState(file)).toEqual(before);
  });

  it('INTEGER PRIMARY KEY is the rowid, WITHOUT ROWID ends every index with the key, NOCASE differs, the autoindex stays', () => {
    const drops = findings
      .filter((f) => f.rule === 'duplicate-index' || f.rule === 'redundant-index')
      .map((f) => `${f.rule} ${f.table}.${f.index} -> ${f.coveredBy}`)
      .sort();
    expect(drops).toEqual([
      'duplicate-index tags.ix_v_k -> ix_v',
      'duplicate-index users.ix_email -> sqlite_autoindex_users_1',
      'duplicate-index users.ix_name_id -> ix_name',
    ]);
  });

  it('a partial index does not serve the foreign-key check; a table without primary key gets no fix', () => {
    const fk = findings.filter((f) => f.rule === 'unindexed-foreign-key');
    expect(fk.map((f) => [f.table, f.fix?.up])).toEqual([
      ['posts', ['CREATE INDEX IF NOT EXISTS "main"."posts_user_id_idx" ON "posts" ("user_id")']],
    ]);
    const pk = findings.filter((f) => f.rule === 'table-without-primary-key');
    expect(pk.map((f) => [f.table, f.fix])).toEqual([['logs', undefined]]);
  });

  it('every fix applies in a transaction and its way back restores sqlite_schema exactly', () => {
    const original = schemaRows();
    for (const finding of findings.filter((f) => f.fix !== undefined)) {
      const db = new Database(file);
      db.transaction(() => finding.fix!.up.forEach((sql) => db.exec(sql)))();
      db.transaction(() => finding.fix!.down.forEach((sql) => db.exec(sql)))();
      db.close();
      expect(schemaRows()).toEqual(original);
    }
  });

  it('dbdoctor fix --format knex writes a migration knex runs in a transaction, up and back down', async () => {
    const original = schemaRows();
    const dir = join(folder.dir, 'migrations');
    execFileSync(process.execPath, [CLI, 'fix', file, '--format', 'knex', '--output', dir], { encoding: 'utf8' });
    const db = knex({
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
      migrations: { directory: dir, loadExtensions: ['.js'] },
    });
    try {
      await db.migrate.latest();
      const names = (schemaRows() as { name: string }[]).map((r) => r.name);
      expect(names).toContain('posts_user_id_idx');
      expect(names).not.toContain('ix_email');
      await db.migrate.rollback();
    } finally {
      await db.destroy();
    }
    // knex's own bookkeeping (its tables, and the sqlite_sequence their AUTOINCREMENT creates) aside.
    expect(schemaRows().filter((r) => !/^(knex_|sqlite_sequence$)/.test((r as { name: string }).name))).toEqual(original);
  });

  it('low-cardinality-index from sqlite_stat1: the distinct count ANALYZE kept, and that the shares are unknown', () => {
    const path = join(folder.dir, 'stat1.sqlite');
    createSqliteFile(
      path,
      'CREATE TABLE t (id INTEGER PRIMARY KEY, flag INTEGER, email TEXT); CREATE INDEX ix_flag ON t (flag); CREATE INDEX ix_email ON t (email);',
    );
    const db = new Database(path);
    const insert = db.prepare('INSERT INTO t (flag, email) VALUES (?, ?)');
    // 20,000 rows, flag alternating 0/1: ANALYZE records 2 distinct values for ix_flag, 20,000 for ix_email.
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run(i % 2, `user${i}@example.com`);
    })();
    db.exec('ANALYZE');
    db.close();
    const run = (() => {
      try {
        return execFileSync(process.execPath, [CLI, 'audit', path, '--format', 'json'], { encoding: 'utf8' });
      } catch (error) {
        return (error as { stdout: string }).stdout;
      }
    })();
    const low = (JSON.parse(run) as { findings: (Finding & { message: string })[] }).findings.filter(
      (f) => f.rule === 'low-cardinality-index',
    );
    expect(low.map((f) => f.index)).toEqual(['ix_flag']);
    expect(low[0]!.message).toContain('2 distinct values over ~20,000 rows (how the rows share them is not known');
  });
});
