import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Finding } from '../../src/rules/types.js';
import type { PoolReport } from '../../src/pool/types.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';
import { runCommand, type CliRun } from '../helpers/cli.js';
import { binomial, percentile999, poisson } from './helpers.js';

type Run = CliRun;
const cli = (args: string[]): Promise<Run> => runCommand(args);

async function json(args: string[]): Promise<{ run: Run; report: PoolReport }> {
  const run = await cli(['pool', '--format', 'json', ...args]);
  return { run, report: JSON.parse(run.stdout) as PoolReport };
}

const rules = (report: { findings: readonly Finding<string>[] }) => report.findings.map((f) => `${f.rule}:${f.severity}`);
const setting = (report: PoolReport, name: string) => report.recommendation.settings.find((s) => s.name === name)?.value;
const SEED_CURRENT = 'examples/pool/seed-current.py';
const SEED_PROPOSED = 'examples/pool/seed-proposed.py';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-pool-cli-'));
});

describe('dbdoctor pool: the seed case, offline', () => {
  test("the seed's 50/50 pool is cut to what 26 callbacks at 60% can use, with pool_timeout, arithmetic shown", async () => {
    const { run, report } = await json(['--from', SEED_CURRENT, '--concurrency', '26x60%']);
    // 26 callbacks busy 60% of the time: Binomial(26, 0.6); the burst stops at the 26 callers.
    const peak = percentile999(binomial(26, 0.6));
    const overflow = Math.min(peak, 26 - peak);
    expect(run.code).toBe(1);
    expect(report).toMatchObject({ version: 1, kind: 'pool' });
    expect(Object.keys(report)).toEqual(['version', 'kind', 'inputs', 'server', 'recommendation', 'findings']);
    expect(report.server).toMatchObject({ source: 'assumed', maxConnections: 100, superuserReserved: 3 });
    expect(report.recommendation.needed).toEqual({
      inFlight: 15.6,
      perProcess: 15.6,
      model: 'Binomial(26, 0.6)',
      peakPerProcess: peak,
      steady: peak,
      useful: peak + overflow,
    });
    expect(setting(report, 'pool_size')).toBe(peak);
    expect(setting(report, 'max_overflow')).toBe(overflow);
    expect(setting(report, 'pool_timeout')).toBe(30);
    expect(setting(report, 'pool_recycle')).toBe(3600);
    expect(setting(report, 'pool_pre_ping')).toBe(true);
    expect(rules(report)).toEqual(['pool-exceeds-server-limit:critical', 'pool-oversized:medium', 'pool-timeout-missing:low']);
    for (const f of report.findings)
      expect(Object.keys(f).slice(0, 7)).toEqual(['rule', 'severity', 'schema', 'table', 'message', 'help', 'evidence']);
    expect(report.recommendation.arithmetic.join('\n')).toContain('26 × 60% = 15.6');
    expect(report.recommendation.snippet).toContain(`pool_size=${peak},`);
  });

  test("the seed's proposed block: max_identifier_length=128 is flagged, the rest is sound", async () => {
    const { run, report } = await json(['--from', SEED_PROPOSED, '--concurrency', '16']);
    expect(run.code).toBe(0);
    expect(rules(report)).toEqual(['harmful-identifier-length:medium']);
    expect(report.findings[0]?.message).toContain('63 bytes');
    expect(setting(report, 'max_identifier_length')).toBeNull();
    expect(report.recommendation.snippet).not.toContain('max_identifier_length');
    expect((await cli(['pool', '--from', SEED_PROPOSED, '--concurrency', '16', '--fail-on', 'medium'])).code).toBe(1);
  });

  test('text and markdown carry the same recommendation', async () => {
    const peak = percentile999(binomial(26, 0.6));
    const text = await cli(['pool', '--from', SEED_CURRENT, '--concurrency', '26x60%']);
    expect(text.stdout).toContain(`pool_size=${peak}`);
    expect(text.stdout).toContain(
      `peak: 99.9th percentile of busy connections (Binomial(26, 0.6)) = ${peak}, never more than the 26 callers`,
    );
    expect(text.stdout).toMatch(/pool-exceeds-server-limit/);
    const md = await cli(['pool', '--from', SEED_CURRENT, '--concurrency', '26x60%', '--format', 'markdown']);
    expect(md.stdout).toContain(`| \`pool_size\` | \`${peak}\` |`);
    expect(md.stdout).toContain('```python');
  });
});

