/**
 * Python pool shapes the advisor reads beside SQLAlchemy's: psycopg2.pool's pools (sizes by
 * position or by name; they never wait, and close connections returned above minconn) and
 * django-environ's `env.db()` (settings in the URL's query, or written after the dict). Expected
 * numbers come from the formula (helpers.ts), not from dbdoctor's output.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { readPythonPools } from '../../src/pool/python-reader.js';
import { percentile999, poisson, poolJson, rules, setting } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-pool-python-'));
});

async function file(name: string, source: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, source);
  return path;
}

describe('psycopg2.pool', () => {
  test('SimpleConnectionPool and ThreadedConnectionPool: sizes by position or by name, the DSN kept', async () => {
    const pools = await readPythonPools(`import os
from psycopg2 import pool
import psycopg2.pool

MAX = int(os.getenv("DB_POOL_MAX", "20"))
a = pool.SimpleConnectionPool(1, 10, os.environ["DATABASE_URL"])
b = psycopg2.pool.ThreadedConnectionPool(minconn=2, maxconn=MAX, dsn=DSN)
`);
    expect(pools.map((p) => [p.driver, p.what, p.line])).toEqual([
      ['psycopg2', 'SimpleConnectionPool(...)', 6],
      ['psycopg2', 'ThreadedConnectionPool(...)', 7],
    ]);
    expect(pools[0]!.values).toMatchObject({ minconn: { kind: 'number', value: 1 }, maxconn: { kind: 'number', value: 10 } });
    expect(pools[0]!.positional).toEqual(['os.environ["DATABASE_URL"]']);
    expect(pools[1]!.values).toMatchObject({
      minconn: { kind: 'number', value: 2 },
      maxconn: { kind: 'env', variable: 'DB_POOL_MAX', fallback: '20' },
    });
  });

  test('a minconn below the peak is raised to it, with the reason; maxconn kept; the no-wait behaviour is a finding', async () => {
    const path = await file('db.py', 'from psycopg2 import pool\ndb = pool.ThreadedConnectionPool(1, 30, DATABASE_URL)\n');
    const peak = percentile999(poisson(8));
    expect(peak).toBeLessThan(30);
    const { report } = await poolJson(['--from', path, '--concurrency', '8']);
    expect(report.inputs.driver).toBe('psycopg2');
    expect(setting(report, 'minconn')).toMatchObject({ value: peak });
    expect(setting(report, 'minconn')?.why).toMatch(/closes a returned connection when minconn are already idle/);
    expect(setting(report, 'maxconn')).toMatchObject({ value: 30 });
    expect(report.recommendation.snippet).toBe(`pool = ThreadedConnectionPool(\n    ${peak},\n    30,\n    DATABASE_URL,\n)\n`);
    expect(rules(report)).toEqual(['pool-timeout-missing:low']);
    expect(report.findings[0]?.message).toMatch(/never wait .*raises PoolError/);
  });

  test('a minconn that holds the peak is kept as written', async () => {
    const path = await file('db2.py', 'from psycopg2 import pool\ndb = pool.ThreadedConnectionPool(minconn=20, maxconn=30, dsn=DSN)\n');
    expect(percentile999(poisson(8))).toBeLessThanOrEqual(20);
    const { report } = await poolJson(['--from', path, '--concurrency', '8']);
    expect(setting(report, 'minconn')).toMatchObject({ value: 20 });
    expect(setting(report, 'minconn')?.why).toMatch(/^kept as written/);
  });
});

describe("django-environ's env.db()", () => {
  test('CONN_MAX_AGE and CONN_HEALTH_CHECKS come from the URL: unknown until run, and no code to paste for them', async () => {
    const path = await file('settings.py', 'import environ\nenv = environ.Env()\nDATABASES = {"default": env.db()}\n');
    const { report } = await poolJson(['--from', path, '--concurrency', '4']);
    expect(report.inputs.driver).toBe('django');
    expect(report.recommendation.fit.status).toBe('unknown');
    expect(report.inputs.settings?.values.CONN_MAX_AGE).toMatchObject({ kind: 'env', variable: 'DATABASE_URL', inUrl: true });
    expect(report.recommendation.snippet).toBe('');
  });

  test('a CONN_MAX_AGE written after the dict is the one read', async () => {
    const path = await file(
      'settings2.py',
      `import environ
env = environ.Env()
DATABASES = {"default": env.db("APP_DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = None
`,
    );
    const { report } = await poolJson(['--from', path, '--concurrency', '4']);
    expect(report.inputs.settings?.values.CONN_MAX_AGE).toEqual({ kind: 'none' });
    expect(report.inputs.settings?.values.CONN_HEALTH_CHECKS).toMatchObject({ kind: 'env', variable: 'APP_DATABASE_URL' });
    expect(report.findings.map((f) => f.message).join(' ')).toMatch(/CONN_MAX_AGE=None never replaces connections/);
  });
});
