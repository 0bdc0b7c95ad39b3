import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { allRules } from '../../src/rules/index.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

/** Runs the built CLI as a user would, stdout and stderr piped (so neither is a terminal). */
function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
let schema: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-progress-'));
  schema = join(dir, 'schema.sql');
  await writeFile(schema, 'CREATE TABLE a (id int PRIMARY KEY, b int);\nCREATE INDEX a_b ON a (b);\nCREATE INDEX a_b_again ON a (b);\n');
});

/** The phases an audit of a three-statement schema file goes through, in order. */
const SCHEMA_FILE_PHASES = [
  '- starting PostgreSQL (PGlite)',
  '- loading the schema: 0/3 statements',
  '- loading the schema: 3/3 statements',
  '- reading the catalog and statistics',
  `- running ${allRules.length} rules`,
];

function expectInOrder(text: string, parts: readonly string[]): void {
  let at = 0;
  for (const part of parts) {
    const found = text.indexOf(part, at);
    expect(found, `"${part}" after offset ${at} in:\n${text}`).toBeGreaterThanOrEqual(0);
    at = found + part.length;
  }
}

describe('progress on stderr, never on stdout', () => {
  test.each(['json', 'sarif'])('--progress --format %s: stdout is the report alone, stderr has the phases', async (format) => {
    const result = await run(['audit', schema, '--progress', '--format', format, '--fail-on', 'none']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(format === 'json' ? report.findings : report.runs).toBeInstanceOf(Array);
    expectInOrder(result.stderr, SCHEMA_FILE_PHASES);
    expect(result.stdout).not.toContain('loading the schema');
  });

  test('stderr that is not a terminal gets no progress unless asked', async () => {
    const result = await run(['audit', schema, '--format', 'json', '--fail-on', 'none']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  test('--quiet wins over --progress', async () => {
    const result = await run(['audit', schema, '--progress', '--quiet', '--format', 'json', '--fail-on', 'none']);
    expect(result.stderr).toBe('');
    expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
  });
});

describe('apply: the progress of an index build, read from pg_stat_progress_create_index', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createServerDatabase();
    // A foreign key without an index on a table large enough that the build is seen while it scans.
    await db.exec(`
      CREATE TABLE parent (id int PRIMARY KEY);
      INSERT INTO parent SELECT g FROM generate_series(1, 1000) g;
      CREATE TABLE child (id bigint PRIMARY KEY, parent_id int NOT NULL REFERENCES parent (id), payload text);
      INSERT INTO child SELECT g, 1 + g % 1000, repeat('x', 100) FROM generate_series(1, 3000000) g;
      ANALYZE;
    `);
  }, 300_000);
  afterAll(async () => db?.close());

  test('stderr shows the build phases with blocks done of total; stdout keeps the apply log', async () => {
    const result = await run(['apply', db.url!, '--yes', '--progress', '--rule', 'unindexed-foreign-key']);
    expect(result.stderr).toMatch(/building public\.\S+: building index: scanning table: [\d,]+\/[\d,]+ blocks/);
    expect(result.stdout).toContain('CREATE INDEX CONCURRENTLY');
    expect(result.stdout).not.toContain('pg_stat_progress_create_index');
    expect(result.stdout).not.toMatch(/\d+\/\d+ blocks/);
    const { rows } = await db.db.query(
      "SELECT count(*)::int AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'child'::regclass AND i.indkey[0] = 2",
    );
    expect((rows[0] as { n: number }).n).toBe(1);
  }, 300_000);
});
