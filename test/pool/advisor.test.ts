/**
 * The pool advisor's arithmetic, case by case. Every expected number is derived here from the
 * formula (the 99.9th percentile from the distribution's definition, the budget from the limits),
 * never copied from dbdoctor's output.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildPoolReport } from '../../src/pool/analyze.js';
import { offlineServer, resolveInputs } from '../../src/pool/inputs.js';
import { binomial, cli, percentile999, poisson, poolJson, rules, setting } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-pool-advisor-'));
});

/** PostgreSQL's defaults when no server is given: max_connections 100 − 3 superuser-reserved. */
const DEFAULT_AVAILABLE = 100 - 3;
const SOUND = ['--set', 'pool_timeout=10', '--set', 'pool_recycle=1800', '--set', 'pool_pre_ping=true'];

describe('the distribution of busy connections', () => {
  test('0.45 busy per process is Poisson(0.45), not rounded up to 1 first: a pool of 4 fits', async () => {
    const processes = 20;
    const mean = 9 / processes;
    const peak = percentile999(poisson(mean));
    const perProcessBudget = Math.floor(DEFAULT_AVAILABLE / processes);
    // The case matters: rounding the mean up first gives a peak the budget cannot hold.
    expect(percentile999(poisson(Math.ceil(mean)))).toBeGreaterThan(perProcessBudget);
    expect(peak).toBeLessThanOrEqual(perProcessBudget);
    const { run, report } = await poolJson([
      '--set',
      `pool_size=${peak}`,
      '--set',
      'max_overflow=0',
      ...SOUND,
      '--concurrency',
      '9',
      '--processes',
      String(processes),
    ]);
    expect(report.recommendation.needed).toMatchObject({ perProcess: mean, peakPerProcess: peak, steady: peak });
    expect(report.recommendation.fit.status).toBe('fits');
    expect(report.findings).toEqual([]);
    expect(run.code).toBe(0);
    expect(setting(report, 'pool_size')).toMatchObject({ value: peak, current: String(peak) });
    expect(setting(report, 'pool_size')?.why).toMatch(/^kept as written/);
  });

  test('26 callbacks × 60% is Binomial(26, 0.6): the pool never exceeds the 26 callers', async () => {
    const n = 26;
    const p = 0.6;
    const peak = percentile999(binomial(n, p));
    expect(percentile999(poisson(n * p))).toBeGreaterThan(n); // what the unbounded model claimed
    const overflow = Math.min(peak, n - peak, DEFAULT_AVAILABLE - peak);
    const { report } = await poolJson(['--from', 'examples/pool/seed-current.py', '--concurrency', '26x60%']);
    expect(report.recommendation.needed).toMatchObject({
      inFlight: n * p,
      perProcess: n * p,
      model: 'Binomial(26, 0.6)',
      peakPerProcess: peak,
    });
    expect(setting(report, 'pool_size')?.value).toBe(peak);
    expect(setting(report, 'max_overflow')?.value).toBe(overflow);
    expect(peak + overflow).toBeLessThanOrEqual(n);
  });

  test('spread over processes, each process sees Binomial(N, p ÷ processes); the pooler sees Binomial(N, p)', async () => {
    const n = 26;
    const p = 0.6;
    const processes = 4;
    const { report } = await poolJson([
      '--driver',
      'sqlalchemy',
      '--concurrency',
      '26x60%',
      '--processes',
      String(processes),
      '--instances',
      '2-4',
      '--max-connections',
      '30',
    ]);
    const perProcess = percentile999(binomial(n, p / (2 * processes)));
    expect(report.recommendation.needed?.peakPerProcess).toBe(perProcess);
    // (30 − 3) ÷ 16 pools = 1 per process < the peak: no pool fits, one shared pool is sized.
    expect(report.recommendation.budget.perProcess).toBe(Math.floor((30 - 3) / (4 * processes)));
    expect(report.recommendation.pooler?.defaultPoolSize).toBe(Math.min(percentile999(binomial(n, p)), 30 - 3));
  });
});

describe('what cannot be read is unknown, never "fits"', () => {
  test('pool_size=int(os.getenv(...)) gives an unknown fit and no sizing finding', async () => {
    const file = join(dir, 'database.py');
    await writeFile(
      file,
      `import os
from sqlalchemy import create_engine
engine = create_engine(os.environ["DATABASE_URL"], pool_size=int(os.getenv("POOL_SIZE")), max_overflow=10,
                       pool_timeout=30, pool_recycle=1800, pool_pre_ping=True)
`,
    );
    const { run, report } = await poolJson(['--from', file, '--concurrency', '2']);
    expect(report.recommendation.fit.status).toBe('unknown');
    expect(report.recommendation.fit.why).toContain('$POOL_SIZE');
    expect(report.findings).toEqual([]);
    expect(run.code).toBe(0);
    const text = await cli(['pool', '--from', file, '--concurrency', '2']);
    expect(text.stdout).not.toContain('fits the load');
    expect(text.stdout).toMatch(/fit is unknown: the pool size is unknown: pool_size=int\(os\.getenv\("POOL_SIZE"\)\)/);
  });

  test('a known size with no load fits the server at most: unknown, not "fits"', async () => {
    const { report } = await poolJson(['--set', 'pool_size=5', '--set', 'max_overflow=5', ...SOUND]);
    expect(report.recommendation.fit.status).toBe('unknown');
  });
});

