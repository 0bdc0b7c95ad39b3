/**
 * Issue 11's file robustness, on the loader: a statement that never ends stops the load at its
 * deadline, naming its line; FIFOs, devices and folders where a .sql file is expected are refused
 * before anything opens them.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openAuditTarget } from '../../src/sources/open-target.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dumps-robust-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('statements that never end', () => {
  test('a pg_sleep in the file stops at the load timeout, naming its line', async () => {
    const path = await file('sleep.sql', `-- é\nCREATE TABLE t (id int);\nSELECT pg_sleep(100);\n`);
    await expect(openAuditTarget(path, { statementTimeoutMs: 1000 })).rejects.toThrow(
      /sleep\.sql:3: the statement did not finish within 1s/,
    );
  });

  test('a default expression that sleeps, evaluated by an INSERT', async () => {
    const path = await file(
      'sleepy-default.sql',
      `CREATE TABLE slow (id int, x text DEFAULT pg_sleep(100)::text);\nINSERT INTO slow (id) VALUES (1);\n`,
    );
    await expect(openAuditTarget(path, { statementTimeoutMs: 1000 })).rejects.toThrow(
      /sleepy-default\.sql:2: the statement did not finish within 1s/,
    );
  });

  test('a recursive CTE without end', async () => {
    const path = await file('loop.sql', `WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r;\n`);
    await expect(openAuditTarget(path, { statementTimeoutMs: 1000 })).rejects.toThrow(
      /loop\.sql:1: the statement did not finish within 1s/,
    );
  });

  test('statements within the deadline load as before', async () => {
    const path = await file('quick.sql', `CREATE TABLE q (id int PRIMARY KEY);\nSELECT pg_sleep(0.1);\nCREATE INDEX q_id ON q (id);\n`);
    const target = await openAuditTarget(path, { statementTimeoutMs: 20_000 });
    try {
      const model = await target.readModel();
      expect(model.indexes.find((i) => i.name === 'q_id')?.location?.line).toBe(3);
    } finally {
      await target.close();
    }
  });
});

describe('special files', () => {
  test('a FIFO named *.sql, given or in a migrations folder, is refused without opening it', async () => {
    const folder = join(dir, 'with-fifo');
    await mkdir(folder);
    await writeFile(join(folder, '001_init.sql'), 'CREATE TABLE a (id int);');
    execFileSync('mkfifo', [join(folder, '002_pipe.sql')]);
    await expect(openAuditTarget(folder)).rejects.toThrow(`${join(folder, '002_pipe.sql')} is a FIFO, not a .sql file`);
    await expect(openAuditTarget(join(folder, '002_pipe.sql'))).rejects.toThrow(/is a FIFO, not a \.sql file or a folder/);
  });

  test('a device is refused', async () => {
    await expect(openAuditTarget('/dev/zero')).rejects.toThrow('/dev/zero is a device, not a .sql file or a folder of them');
  });

  test('a folder named *.sql inside a migrations folder is refused', async () => {
    const folder = join(dir, 'with-dir');
    await mkdir(join(folder, '002_nested.sql'), { recursive: true });
    await writeFile(join(folder, '001_init.sql'), 'CREATE TABLE a (id int);');
    await expect(openAuditTarget(folder)).rejects.toThrow(`${join(folder, '002_nested.sql')} is a directory, not a .sql file`);
  });
});
