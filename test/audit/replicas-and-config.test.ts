/**
 * `--replica` and the configuration file, end to end through the CLI and the library, against a
 * real streaming standby of the local server (pg_basebackup -R, see test/helpers/standby.ts):
 * the queries that use one index run only on the standby.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { runCli } from '../../src/cli/program.js';
import { unusedIndex } from '../../src/rules/unused-index.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';
import { startStandby, type Standby } from '../helpers/standby.js';

const SCHEMA = `
CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, status text NOT NULL);
CREATE INDEX orders_customer_idx ON orders (customer);
CREATE INDEX orders_status_idx ON orders (status);
INSERT INTO orders SELECT g, 'c' || g % 100, 'status-' || g FROM generate_series(1, 1500) g;
ANALYZE orders;`;

let primary: TestDatabase;
let standby: Standby;
/** The audited database on the standby. */
let replica: { url: string; db: pg.Client };
let dir: string;

/** The node name a URL is shown as: no user, no password. */
function nodeName(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/** The replica's URL with a password in it: the server trusts local connections, so it is ignored, and must never be printed. */
function replicaUrlWithPassword(): string {
  const u = new URL(replica.url);
  u.password = 'pw-s3cret';
  return u.toString();
}

beforeAll(async () => {
  standby = await startStandby();
  primary = await createServerDatabase();
  await primary.exec(SCHEMA);
  await standby.catchUp();
  const url = standby.urlOf(new URL(primary.url!).pathname.slice(1));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  replica = { url, db: client };
  await client.query("SET enable_seqscan = off; SELECT count(*) FROM orders WHERE customer = 'c1'; RESET enable_seqscan;");
  for (const db of [primary.db, replica.db]) await db.query('SELECT pg_stat_force_next_flush()');
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-replica-'));
}, 180_000);
afterAll(async () => {
  await replica?.db.end();
  await primary?.close();
  await standby?.stop();
});

async function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = dir): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    args,
    { stdout: { write: (s: string) => (stdout += s), isTTY: false }, env, cwd },
    { write: (s: string) => (stderr += s) },
  );
  return { code, stdout, stderr };
}