describe('deliberate settings are kept unless a rule gives a reason', () => {
  test('pool_recycle=1800 and idleTimeoutMillis 30000 stay as written', async () => {
    const { report } = await poolJson(['--set', 'pool_size=10', '--set', 'max_overflow=10', ...SOUND, '--concurrency', '4']);
    expect(setting(report, 'pool_recycle')).toMatchObject({ value: 1800, current: '1800' });
    expect(setting(report, 'pool_timeout')).toMatchObject({ value: 10 });
    const file = join(dir, 'pg.js');
    await writeFile(
      file,
      'export const pool = new Pool({ max: 10, idleTimeoutMillis: 30000, connectionTimeoutMillis: 5000, maxLifetimeSeconds: 1800 });\n',
    );
    const pg = await poolJson(['--from', file, '--concurrency', '4']);
    expect(setting(pg.report, 'idleTimeoutMillis')).toMatchObject({ value: 30000 });
    expect(setting(pg.report, 'idleTimeoutMillis')?.why).toMatch(/^kept as written/);
    expect(setting(pg.report, 'maxLifetimeSeconds')).toMatchObject({ value: 1800 });
    expect(setting(pg.report, 'connectionTimeoutMillis')).toMatchObject({ value: 5000 });
  });

  test('a server that closes idle sessions sooner is a reason: pool_recycle goes under it, and says why', async () => {
    const idle = 900;
    const { inputs, options } = await resolveInputs({
      set: ['pool_size=10', 'max_overflow=10', 'pool_timeout=10', 'pool_recycle=1800', 'pool_pre_ping=true'],
      concurrency: '4',
    });
    const server = { ...offlineServer(options, 'postgresql', null), idleSessionTimeoutS: idle };
    const report = buildPoolReport(inputs, server);
    expect(setting(report, 'pool_recycle')?.value).toBe(Math.floor(0.9 * idle));
    expect(setting(report, 'pool_recycle')?.why).toContain(`1800 s is not below the server's idle timeout ${idle} s`);
    expect(rules(report)).toEqual(['pool-recycle-missing:medium']);
  });
});

describe('0 timeouts wait for ever', () => {
  test('connectionTimeoutMillis: 0 is a finding with its reason, not "not set"', async () => {
    const file = join(dir, 'pool.ts');
    await writeFile(
      file,
      "import { Pool } from 'pg';\nexport default new Pool({ max: 10, connectionTimeoutMillis: 0, maxLifetimeSeconds: 1800 });\n",
    );
    const { report } = await poolJson(['--from', file, '--concurrency', '4']);
    const f = report.findings.find((x) => x.rule === 'pool-timeout-missing');
    expect(f?.severity).toBe('medium');
    expect(f?.message).toMatch(/^connectionTimeoutMillis=0 waits for ever/);
    expect(f?.message).not.toContain('not set');
    expect(setting(report, 'connectionTimeoutMillis')).toMatchObject({ value: 30_000, current: '0' });
  });

  test("SQLAlchemy's pool_timeout=None and Prisma's pool_timeout=0 too", async () => {
    const { report } = await poolJson([
      '--set',
      'pool_size=10',
      '--set',
      'max_overflow=10',
      '--set',
      'pool_timeout=None',
      '--set',
      'pool_recycle=1800',
      '--set',
      'pool_pre_ping=true',
      '--concurrency',
      '4',
    ]);
    expect(report.findings.find((x) => x.rule === 'pool-timeout-missing')?.message).toMatch(/^pool_timeout=None waits for ever/);
    const env = join(dir, '.env');
    await writeFile(env, 'DATABASE_URL="postgresql://app@db/app?connection_limit=10&pool_timeout=0"\n');
    const prisma = await poolJson(['--from', env, '--concurrency', '4']);
    expect(prisma.report.inputs.driver).toBe('prisma');
    expect(prisma.report.findings.find((x) => x.rule === 'pool-timeout-missing')?.message).toMatch(/^pool_timeout=0 waits for ever/);
  });
});

