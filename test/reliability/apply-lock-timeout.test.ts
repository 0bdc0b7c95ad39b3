/**
 * The lock_timeout `apply --lock-timeout` gives is the one its session runs with: behind another
 * session's SHARE UPDATE EXCLUSIVE lock (the weakest that conflicts with CREATE INDEX
 * CONCURRENTLY), the apply backend is seen waiting in pg_locks, gives up with SQLSTATE 55P03
 * (lock_not_available) as many times as the policy allows, and the server's own record of the
 * session's statements (pg_stat_statements) holds `SET lock_timeout` with the value given.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { cli, createFaultsDatabase, type FaultsDatabase } from './support.js';

const SCHEMA = `
CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers);
INSERT INTO customers SELECT generate_series(1, 100);
INSERT INTO orders SELECT g, 1 + g % 100 FROM generate_series(1, 2000) g;
ANALYZE;`;

let db: FaultsDatabase;
beforeEach(async () => {
  db = await createFaultsDatabase('locktimeout', SCHEMA);
});
afterEach(async () => db?.drop());

interface Waiter {
  readonly pid: number;
  readonly mode: string;
  readonly query: string;
}

/** Backends waiting for a lock on orders, seen from another session. */
async function waiters(): Promise<Waiter[]> {
  const { rows } = await db.client.query<Waiter>(
    `SELECT l.pid, l.mode, a.query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.relation = 'orders'::regclass AND NOT l.granted`,
  );
  return rows;
}

test('apply --lock-timeout 200ms: the session sets lock_timeout 200, waits in pg_locks, and gives up with 55P03 once per attempt the policy allows', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'faults-locktimeout-'));
  const plan = join(dir, 'plan');
  const fix = await cli([
    'fix',
    db.url,
    '--format',
    'sql',
    '--output',
    plan,
    '--stats-since',
    '2020-01-01',
    '--rule',
    'unindexed-foreign-key',
  ]);
  expect(fix.stderr).toBe('');
  // The server's record of statements, in this database only (created after the plan so it is no part of it).
  await db.client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const holder = await db.connect();
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE orders IN SHARE UPDATE EXCLUSIVE MODE');
  const holderPid = (holder as unknown as { processID: number }).processID;
  const retries = 2;
  try {
    let settled = false;
    const running = cli([
      'apply',
      db.url,
      '--from',
      plan,
      '--yes',
      '--lock-timeout',
      '200ms',
      '--retries',
      String(retries),
      '--retry-delay',
      '50ms',
    ]);
    void running.finally(() => (settled = true));
    const seen: Waiter[] = [];
    while (!settled && seen.length === 0) seen.push(...(await waiters()));
    const run = await running;

    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]!.pid).not.toBe(holderPid);
    expect(seen[0]!.mode).toBe('ShareUpdateExclusiveLock');
    expect(seen[0]!.query).toMatch(/^CREATE INDEX CONCURRENTLY .*orders/);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`canceling statement due to lock timeout (after ${retries + 1} attempts)`);
    const journal = await db.client.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM dbdoctor.dbdoctor_journal WHERE position = 1',
    );
    expect(journal.rows).toEqual([{ status: 'failed', attempts: retries + 1 }]);

    const { rows } = await db.client.query<{ query: string }>(
      `SELECT query FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query ILIKE 'SET lock_timeout%'`,
    );
    expect(rows.map((r) => r.query)).toContain('SET lock_timeout = 200');
    // The apply backend gave up: the holder still has its lock and nothing waits behind it.
    expect(await waiters()).toEqual([]);
    const held = await db.client.query(`SELECT 1 FROM pg_locks WHERE pid = $1 AND relation = 'orders'::regclass AND granted`, [holderPid]);
    expect(held.rows).toHaveLength(1);
  } finally {
    await holder.query('ROLLBACK');
  }
});
