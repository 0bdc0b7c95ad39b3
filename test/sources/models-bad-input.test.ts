/**
 * Bad input to `dbdoctor audit` on models, at the command line: what cannot be read is said in one
 * line on stderr, and whatever the static reader could read is still audited. Exit 2 only when
 * nothing could be read at all.
 */
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Finding } from '../../src/rules/types.js';
import { runCommand, type CliRun } from '../helpers/cli.js';
import { pythonWithAlembic } from '../helpers/python.js';

/** A model with a plain duplicate: index=True and an Index(...) on the same column. */
const CUSTOMERS = `from sqlalchemy import Column, Index, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Customer(Base):
    __tablename__ = "customers"

    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False, index=True)

    __table_args__ = (Index("ix_customers_email_again", "email"),)
`;

/** Line 9 leaves its bracket open: Python stops there, and so does tree-sitter. */
const BROKEN = `from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Broken(Base):
    __tablename__ = "broken"
    id = Column(Integer, primary_key=True
    name = Column(Integer, index=True)
`;
const BROKEN_LINE = BROKEN.split('\n').findIndex((l) => l.includes('primary_key=True') && !l.includes(')')) + 1;

let dir: string;
let python: string;

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const path = join(dir, name);
  await mkdir(path);
  for (const [file, text] of Object.entries(files)) await writeFile(join(path, file), text);
  return path;
}

async function audit(path: string, pythonPath: string): Promise<CliRun> {
  return runCommand(['audit', path, '--format', 'json', '--fail-on', 'none', '--python', pythonPath]);
}

function stderrLines(run: CliRun): string[] {
  return run.stderr.split('\n').filter((l) => l !== '');
}

/** The duplicate the static reader finds in CUSTOMERS, as `rule index < kept`. */
function duplicates(run: CliRun): string[] {
  return (JSON.parse(run.stdout) as { findings: Finding[] }).findings
    .filter((f) => f.rule === 'duplicate-index')
    .map((f) => `${f.index} < ${f.coveredBy}`);
}

const CUSTOMERS_DUPLICATE = 'ix_customers_email_again < ix_customers_email';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-models-bad-'));
  python = await pythonWithAlembic();
});

describe('models that cannot be read, or only in part', () => {
  test('a folder with neither .sql files nor models: one line saying both were looked for, exit 2', async () => {
    const empty = await folder('empty', { 'notes.txt': 'no schema here\n', 'script.py': 'print("not a model")\n' });
    const run = await audit(empty, python);
    expect(run.code).toBe(2);
    expect(stderrLines(run)).toEqual([`dbdoctor: neither .sql files nor SQLAlchemy models (.py files that import sqlalchemy) in ${empty}`]);
    expect(run.stdout).toBe('');
  });

  test('a model file with a syntax error: one line naming file:line, then the other files are audited', async () => {
    const models = await folder('syntax', { 'customers.py': CUSTOMERS, 'broken.py': BROKEN });
    const run = await audit(models, python);
    expect(run.code).toBe(0);
    expect(stderrLines(run)).toEqual([
      `dbdoctor: warning: ${join(models, 'broken.py')}:${BROKEN_LINE}: Python syntax error: that file is read only as far as it parses, the other model files are audited`,
    ]);
    expect(duplicates(run)).toEqual([CUSTOMERS_DUPLICATE]);
  });

  test('a syntax error that leaves nothing to read: exit 2, naming file:line', async () => {
    const models = await folder('only-broken', { 'broken.py': BROKEN });
    const run = await audit(models, python);
    expect(run.code).toBe(2);
    expect(stderrLines(run)).toEqual([
      `dbdoctor: ${join(models, 'broken.py')}:${BROKEN_LINE}: Python syntax error, and no model table could be read from ${models}`,
    ]);
  });

  test('--python without SQLAlchemy: one line saying so, then the static reader finds the duplicate', async () => {
    // A real interpreter that cannot see SQLAlchemy: -S leaves site-packages/dist-packages off sys.path.
    const bare = join(dir, 'python-without-sqlalchemy');
    await writeFile(bare, `#!/bin/sh\nexec ${python} -S "$@"\n`);
    await chmod(bare, 0o755);
    const models = await folder('no-sqlalchemy', { 'customers.py': CUSTOMERS });
    const run = await audit(models, bare);
    expect(run.code).toBe(0);
    expect(stderrLines(run)).toEqual([
      `dbdoctor: warning: no Python with SQLAlchemy: tried ${bare} (no sqlalchemy): the models are read statically, without running them`,
    ]);
    expect(duplicates(run)).toEqual([CUSTOMERS_DUPLICATE]);
  });

  test('a model that fails to import: one line with the import error, then the static reader finds the duplicate', async () => {
    const models = await folder('import-fails', { 'customers.py': `import nonexistent_module\n${CUSTOMERS}` });
    const run = await audit(models, python);
    expect(run.code).toBe(0);
    expect(stderrLines(run)).toEqual([
      "dbdoctor: warning: model module customers could not be imported (ModuleNotFoundError: No module named 'nonexistent_module'): it is read statically",
    ]);
    expect(duplicates(run)).toEqual([CUSTOMERS_DUPLICATE]);
  });
});
