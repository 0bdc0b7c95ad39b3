/**
 * Real dumps load: pg_dump (extensions PGlite ships and one it lacks, COPY data, psql
 * meta-commands, a statement psql would reject, non-ASCII text before everything), Rails
 * `structure.sql`, Django `sqlmigrate` output, and migration folders (golang-migrate up/down pairs,
 * Flyway numbering). Fixtures are in test/fixtures/dumps, written for these tests. Every finding
 * points at the statement that created its object; the expected lines are found in the fixtures.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { auditTarget } from '../../src/audit/run-target.js';
import type { AuditResult } from '../../src/audit/types.js';
import { runCli } from '../../src/cli/program.js';
import { openAuditTarget } from '../../src/sources/open-target.js';

const DUMPS = 'test/fixtures/dumps';

async function audit(path: string, strict = false): Promise<AuditResult> {
  const target = await openAuditTarget(path, { strict });
  try {
    return await auditTarget(target);
  } finally {
    await target.close();
  }
}

/** 1-based line of the first line of `file` that starts with `prefix`. */
async function lineOf(file: string, prefix: string): Promise<number> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const at = lines.findIndex((l) => l.startsWith(prefix));
  if (at < 0) throw new Error(`${prefix} not in ${file}`);
  return at + 1;
}

function found(result: AuditResult): string[] {
  return result.findings.map((f) => `${f.rule} ${f.index ?? f.constraint ?? f.table}`).sort();
}

describe('pg_dump output', () => {
  const file = `${DUMPS}/pg_dump.sql`;

  test('loads btree_gin, btree_gist and citext; skips what needs postgis and what depends on it; skips a failing statement as psql would, and says so', async () => {
    const result = await audit(file);
    expect(found(result)).toEqual(['duplicate-index index_accounts_on_email', 'unindexed-foreign-key bookings_account_id_fkey']);
    const limitations = result.summary.limitations ?? [];
    // CREATE EXTENSION postgis, its COMMENT, the table with a geometry column and the index on that table.
    expect(limitations).toContainEqual(expect.stringMatching(/^4 statement\(s\) need extensions PGlite does not have \(postgis\)/));
    expect(limitations).toContainEqual(
      expect.stringContaining(
        `1 statement(s) failed and were skipped, as psql would (--strict stops at the first): ${file}:${await lineOf(file, 'CREATE TABLE public.broken')} (relation "public.nowhere" does not exist)`,
      ),
    );
  });

  test('each finding points at the statement that created its object, counting lines by bytes (a non-ASCII first line, COPY data)', async () => {
    const result = await audit(file);
    const duplicate = result.findings.find((f) => f.rule === 'duplicate-index')!;
    expect(duplicate.location).toEqual({ file, line: await lineOf(file, 'CREATE INDEX index_accounts_on_email'), column: 1 });
    const fk = result.findings.find((f) => f.rule === 'unindexed-foreign-key')!;
    // ALTER TABLE ONLY public.bookings (the line before ADD CONSTRAINT bookings_account_id_fkey).
    expect(fk.location).toEqual({ file, line: (await lineOf(file, '    ADD CONSTRAINT bookings_account_id_fkey')) - 1, column: 1 });
  });

  test('--strict stops at the first failing statement: exit 2, one line with the file and line', async () => {
    await expect(audit(file, true)).rejects.toThrow(
      `${file}:${await lineOf(file, 'CREATE EXTENSION IF NOT EXISTS postgis')}: extension "postgis" is not available in PGlite`,
    );
    let stderr = '';
    let stdout = '';
    const code = await runCli(
      ['audit', file, '--strict'],
      { stdout: { write: (s: string) => (stdout += s), isTTY: false }, env: {} },
      { write: (s: string) => (stderr += s) },
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`${file}:${await lineOf(file, 'CREATE EXTENSION IF NOT EXISTS postgis')}: extension "postgis"`);
  });
});

describe('Rails structure.sql and Django sqlmigrate', () => {
  test('structure.sql: pg_trgm loaded, schema_migrations rows inserted, the unindexed foreign key found at its ALTER TABLE', async () => {
    const file = `${DUMPS}/structure.sql`;
    const result = await audit(file);
    expect(found(result)).toEqual(['unindexed-foreign-key fk_rails_0a1b2c3d4e']);
    expect(result.summary.limitations ?? []).not.toContainEqual(expect.stringMatching(/skipped/));
    expect(result.findings[0]!.location).toEqual({
      file,
      line: (await lineOf(file, '    ADD CONSTRAINT fk_rails_0a1b2c3d4e')) - 1,
      column: 1,
    });
  });

  test('sqlmigrate: BEGIN/COMMIT, identity columns, DEFERRABLE foreign keys; the pattern-ops index is not a duplicate of the unique one', async () => {
    const file = `${DUMPS}/django.sql`;
    const result = await audit(file);
    expect(found(result)).toEqual(['redundant-index library_book_title_idx']);
    expect(result.findings[0]!.location).toEqual({ file, line: await lineOf(file, 'CREATE INDEX "library_book_title_idx"'), column: 1 });
  });
});

describe('migration folders', () => {
  test('golang-migrate: only the .up.sql files run, in order; the finding points at its file', async () => {
    const result = await audit(`${DUMPS}/golang-migrate`);
    expect(found(result)).toEqual(['duplicate-index orders_status_again']);
    expect(result.findings[0]!.location).toEqual({ file: `${DUMPS}/golang-migrate/0002_status.up.sql`, line: 2, column: 1 });
  });

  test('Flyway: V10 runs after V2 (numeric order)', async () => {
    const result = await audit(`${DUMPS}/flyway`);
    expect(found(result)).toEqual(['redundant-index invoices_account']);
    expect(result.summary.limitations ?? []).not.toContainEqual(expect.stringMatching(/failed/));
    expect(result.findings[0]!.location).toEqual({ file: `${DUMPS}/flyway/V2__indexes.sql`, line: 1, column: 1 });
  });

  test('a statement that does not parse is skipped and reported, the rest still load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dbdoctor-dumps-'));
    const file = join(dir, 'schema.sql');
    await writeFile(
      file,
      'CREATE TABLE a (id int PRIMARY KEY, b int);\nCREATE TABEL oops (x int);\nCREATE INDEX a_b ON a (b);\nCREATE INDEX a_b_again ON a (b);\n',
    );
    const result = await audit(file);
    expect(found(result)).toEqual(['duplicate-index a_b_again']);
    expect(result.summary.limitations).toContainEqual(
      expect.stringMatching(/1 statement\(s\) failed and were skipped.*schema\.sql:2 \(syntax error at or near "TABEL"\)/),
    );
  });
});
