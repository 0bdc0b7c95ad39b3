/**
 * Bad input for a models target, through the command line: a folder with nothing to read, a model
 * with a syntax error, a module that fails to import, a Python without SQLAlchemy. Each gets one
 * clear line on stderr (before the report); exit 2 only when nothing could be read, and otherwise
 * the report of the rest, read statically where importing failed.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCommand } from '../helpers/cli.js';
import { pythonWithAlembic } from '../helpers/python.js';

/** A model with a column indexed twice (index=True and an Index on it): one duplicate-index finding. */
const BASE_MODEL = `from sqlalchemy import Column, Index, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Account(Base):
    __tablename__ = "accounts"
    id = Column(Integer, primary_key=True)
    email = Column(String(200), index=True)
    __table_args__ = (Index("ix_accounts_email_again", "email"),)
`;

/** A second model whose foreign key has no index (PostgreSQL creates none): one unindexed-foreign-key finding. */
const child = (firstLine: string): string => `${firstLine}
from sqlalchemy import Column, ForeignKey, Integer
from .account import Base


class Session(Base):
    __tablename__ = "sessions"
    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("accounts.id"))
`;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dbdoctor-bad-models-'));
});

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return dir;
}

/** The text report with its wrapped lines joined: limitations are checked as sentences. */
/** What stderr said, line by line. */
function stderrLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '');
}

async function runText(args: readonly string[]): Promise<{ stdout: string }> {
  const run = await runCommand(args);
  return { stdout: run.stdout.replace(/\s+/g, ' ') };
}

interface JsonReport {
  readonly findings: readonly { readonly rule: string; readonly table: string; readonly index?: string }[];
}

function findings(stdout: string): string[] {
  return (JSON.parse(stdout) as JsonReport).findings
    .filter((f) => f.rule === 'duplicate-index' || f.rule === 'unindexed-foreign-key')
    .map((f) => `${f.rule} ${f.table}.${f.index ?? ''}`)
    .sort();
}

describe('models targets given bad input', () => {
  test('a folder with neither .sql files nor models: one line naming both, exit 2', async () => {
    const empty = await folder('empty', {});
    const scripts = await folder('scripts', { 'tool.py': 'print("not a model")\n' });
    for (const [dir, what] of [
      [empty, 'no .py files'],
      [scripts, '1 .py file, none importing SQLAlchemy'],
    ] as const) {
      const run = await runCommand(['audit', dir]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toEqual([
        `dbdoctor: ${dir} holds neither .sql files nor SQLAlchemy models (${what}): give a .sql file, a folder of migrations, a folder of models, or a database URL`,
      ]);
    }
  });

  test('a model with a syntax error: the line is named, the other models are still audited', async () => {
    const session = child('import os').replace('class Session(Base):', 'class Session(Base)');
    const line = session.split('\n').indexOf('class Session(Base)') + 1;
    const dir = await folder('syntax', { 'account.py': BASE_MODEL, 'session.py': session });
    const run = await runCommand(['audit', dir, '--format', 'json', '--python', await pythonWithAlembic()]);
    expect(run.code).toBe(1);
    expect(stderrLines(run.stderr)).toEqual([
      `dbdoctor: warning: ${join(dir, 'session.py')}:${line}: Python syntax error: that file is read only as far as it parses, the other model files are audited`,
    ]);
    expect(findings(run.stdout)).toEqual(['duplicate-index accounts.ix_accounts_email_again']);
    const text = await runText(['audit', dir, '--python', await pythonWithAlembic()]);
    expect(text.stdout).toContain(`model module session could not be imported (SyntaxError: expected ':' (session.py, line ${line}))`);
    expect(text.stdout).toContain(`${join(dir, 'session.py')}:${line}: Python syntax error; only what parsed is read`);
  });

  test('a syntax error that leaves no table to read: exit 2, naming file:line', async () => {
    // The bracket of Column( is never closed: Python and tree-sitter both stop on that line.
    const broken = BASE_MODEL.replace('primary_key=True)', 'primary_key=True');
    const line = broken.split('\n').findIndex((l) => l.endsWith('primary_key=True')) + 1;
    const dir = await folder('only-broken', { 'account.py': broken });
    const run = await runCommand(['audit', dir, '--python', await pythonWithAlembic()]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(stderrLines(run.stderr)).toEqual([
      `dbdoctor: ${join(dir, 'account.py')}:${line}: Python syntax error, and no model table could be read from ${dir}`,
    ]);
  });

  test('an import error that quotes a connection string: the warning and the report never show its password', async () => {
    const failing = child('raise RuntimeError("cannot reach postgres://app:s3cret-pw@db.internal/app")');
    const dir = await folder('import-secret', { 'account.py': BASE_MODEL, 'session.py': failing });
    const run = await runCommand(['audit', dir, '--python', await pythonWithAlembic()]);
    expect(stderrLines(run.stderr)).toEqual([
      'dbdoctor: warning: model module session could not be imported (RuntimeError: cannot reach postgres://app:***@db.internal/app): it is read statically',
    ]);
    expect(run.stdout).not.toContain('s3cret-pw');
  });

  test('a module that fails to import: said in one line, and read statically', async () => {
    const dir = await folder('import', { 'account.py': BASE_MODEL, 'session.py': child('import module_that_does_not_exist') });
    const run = await runCommand(['audit', dir, '--format', 'json', '--python', await pythonWithAlembic()]);
    expect(stderrLines(run.stderr)).toEqual([
      "dbdoctor: warning: model module session could not be imported (ModuleNotFoundError: No module named 'module_that_does_not_exist'): it is read statically",
    ]);
    expect(findings(run.stdout)).toEqual(['duplicate-index accounts.ix_accounts_email_again', 'unindexed-foreign-key sessions.']);
    const text = await runText(['audit', dir, '--python', await pythonWithAlembic()]);
    expect(text.stdout).toContain(
      "model module session could not be imported (ModuleNotFoundError: No module named 'module_that_does_not_exist')",
    );
    expect(text.stdout).toContain('sessions: read statically from the files that could not be imported');
  });

  test('a Python without SQLAlchemy: said in one line, and every model read statically', async () => {
    const dir = await folder('no-sqlalchemy', { 'account.py': BASE_MODEL, 'session.py': child('import os') });
    // A Python that runs but has no SQLAlchemy: the standard library's python with an empty path.
    const python = join(root, 'python-without-sqlalchemy');
    await writeFile(python, `#!/bin/sh\nexec /usr/bin/python3 -S -I "$@"\n`, { mode: 0o755 });
    const run = await runCommand(['audit', dir, '--format', 'json', '--python', python]);
    expect(stderrLines(run.stderr)).toEqual([
      `dbdoctor: warning: no Python with SQLAlchemy: tried ${python} (no sqlalchemy): the models are read statically, without running them`,
    ]);
    expect(findings(run.stdout)).toEqual(['duplicate-index accounts.ix_accounts_email_again', 'unindexed-foreign-key sessions.']);
    const text = await runText(['audit', dir, '--python', python]);
    expect(text.stdout).toContain(`no Python with SQLAlchemy: tried ${python} (no sqlalchemy)`);
    expect(text.stdout).toContain('models read statically (without running them)');
    expect(text.stdout).toContain('Slow-query logging enabled (log_min_duration_statement) — models have no server settings');
  });
});