describe("the server's cores limit the recommendation", () => {
  test('40 in flight on 4 cores: 2 × 4 + 1 = 9 connections, not the 99.9th percentile of Poisson(40)', async () => {
    const cores = 4;
    const ceiling = 2 * cores + 1;
    expect(percentile999(poisson(40))).toBeGreaterThan(ceiling);
    const one = await poolJson(['--driver', 'sqlalchemy', '--concurrency', '40', '--cores', String(cores), '--max-connections', '500']);
    expect(one.report.recommendation.coresCeiling).toBe(ceiling);
    expect(setting(one.report, 'pool_size')?.value).toBe(ceiling);
    expect(setting(one.report, 'max_overflow')?.value).toBe(0);
    const processes = 3;
    const three = await poolJson([
      '--driver',
      'sqlalchemy',
      '--concurrency',
      '40',
      '--cores',
      String(cores),
      '--processes',
      String(processes),
      '--max-connections',
      '500',
    ]);
    expect(setting(three.report, 'pool_size')?.value).toBe(Math.ceil(ceiling / processes));
  });

  test('without cores the percentile stands', async () => {
    const { report } = await poolJson(['--driver', 'sqlalchemy', '--concurrency', '40', '--max-connections', '500']);
    expect(setting(report, 'pool_size')?.value).toBe(percentile999(poisson(40)));
  });
});

describe('--config takes YAML', () => {
  test('a YAML "pool" section; flags override it; bad YAML is one line, exit 2', async () => {
    const file = join(dir, 'dbdoctor.yaml');
    await writeFile(
      file,
      `# dbdoctor settings
pool:
  from: examples/pool/seed-current.py
  instances: 1-3
  processes: 2
  concurrency: 26x60%
  maxConnections: 400
  settings:
    pool_timeout: 10
`,
    );
    const { report } = await poolJson(['--config', file, '--processes', '1']);
    expect(report.inputs.deployment).toEqual({ instances: { min: 1, max: 3 }, processes: 1, otherConnections: 0 });
    expect(report.server).toMatchObject({ source: 'flags', maxConnections: 400 });
    expect(report.inputs.settings?.values.pool_size).toMatchObject({ value: 50 });
    expect(report.inputs.settings?.values.pool_timeout).toMatchObject({ value: 10 });
    const bad = join(dir, 'bad.yml');
    await writeFile(bad, 'pool:\n  instances: [1, 2\n');
    const run = await cli(['pool', '--config', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^dbdoctor: .*bad\.yml: not valid YAML/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('every driver read is advised in its own terms', () => {
  test('a knexfile: max cut to the cores ceiling, min kept, the acquire timeout made explicit', async () => {
    const file = join(dir, 'knexfile.js');
    await writeFile(
      file,
      `const shared = { client: 'postgresql', migrations: { tableName: 'knex_migrations' } };
module.exports = { production: { ...shared, connection: process.env.DATABASE_URL, pool: { min: 2, max: 20 } } };
`,
    );
    const cores = 4;
    const { report } = await poolJson(['--from', file, '--concurrency', '6', '--cores', String(cores)]);
    expect(report.inputs.driver).toBe('knex');
    expect(setting(report, 'max')?.value).toBe(Math.min(percentile999(poisson(6)), 2 * cores + 1));
    expect(setting(report, 'acquireTimeoutMillis')?.value).toBe(30_000);
    expect(report.recommendation.snippet).toMatch(/pool: \{\n\s+min: 2,/);
    expect(rules(report)).toEqual(['pool-oversized:medium', 'pool-timeout-missing:low']);
  });

  test('Django: CONN_MAX_AGE=None never recycles; the size, one connection per thread, is unknown', async () => {
    const file = join(dir, 'settings.py');
    await writeFile(file, 'import dj_database_url\nDATABASES = {"default": dj_database_url.config(conn_max_age=None)}\n');
    const { report } = await poolJson(['--from', file, '--concurrency', '6']);
    expect(report.inputs.driver).toBe('django');
    expect(report.recommendation.fit.status).toBe('unknown');
    expect(rules(report)).toEqual(['pool-recycle-missing:low', 'pool-pre-ping-missing:low']);
    expect(report.findings[0]?.message).toMatch(/^CONN_MAX_AGE=None never replaces connections/);
    expect(report.recommendation.snippet).toContain('"CONN_HEALTH_CHECKS": True,');
  });

  test('psycopg_pool: a pool that covers the peak is kept as written and fits', async () => {
    const file = join(dir, 'pool.py');
    await writeFile(
      file,
      'from psycopg_pool import ConnectionPool\npool = ConnectionPool(conninfo=DSN, min_size=4, max_size=16, timeout=5.0)\n',
    );
    const peak = percentile999(poisson(6));
    expect(peak).toBeLessThanOrEqual(16);
    const { report } = await poolJson(['--from', file, '--concurrency', '6']);
    expect(report.inputs.driver).toBe('psycopg-pool');
    expect(report.recommendation.fit.status).toBe('fits');
    expect(setting(report, 'max_size')).toMatchObject({ value: 16 });
    expect(setting(report, 'timeout')).toMatchObject({ value: 5 });
    expect(report.findings).toEqual([]);
  });
});
