/**
 * `--replica` against a real streaming standby (pg_basebackup -R of the local server): an index
 * scanned only on the standby is used, for every rule that could drop it (over-indexed-table
 * too); a node that is not a standby of the audited server (the primary itself, a standby of
 * another cluster, an unrelated primary) is refused in one line with exit 2, never counted.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type ThrowawayServer } from '../helpers/pg-servers.js';
import { PG15_BIN, startStandby, type Standby } from '../helpers/standby.js';
import { cli, createFaultsDatabase, type FaultsDatabase } from './support.js';

/** Scans the standby makes of ix_standby_only; the primary makes none. */
const STANDBY_SCANS = 15;

const SCHEMA = `
CREATE TABLE request_log (
  id bigserial PRIMARY KEY,
  user_id int NOT NULL,
  method text NOT NULL,
  endpoint text NOT NULL,
  created_at timestamptz NOT NULL
);
INSERT INTO request_log (user_id, method, endpoint, created_at)
SELECT 1 + g % 50, (ARRAY['GET','POST','PUT','DELETE'])[1 + g % 4], '/api/v1/items/' || g, TIMESTAMPTZ '2025-11-01' + g * INTERVAL '1 minute'
FROM generate_series(1, 2000) AS g;
CREATE INDEX rl_user ON request_log (user_id);
CREATE INDEX rl_created ON request_log (created_at);
CREATE INDEX rl_method ON request_log (method);
CREATE INDEX ix_standby_only ON request_log (endpoint);
ANALYZE request_log;
SET enable_seqscan = off;
SELECT count(*) FROM request_log WHERE created_at >= '2025-11-01 02:00+00' AND created_at < '2025-11-01 03:00+00';
SELECT count(*) FROM request_log WHERE user_id = 7;
RESET enable_seqscan;
SELECT pg_stat_force_next_flush();`;

let db: FaultsDatabase;
let standby: Standby;
let dir: string;
let configDir: string;

/** What a node is shown as in reports (no user or password). */
const shown = (url: string): string => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
};

beforeAll(async () => {
  standby = await startStandby();
  db = await createFaultsDatabase('replica', SCHEMA);
  await standby.catchUp();
  const onStandby = new pg.Client({ connectionString: standby.urlOf(db.name) });
  await onStandby.connect();
  await onStandby.query('SET enable_seqscan = off');
  for (let i = 0; i < STANDBY_SCANS; i++)
    await onStandby.query(`SELECT count(*) FROM request_log WHERE endpoint = '/api/v1/items/${i + 1}'`);
  await onStandby.query('SELECT pg_stat_force_next_flush()');
  await onStandby.end();
  dir = await mkdtemp(join(tmpdir(), 'faults-replica-'));
  configDir = await mkdtemp(join(tmpdir(), 'faults-replica-config-'));
  await writeFile(join(configDir, 'dbdoctor.config.yaml'), 'tables:\n  request_log: log\nstatsSince: 2020-01-01\n');
}, 180_000);
afterAll(async () => {
  await db?.drop();
  await standby?.stop();
});

