/**
 * The built command as a process (`npm install` builds dist/ through the prepare script): what
 * a shell pipeline sees.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-cli-'));
  // Enough duplicate indexes for a report far larger than a pipe's buffer.
  const tables = Array.from(
    { length: 150 },
    (_, i) =>
      `CREATE TABLE t${i} (id int PRIMARY KEY, a int, b int);\nCREATE INDEX t${i}_a1 ON t${i} (a, b);\nCREATE INDEX t${i}_a2 ON t${i} (a, b);`,
  );
  await writeFile(join(dir, 'schema.sql'), tables.join('\n'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

test('a reader that stops early (| head) ends the run quietly: no EPIPE crash, no stack trace', async () => {
  const child = spawn(process.execPath, [CLI, 'audit', join(dir, 'schema.sql'), '--format', 'json', '--fail-on', 'none'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).toBe('');
  expect(code).toBe(0);
}, 60_000);