describe('replicas', () => {
  test('an index scanned only on a replica is not unused; the evidence shows every node', async () => {
    const result = await auditPostgres(
      primary.db,
      { kind: 'postgres', name: 'primary' },
      {
        rules: [unusedIndex],
        replicas: [{ name: nodeName(replica.url), db: replica.db }],
      },
    );
    expect(result.findings.map((f) => f.index)).toEqual(['orders_status_idx']);
    expect(result.findings[0]!.message).toMatch(/has not been scanned since the statistics began on any of 2 nodes/);
    expect(result.findings[0]!.evidence.nodes).toEqual([
      { node: 'primary', scans: 0, statsResetAt: null, statsAgeDays: null },
      expect.objectContaining({ node: nodeName(replica.url), scans: 0 }),
    ]);
    const customer = result.model.indexes.find((i) => i.name === 'orders_customer_idx')!;
    expect(customer.usageByNode?.map((u) => u.scans)).toEqual([0, 1]);
    expect(result.summary.statistics.nodes?.map((n) => n.node)).toEqual(['primary', nodeName(replica.url)]);
  });

  test('without the replica the same index would be called unused', async () => {
    const result = await auditPostgres(primary.db, { kind: 'postgres', name: 'primary' }, { rules: [unusedIndex] });
    expect(result.findings.map((f) => f.index).sort()).toEqual(['orders_customer_idx', 'orders_status_idx']);
  });

  test('--replica on the command line: JSON evidence per node, no credentials anywhere', async () => {
    const run = await cli(['audit', primary.url!, '--replica', replicaUrlWithPassword(), '--format', 'json', '--fail-on', 'none']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('pw-s3cret');
    const report = JSON.parse(run.stdout) as {
      findings: { rule: string; index?: string; evidence: { nodes: { node: string }[] } }[];
      summary: { statistics: { nodes: { node: string }[] } };
    };
    const unused = report.findings.filter((f) => f.rule === 'unused-index');
    expect(unused.map((f) => f.index)).toEqual(['orders_status_idx']);
    expect(unused[0]!.evidence.nodes.map((n) => n.node)).toEqual([nodeName(primary.url!), nodeName(replica.url)]);
    expect(report.summary.statistics.nodes.map((n) => n.node)).toEqual([nodeName(primary.url!), nodeName(replica.url)]);
  });

  test('a replica that cannot be reached is an error (exit 2, one line), never skipped', async () => {
    const run = await cli(['audit', primary.url!, '--replica', 'postgres://alice:s3cr3t-pw@127.0.0.1:1/app', '--format', 'json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^dbdoctor: replica postgres:\/\/127\.0\.0\.1:1\/app cannot be reached: /);
    expect(run.stderr).not.toContain('s3cr3t-pw');
    expect(run.stderr).not.toContain('alice');
  });
});

describe('configuration file', () => {
  test('found in the working directory: ignore silences with a reason, replicas come from the environment, types are forced', async () => {
    const configDir = await mkdtemp(join(tmpdir(), 'dbdoctor-config-cli-'));
    await writeFile(
      join(configDir, 'dbdoctor.config.yaml'),
      [
        'tables:',
        '  orders: transaction',
        'ignore:',
        '  - rule: unused-index',
        '    table: orders',
        '    index: orders_status_idx',
        '    reason: used by the month-end report',
        'replicas:',
        '  - ${REPLICA_URL}',
        '# The test databases were made seconds ago: date their statistics from a past day.',
        'statsSince: 2020-01-01',
        '',
      ].join('\n'),
    );
    const env = { REPLICA_URL: replicaUrlWithPassword() };
    const run = await cli(['audit', primary.url!, '--format', 'json', '--fail-on', 'medium'], env, configDir);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as {
      findings: { rule: string; severity: string }[];
      suppressed: { finding: { rule: string; index: string }; reason: string }[];
      summary: { byRule: Record<string, number>; findings: number };
      tables: { table: string; type: string; source: string }[];
    };
    expect(report.suppressed).toEqual([
      {
        finding: expect.objectContaining({ rule: 'unused-index', index: 'orders_status_idx' }) as unknown,
        reason: 'used by the month-end report',
      },
    ]);
    expect(report.summary.byRule['unused-index']).toBeUndefined();
    expect(report.summary.findings).toBe(report.findings.length);
    expect(report.tables.find((t) => t.table === 'orders')).toMatchObject({ type: 'transaction', source: 'config' });
    // Nothing at medium or above is left: the silenced finding does not count for the exit code.
    expect(report.findings.filter((f) => f.severity !== 'low')).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('pw-s3cret');

    const text = await cli(['audit', primary.url!, '--fail-on', 'none'], env, configDir);
    expect(text.stdout).toMatch(/Silenced\n {2}- unused-index public\.orders › orders_status_idx \(medium\): used by the month-end report/);
    const markdown = await cli(['audit', primary.url!, '--format', 'markdown', '--fail-on', 'none'], env, configDir);
    expect(markdown.stdout).toMatch(
      /## Silenced[\s\S]*\| `unused-index` \| public\.orders › orders_status_idx \| medium \| used by the month-end report \|/,
    );
  });

  test('without the configuration the same finding fails the audit at --fail-on medium', async () => {
    const run = await cli(['audit', primary.url!, '--format', 'json', '--fail-on', 'medium', '--stats-since', '2020-01-01']);
    expect(run.code).toBe(1);
  });

  test('fix sees what audit sees: silenced findings and indexes used on a replica are not dropped', async () => {
    const configDir = await mkdtemp(join(tmpdir(), 'dbdoctor-config-fix-'));
    await writeFile(
      join(configDir, 'dbdoctor.config.json'),
      JSON.stringify({
        ignore: [{ rule: 'unused-index', index: 'orders_status_idx', reason: 'month-end report' }],
        replicas: ['${REPLICA_URL}'],
        statsSince: '2020-01-01',
      }),
    );
    const upSql = async (cwd: string, env: NodeJS.ProcessEnv, extra: string[] = []): Promise<string> => {
      const out = await mkdtemp(join(tmpdir(), 'dbdoctor-fix-out-'));
      const run = await cli(
        ['fix', primary.url!, '--output', out, '--rule', 'unused-index', '--stats-since', '2020-01-01', ...extra],
        env,
        cwd,
      );
      expect(run.stderr).toBe('');
      return readFile(join(out, 'up.sql'), 'utf8').catch(() => '');
    };
    const plain = await upSql(dir, {});
    expect(plain).toContain('orders_status_idx');
    expect(plain).toContain('orders_customer_idx');
    const configured = await upSql(configDir, { REPLICA_URL: replica.url });
    expect(configured).not.toContain('orders_status_idx');
    expect(configured).not.toContain('orders_customer_idx');
    // --replica alone: the index the replica scans stays, the silenced one is fixed again.
    const withReplica = await upSql(dir, {}, ['--replica', replica.url]);
    expect(withReplica).toContain('orders_status_idx');
    expect(withReplica).not.toContain('orders_customer_idx');
  });

  test('an invalid configuration is one line and exit 2', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ ignore: [{ rule: 'unused-index' }] }));
    const run = await cli(['audit', primary.url!, '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/invalid config .*bad\.json: ignore\[0\]\.reason: /);
  });
});

describe('a standby whose statistics were just reset', () => {
  test('the finding is downgraded and names the node', async () => {
    // Last: it resets the standby's counters the tests above read.
    await replica.db.query('SELECT pg_stat_reset()');
    const result = await auditPostgres(
      primary.db,
      { kind: 'postgres', name: 'primary' },
      {
        rules: [unusedIndex],
        replicas: [{ name: 'young', db: replica.db }],
      },
    );
    const status = result.findings.find((f) => f.index === 'orders_status_idx')!;
    expect(status.severity).toBe('low');
    expect(status.message).toMatch(/Statistics on young were reset less than an hour ago/);
  });
});