describe('a real streaming standby', () => {
  test('the standby really is one: in recovery, and its scans are its own', async () => {
    const c = new pg.Client({ connectionString: standby.urlOf(db.name) });
    await c.connect();
    const { rows } = await c.query<{ r: boolean; scans: string }>(
      `SELECT pg_is_in_recovery() AS r, idx_scan::text AS scans FROM pg_stat_user_indexes WHERE indexrelname = 'ix_standby_only'`,
    );
    await c.end();
    expect(rows[0]).toEqual({ r: true, scans: String(STANDBY_SCANS) });
  });

  test('over-indexed-table keeps an index scanned only on the standby, and says it was scanned there', async () => {
    const run = await cli(['audit', db.url, '--replica', standby.urlOf(db.name), '--format', 'json', '--fail-on', 'none'], {
      cwd: configDir,
    });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as {
      findings: { rule: string; index?: string; evidence: { suggestedDrops?: string[]; indexes?: { name: string; scans: number }[] } }[];
    };
    const over = report.findings.find((f) => f.rule === 'over-indexed-table')!;
    expect(over.evidence.indexes!.find((i) => i.name === 'ix_standby_only')!.scans).toBe(STANDBY_SCANS);
    expect(over.evidence.suggestedDrops).toContain('rl_method');
    expect(over.evidence.suggestedDrops).not.toContain('ix_standby_only');
    expect(report.findings.filter((f) => f.index === 'ix_standby_only')).toEqual([]);
  });

  test('fix --replica writes no DROP of it; without the standby it would', async () => {
    const upSql = async (extra: string[]): Promise<string> => {
      const out = await mkdtemp(join(dir, 'fix-'));
      const run = await cli(['fix', db.url, '--output', out, ...extra], { cwd: configDir });
      expect(run.stderr).toBe('');
      return readFile(join(out, 'up.sql'), 'utf8');
    };
    const withStandby = await upSql(['--replica', standby.urlOf(db.name)]);
    const dropOf = (name: string): RegExp => new RegExp(`^DROP INDEX CONCURRENTLY IF EXISTS public\\.${name};$`, 'm');
    expect(withStandby).toMatch(dropOf('rl_method'));
    expect(withStandby).not.toMatch(dropOf('ix_standby_only'));
    const overOnly = await upSql(['--replica', standby.urlOf(db.name), '--rule', 'over-indexed-table']);
    expect(overOnly).toMatch(dropOf('rl_method'));
    expect(overOnly).not.toMatch(dropOf('ix_standby_only'));
    const primaryOnly = await upSql(['--rule', 'over-indexed-table']);
    expect(primaryOnly).toMatch(dropOf('ix_standby_only'));
  });

  test('apply --replica drops only what no node scans', async () => {
    const run = await cli(['apply', db.url, '--replica', standby.urlOf(db.name), '--yes'], { cwd: configDir });
    expect(run.stderr).toBe('');
    const { rows } = await db.client.query<{ name: string }>(
      `SELECT indexrelname AS name FROM pg_stat_user_indexes WHERE relname = 'request_log' ORDER BY 1`,
    );
    expect(rows.map((r) => r.name)).toContain('ix_standby_only');
    expect(rows.map((r) => r.name)).not.toContain('rl_method');
  });
});

describe('a --replica that is not a standby of the audited server', () => {
  let other: ThrowawayServer;
  let otherStandby: Standby;
  beforeAll(async () => {
    other = await startServer(PG15_BIN);
    otherStandby = await startStandby(other.url);
  }, 180_000);
  afterAll(async () => {
    await otherStandby?.stop();
    await other?.stop();
  });

  const refused = async (replica: string, why: RegExp): Promise<void> => {
    for (const command of [
      ['audit', db.url, '--format', 'json'],
      ['fix', db.url, '--output', join(dir, 'refused')],
      ['apply', db.url, '--yes'],
    ]) {
      const run = await cli([...command, '--replica', replica]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(why);
    }
  };

  test('the audited primary itself is refused (its scans would count twice)', async () => {
    await refused(
      db.url,
      /^dbdoctor: --replica \S+ is not a standby \(pg_is_in_recovery\(\) is false\) but has the audited server's system identifier/,
    );
  });

  test('a standby of another cluster is refused: the system identifiers differ', async () => {
    const url = otherStandby.urlOf('postgres');
    await refused(
      url,
      new RegExp(
        `^dbdoctor: --replica ${shown(url).replace(/[/.]/g, '\\$&')} is a standby of another server \\(system identifier \\d+; the audited server's is \\d+\\)`,
      ),
    );
  });

  test('an unrelated primary is refused: not in recovery', async () => {
    await refused(other.url, /^dbdoctor: --replica \S+ is not a standby \(pg_is_in_recovery\(\) is false\): give a streaming standby/);
  });
});
