/**
 * The built command on hostile and broken .sql targets and output paths: one line on stderr,
 * exit 2, no stack, and an end (each run is killed after two minutes, which fails the test).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dumps-cli-'));
  await writeFile(
    join(dir, 'schema.sql'),
    'CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE INDEX t_a ON t (a);\nCREATE INDEX t_a2 ON t (a);\n',
  );
  await writeFile(join(dir, 'sleep.sql'), 'CREATE TABLE t (id int);\nSELECT pg_sleep(100);\n');
  execFileSync('mkfifo', [join(dir, 'pipe.sql')]);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(killer);
  return { code, stdout, stderr };
}

function expectOneLine(result: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('one line and exit 2', () => {
  test('a FIFO named *.sql', async () => {
    expectOneLine(await cli(['audit', join(dir, 'pipe.sql')]), /pipe\.sql is a FIFO/);
  });

  test('a device', async () => {
    expectOneLine(await cli(['audit', '/dev/zero']), /\/dev\/zero is a device/);
  });

  test('--load-timeout stops a statement that does not end', async () => {
    expectOneLine(
      await cli(['audit', join(dir, 'sleep.sql'), '--load-timeout', '1s']),
      /sleep\.sql:2: the statement did not finish within 1s/,
    );
  });

  test('an output folder that cannot be created (under /proc) is refused before the audit', async () => {
    expectOneLine(
      await cli(['fix', join(dir, 'schema.sql'), '-o', '/proc/dbdoctor-x/y']),
      /--output: cannot write to \/proc\/dbdoctor-x\/y/,
    );
  });

  test('a report file in a folder that does not exist, or a folder, is refused', async () => {
    expectOneLine(await cli(['audit', join(dir, 'schema.sql'), '-o', '/proc/dbdoctor-x/report.txt']), /--output: cannot write/);
    expectOneLine(await cli(['audit', join(dir, 'schema.sql'), '-o', dir]), /is a directory, not a file/);
  });
});