describe('dbdoctor pool: sizing', () => {
  test("Little's law, autoscaled instances and processes; no pool fits, so PgBouncer", async () => {
    const { report } = await json([
      '--set',
      'pool_size=20',
      '--set',
      'max_overflow=10',
      '--instances',
      '4-12',
      '--processes',
      '4',
      '--rps',
      '2000',
      '--queries-per-request',
      '3',
      '--query-ms',
      '20',
      '--max-connections',
      '200',
    ]);
    expect(report.recommendation.needed?.inFlight).toBe(120);
    // 120 ÷ (4 × 4) = 7.5 per process, Poisson(7.5) at its 99.9th percentile; the budget is (197 − 0) ÷ 48 = 4.
    expect(report.recommendation.needed?.perProcess).toBe(7.5);
    expect(report.recommendation.needed?.peakPerProcess).toBe(percentile999(poisson(7.5)));
    expect(report.recommendation.budget.perProcess).toBe(Math.floor(197 / 48));
    expect(report.recommendation.pooler?.defaultPoolSize).toBe(percentile999(poisson(120)));
    expect(report.recommendation.pooler).toMatchObject({ kind: 'pgbouncer', poolMode: 'transaction' });
    expect(rules(report)).toContain('pool-exceeds-server-limit:critical');
    expect(rules(report)).toContain('pooler-recommended:medium');
  });

  test('an undersized node-postgres pool with no acquire timeout', async () => {
    const file = join(dir, 'db.js');
    await writeFile(file, 'export const pool = new Pool({ max: 5, idleTimeoutMillis: 10000 });\n');
    const { report } = await json(['--from', file, '--concurrency', '20', '--cores', '8']);
    expect(report.inputs.driver).toBe('node-postgres');
    expect(rules(report)).toEqual(['pool-undersized:critical', 'pool-timeout-missing:medium', 'pool-recycle-missing:low']);
    // 8 cores run 2 × 8 + 1 = 17 queries at once: the pool stops there, below Poisson(20)'s peak.
    expect(percentile999(poisson(20))).toBeGreaterThan(17);
    expect(setting(report, 'max')).toBe(17);
    expect(setting(report, 'connectionTimeoutMillis')).toBe(30000);
    expect(report.recommendation.coresCeiling).toBe(17);
  });

  test('an oversized pool cites the cores-based ceiling', async () => {
    const { report } = await json([
      '--set',
      'pool_size=100',
      '--set',
      'max_overflow=0',
      '--set',
      'pool_timeout=10',
      '--set',
      'pool_recycle=1800',
      '--set',
      'pool_pre_ping=true',
      '--concurrency',
      '2',
      '--cores',
      '4',
      '--max-connections',
      '500',
    ]);
    expect(rules(report)).toEqual(['pool-oversized:medium']);
    expect(report.findings[0]?.message).toContain('2 × 4 + 1 = 9');
  });
});

describe('dbdoctor pool: config file', () => {
  test('a JSON config with a "pool" section; flags override it', async () => {
    const file = join(dir, 'dbdoctor.json');
    await writeFile(
      file,
      JSON.stringify({ pool: { from: SEED_CURRENT, instances: '1-3', processes: 2, concurrency: '26x60%', maxConnections: 400 } }),
    );
    const { report } = await json(['--config', file, '--processes', '1']);
    expect(report.inputs.deployment).toEqual({ instances: { min: 1, max: 3 }, processes: 1, otherConnections: 0 });
    expect(report.server).toMatchObject({ source: 'flags', maxConnections: 400 });
    expect(report.inputs.settings?.values.pool_size).toMatchObject({ value: 50 });
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ pool: { instancez: 3 } }));
    const run = await cli(['pool', '--config', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^dbdoctor: .*bad\.json/);
  });
});

describe('dbdoctor pool: bad input is one line on stderr, exit 2', () => {
  const oneLine = (run: Run) => {
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^dbdoctor: /);
  };
  test('unreadable --from', async () => oneLine(await cli(['pool', '--from', join(dir, 'missing.py')])));
  test('bad numbers', async () => {
    oneLine(await cli(['pool', '--instances', 'lots']));
    oneLine(await cli(['pool', '--instances', '5-2']));
    oneLine(await cli(['pool', '--concurrency', 'many']));
    oneLine(await cli(['pool', '--processes', '0']));
    oneLine(await cli(['pool', '--rps', '10']));
    oneLine(await cli(['pool', '--set', 'nonsense']));
  });
  test('unreachable server, password never shown', async () => {
    const run = await cli(['pool', 'postgres://alice:s3cr3t-pw@127.0.0.1:1/db']);
    oneLine(run);
    expect(run.stderr).not.toContain('s3cr3t-pw');
    const mysqlRun = await cli(['pool', 'mysql://bob:an0ther-pw@127.0.0.1:1/db']);
    oneLine(mysqlRun);
    expect(mysqlRun.stderr).not.toContain('an0ther-pw');
  });
});

describe('dbdoctor pool: reading the server', () => {
  let db: TestDatabase;
  const others: pg.Client[] = [];
  beforeAll(async () => {
    db = await createServerDatabase();
    for (let i = 0; i < 3; i++) {
      const client = new pg.Client({ connectionString: db.url ?? '', application_name: 'reporting-job' });
      await client.connect();
      others.push(client);
    }
    await others[0]?.query('BEGIN');
    await others[0]?.query('SELECT 1');
  });
  afterAll(async () => {
    await Promise.all(others.map((c) => c.end()));
    await db.close();
  });

  test('PostgreSQL: limits, connections by application and state, idle in transaction, other clients', async () => {
    const { report } = await json([db.url ?? '', '--from', SEED_CURRENT, '--concurrency', '16', '--application-name', 'dash-app']);
    expect(report.server).toMatchObject({ source: 'server', dialect: 'postgresql', identifierLimit: 63 });
    expect(report.server.maxConnections).toBeGreaterThan(0);
    expect(report.server.name).not.toContain('@127.0.0.1:5432/test?');
    const mine = report.server.connections?.filter((c) => c.application === 'reporting-job') ?? [];
    expect(mine).toContainEqual({ application: 'reporting-job', state: 'idle in transaction', count: 1 });
    expect(mine.reduce((n, c) => n + c.count, 0)).toBe(3);
    expect(report.recommendation.budget.other).toBeGreaterThanOrEqual(3);
    expect(report.server.pooler?.detected).toBe(false);
    expect(report.server.cores?.source).toBe('local machine');
  });

  test('MariaDB: max_connections and processlist', async () => {
    const { run, report } = await json(['mysql://root@127.0.0.1:3306/test', '--driver', 'mysql2', '--concurrency', '4']);
    expect(run.stderr).toBe('');
    expect(report.server).toMatchObject({ source: 'server', dialect: 'mysql', identifierLimit: 64 });
    expect(report.server.maxConnections).toBeGreaterThan(0);
    expect(setting(report, 'connectionLimit')).toBeGreaterThan(0);
  });
});
