/**
 * `dbdoctor apply` on real SQLite files: audit → fix → apply → re-audit → --rollback restores
 * sqlite_schema exactly; a rerun owns nothing; a swapped index is refused; a second apply waits
 * for the run lock; the journal is a table in the file.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/apply/journal.js';
import { runCli } from '../../../src/cli/program.js';
import { openSqliteForApply } from '../../../src/dialects/sqlite/apply.js';
import type { PlanStep } from '../../../src/plan/types.js';
import { runCommand } from '../../helpers/cli.js';
import { createSqliteFile, temporaryFolder } from './helpers.js';

const SCHEMA = `
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, UNIQUE (email));
CREATE INDEX ix_email ON users (email);
CREATE INDEX ix_name_id ON users (name, id);
CREATE INDEX ix_name ON users (name);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), title TEXT);
`;

let folder: ReturnType<typeof temporaryFolder>;
let file: string;
let plan: string;
beforeEach(() => {
  folder = temporaryFolder();
  file = join(folder.dir, 'app.db');
  plan = join(folder.dir, 'migration');
  createSqliteFile(file, SCHEMA);
});
afterEach(() => folder.remove());

/** The catalog apply changes: every object of sqlite_schema but the journal, with its SQL. */
function catalog(): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE tbl_name <> 'dbdoctor_journal' ORDER BY type, name`).all();
  } finally {
    db.close();
  }
}

function journal(): { run_id: string; status: string; summary: string }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT run_id, status, summary FROM dbdoctor_journal ORDER BY started_at, position').all() as {
      run_id: string;
      status: string;
      summary: string;
    }[];
  } finally {
    db.close();
  }
}

async function findingKeys(): Promise<string[]> {
  const run = await runCommand(['audit', file, '--format', 'json']);
  const findings = (JSON.parse(run.stdout) as { findings: { rule: string; index?: string }[] }).findings;
  return findings.map((f) => `${f.rule} ${f.index ?? ''}`).sort();
}

async function fix(): Promise<void> {
  const run = await runCommand(['fix', file, '--output', plan]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

describe('dbdoctor apply on a SQLite file', () => {
  it('applies the fix, the re-audit shows its findings gone, and --rollback restores sqlite_schema exactly', async () => {
    const original = catalog();
    const before = await findingKeys();
    // ix_email repeats UNIQUE (email); ix_name_id is (name, rowid), exactly what ix_name (name) stores with its rowid.
    expect(before).toEqual(expect.arrayContaining(['duplicate-index ix_email', 'duplicate-index ix_name_id']));
    await fix();
    const applied = await runCommand(['apply', file, '--from', plan, '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/journal dbdoctor_journal/);
    // The session line in SQLite's own setting: the default lock timeout of 5 s as busy_timeout.
    expect(applied.stdout).toContain('Session: busy_timeout 5000ms (SQLite has no statement timeout)');
    const after = await findingKeys();
    expect(after).not.toContain('duplicate-index ix_email');
    expect(after).not.toContain('duplicate-index ix_name_id');
    const names = catalog().map((r) => (r as { name: string }).name);
    expect(names).not.toContain('ix_email');
    expect(names).not.toContain('ix_name_id');
    expect(names).toContain('ix_name');
    expect(journal().every((e) => e.status === 'applied')).toBe(true);

    const rolled = await runCommand(['apply', file, '--rollback', '--yes']);
    expect(rolled.stderr).toBe('');
    expect(rolled.code).toBe(0);
    expect(catalog()).toEqual(original);
    expect(await findingKeys()).toEqual(before);
    expect(journal().every((e) => e.status === 'rolled-back')).toBe(true);
  });

  it('a second apply of the same plan finds every step done, and its rollback leaves run 1 as it is', async () => {
    const original = catalog();
    await fix();
    expect((await runCommand(['apply', file, '--from', plan, '--yes'])).code).toBe(0);
    const afterRun1 = catalog();
    const second = await runCommand(['apply', file, '--from', plan, '--yes']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/found done/);
    expect(catalog()).toEqual(afterRun1);
    const runs = [...new Set(journal().map((e) => e.run_id))];
    expect(runs).toHaveLength(2);
    expect(
      journal()
        .filter((e) => e.run_id === runs[1])
        .every((e) => e.status === 'found-done'),
    ).toBe(true);

    expect((await runCommand(['apply', file, '--rollback', '--yes'])).code).toBe(0);
    expect(catalog()).toEqual(afterRun1);
    expect(
      journal()
        .filter((e) => e.run_id === runs[1])
        .every((e) => e.status === 'left-alone'),
    ).toBe(true);
    // The next rollback is run 1's, which made the changes.
    expect((await runCommand(['apply', file, '--rollback', '--yes'])).code).toBe(0);
    expect(catalog()).toEqual(original);
  });

  it('refuses to drop an index swapped for another definition after the plan was made, and drops nothing', async () => {
    await fix();
    const db = new Database(file);
    // The plan drops ix_name_id (the rowid makes it ix_name's duplicate); it becomes another index under the same name.
    db.exec('DROP INDEX ix_name_id; CREATE INDEX ix_name_id ON users (name, email)');
    db.close();
    const swapped = catalog();
    const run = await runCommand(['apply', file, '--from', plan, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /main\.ix_name_id is no longer the index the plan was made for \(it is now CREATE INDEX ix_name_id ON users \(name, email\)\); make a new plan/,
    );
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    const ixNameId = (rows: unknown[]): unknown[] => rows.filter((r) => (r as { name: string }).name === 'ix_name_id');
    expect(ixNameId(catalog())).toEqual(ixNameId(swapped));
    expect(journal().find((e) => e.summary.includes('ix_name_id'))?.status).toBe('failed');
  });

  it('refuses a second apply while another holds the run lock', async () => {
    await fix();
    const holder = new Database(`${file}.dbdoctor-lock`);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const run = await runCommand(['apply', file, '--from', plan, '--yes']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/another dbdoctor apply or rollback is running on this database/);
    } finally {
      holder.exec('COMMIT');
      holder.close();
    }
    expect((await runCommand(['apply', file, '--from', plan, '--yes'])).code).toBe(0);
  });

  it('a write lock held by another connection makes apply give up after the lock timeout, changing nothing', async () => {
    await fix();
    const original = catalog();
    const writer = new Database(file);
    writer.exec('BEGIN IMMEDIATE');
    let run;
    try {
      run = await runCommand(['apply', file, '--from', plan, '--yes', '--lock-timeout', '200ms', '--retries', '0']);
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
    // SQLite locks the whole file: not even the journal can be written, so the run never starts.
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'dbdoctor: could not record the run in dbdoctor_journal: database is locked (another session held a lock through 1 try of 200 ms); ' +
        'nothing was changed: run it again when the lock is free, or with a longer --lock-timeout\n',
    );
    expect(catalog()).toEqual(original);
    // Not even the journal's table: the file is exactly as it was.
    expect(() => journal()).toThrow(/no such table: dbdoctor_journal/);
    expect((await runCommand(['apply', file, '--from', plan, '--yes'])).code).toBe(0);
  });

  it('a write lock released while apply backs off: the journal is written on the next try and the run applies', async () => {
    await fix();
    const writer = new Database(file);
    writer.exec('BEGIN IMMEDIATE');
    let released = false;
    // Released as apply reports its first timeout, before its backoff ends: the next try finds the file free.
    const stdout = (text: string): boolean => {
      if (!released && text.includes('gave up waiting for a lock')) {
        writer.exec('ROLLBACK');
        writer.close();
        released = true;
      }
      return true;
    };
    const code = await runCli(
      ['apply', file, '--from', plan, '--yes', '--lock-timeout', '200ms', '--retries', '3'],
      { stdout: { write: stdout, isTTY: false }, env: {} },
      { write: () => true },
    );
    if (!released) writer.close();
    expect(released).toBe(true);
    expect(code).toBe(0);
    // One run, written whole on the try that succeeded, every step applied.
    expect(new Set(journal().map((e) => e.run_id)).size).toBe(1);
    expect(journal().every((e) => e.status === 'applied')).toBe(true);
    const names = catalog().map((r) => (r as { name: string }).name);
    expect(names).not.toContain('ix_email');
    expect(names).not.toContain('ix_name_id');
  });
});

describe('the journal of a SQLite file', () => {
  // 4,500 steps of 8 parameters each: 36,000, more than SQLite takes in one statement (32,766).
  const manySteps = (): PlanStep[] =>
    Array.from({ length: 4500 }, (_, i) => ({ id: `step-${i + 1}`, summary: `step ${i + 1}` })) as unknown as PlanStep[];

  it('records a plan longer than one INSERT can carry (32,766 parameters) whole, every step in order', async () => {
    const writable = await openSqliteForApply(file);
    const steps = manySteps();
    try {
      const journal = new Journal(writable.db, writable.dialect.journal);
      await journal.ensure();
      const runId = await journal.startRun(steps, 'a test', file);
      const entries = (await journal.latestRun()) ?? [];
      expect(entries.map((e) => e.runId)).toEqual(steps.map(() => runId));
      expect(entries.map((e) => e.position)).toEqual(steps.map((_, i) => i + 1));
    } finally {
      await writable.close();
    }
  });

  it('records none of such a plan when a later part of it fails: no partial run is left', async () => {
    const writable = await openSqliteForApply(file);
    const steps = manySteps();
    // A step JSON cannot hold: the third INSERT (steps 2,001 to 3,000) fails after two have run.
    (steps[2500] as unknown as { size: bigint }).size = 1n;
    try {
      const journal = new Journal(writable.db, writable.dialect.journal);
      await journal.ensure();
      await expect(journal.startRun(steps, 'a test', file)).rejects.toThrow(/BigInt/);
      expect(await journal.latestRun()).toBeNull();
    } finally {
      await writable.close();
    }
  });
});
