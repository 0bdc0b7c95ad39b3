/**
 * `dbdoctor apply` (and its rollback) against a table under concurrent write load, with a
 * long transaction holding a write lock at the start: every write succeeds, and the DDL that
 * queues behind the long transaction gives up at the lock timeout instead of waiting for it
 * (with every writer queued behind the DDL). Nothing here is timed by the test: the long
 * transaction ends only once the server showed dbdoctor's session waiting for a lock and then
 * no longer waiting while the long transaction still held its lock, which only a lock timeout
 * does; without one the test would never release it, and fail at its own timeout. Writers the
 * server showed waiting behind dbdoctor's session are counted and reported (sampling may miss
 * some, so the count is not asserted).
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runApplyCommand } from '../../src/cli/apply-command.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';
import { catalogSnapshot, sink } from '../plan/support.js';

const LOCK_TIMEOUT_MS = 400;
const WRITER = 'faults-load-writer';

let database: TestDatabase;
beforeAll(async () => {
  database = await createServerDatabase();
  await database.exec(`
CREATE SCHEMA load;
CREATE TABLE load.items (id serial PRIMARY KEY, k int, v text, n int);
INSERT INTO load.items (k, v, n) SELECT g % 100, 'v' || g, g FROM generate_series(1, 5000) g;
CREATE TABLE load.refs (id serial PRIMARY KEY, item_id int REFERENCES load.items);
INSERT INTO load.refs (item_id) SELECT 1 + g % 5000 FROM generate_series(1, 2000) g;
CREATE INDEX items_k ON load.items (k);
CREATE INDEX items_k_copy ON load.items (k);
CREATE INDEX items_k_n ON load.items (k, n);
ALTER TABLE load.items ADD CONSTRAINT items_id_n_1 UNIQUE (id, n);
ALTER TABLE load.items ADD CONSTRAINT items_id_n_2 UNIQUE (id, n);
ANALYZE load.items;
`);
});
afterAll(async () => {
  await database?.close();
});

interface WriterStats {
  writes: number;
  errors: string[];
}

async function connectAs(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function writeLoop(url: string, stop: { done: boolean }, stats: WriterStats, seed: number): Promise<void> {
  const client = await connectAs(url, WRITER);
  try {
    for (let i = 0; !stop.done; i++) {
      const statements: [string, unknown[]][] = [
        ['INSERT INTO load.items (k, v, n) VALUES ($1, $2, $3)', [(seed + i) % 100, `w${seed}-${i}`, 100_000 + seed * 100_000 + i]],
        ['UPDATE load.items SET v = $1 WHERE id = $2', [`u${i}`, 1 + ((seed * 7919 + i * 31) % 5000)]],
        ['INSERT INTO load.refs (item_id) VALUES ($1)', [1 + ((seed + i * 13) % 5000)]],
      ];
      for (const [sql, params] of statements) {
        try {
          await client.query(sql, params);
        } catch (error) {
          stats.errors.push((error as Error).message);
        }
        stats.writes++;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    await client.end();
  }
}

/** One look at the server: dbdoctor's sessions waiting for a lock, and writers waiting behind whom. */
interface Sample {
  dbdoctorWaiting: boolean;
  /** Writers waiting for a lock, each with whether a dbdoctor session is among its blockers and whether that session was itself waiting. */
  blockedWriters: { byDbdoctor: boolean; dbdoctorWaiting: boolean }[];
}

async function sample(monitor: pg.Client): Promise<Sample> {
  const { rows } = await monitor.query<{ application_name: string; waiting: boolean; blockers: number[]; blocker_waiting: boolean[] }>(
    `SELECT a.application_name,
            EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted) AS waiting,
            pg_blocking_pids(a.pid) AS blockers,
            ARRAY(SELECT EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = b.pid AND NOT l.granted)
                    FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(a.pid)) AND b.application_name = 'dbdoctor') AS blocker_waiting
       FROM pg_stat_activity a
      WHERE a.datname = current_database() AND a.application_name IN ('dbdoctor', $1)`,
    [WRITER],
  );
  return {
    dbdoctorWaiting: rows.some((r) => r.application_name === 'dbdoctor' && r.waiting),
    blockedWriters: rows
      .filter((r) => r.application_name === WRITER && r.waiting)
      .map((r) => ({ byDbdoctor: r.blocker_waiting.length > 0, dbdoctorWaiting: r.blocker_waiting.some(Boolean) })),
  };
}

test('apply and rollback under write load: no write fails, DDL gives up at the lock timeout instead of queueing writers', async () => {
  const url = database.url!;
  const before = await catalogSnapshot(database.db, ['load']);
  const stop = { done: false };
  const stats: WriterStats = { writes: 0, errors: [] };
  const writers = [1, 2].map((seed) => writeLoop(url, stop, stats, seed));
  const monitor = await connectAs(url, 'faults-load-monitor');
  const samples: Sample[] = [];

  // A long transaction that holds a write lock on the table while the apply starts.
  const holder = await connectAs(url, 'faults-load-holder');
  await holder.query('BEGIN');
  await holder.query(`INSERT INTO load.items (k, v, n) VALUES (0, 'long', -1)`);

  const options = { yes: true, lockTimeout: `${LOCK_TIMEOUT_MS}ms`, retries: '1000', retryDelay: '100ms' };
  const up = sink();
  const down = sink();
  try {
    // unused-index offers a drop only once the statistics hold enough activity, which the writers add
    // while the test runs: its fixes are left out so the plan is the same every run.
    const rule = ['duplicate-index', 'redundant-index', 'unindexed-foreign-key'];
    const applying = runApplyCommand(url, { ...options, schema: ['load'], rule }, { stdout: up, env: {} });
    // The long transaction ends only once dbdoctor's session was seen waiting and then not waiting
    // while the lock it waited for was still held: it gave up (lock_timeout) rather than queue.
    let sawWaiting = false;
    for (;;) {
      const now = await sample(monitor);
      samples.push(now);
      if (now.dbdoctorWaiting) sawWaiting = true;
      else if (sawWaiting && /gave up waiting for a lock/.test(up.text())) break;
    }
    await holder.query('COMMIT');
    const rollingBack = applying.then(async (code) => {
      expect(code, up.text()).toBe(0);
      return runApplyCommand(url, { ...options, rollback: true }, { stdout: down, env: {} });
    });
    let finished = false;
    void rollingBack.finally(() => (finished = true));
    while (!finished) samples.push(await sample(monitor));
    expect(await rollingBack, down.text()).toBe(0);
  } finally {
    stop.done = true;
    await Promise.all(writers);
    await holder.end().catch(() => undefined);
    await monitor.end();
  }

  expect(up.text()).toMatch(/gave up waiting for a lock after 400 ms/);
  // The four fixed, plus the statistics-based hints on the dropped indexes, which go with them.
  expect(up.text()).toMatch(/Re-audit: \d+ findings gone, 0 new/);
  for (const gone of [
    'duplicate-index (critical) load.items_id_n_2',
    'duplicate-index (critical) load.items_k_copy',
    'redundant-index (medium) load.items_k',
    'unindexed-foreign-key (medium) load.refs_item_id_fkey',
  ]) {
    expect(up.text()).toContain(`gone: ${gone}`);
  }
  expect(stats.writes).toBeGreaterThan(50);
  expect(stats.errors).toEqual([]);
  // Writers queue behind dbdoctor while it waits for a lock (ended by the lock timeout, shown above) or
  // while it holds one for a statement that needs no wait.
  const behindDbdoctor = samples.flatMap((s) => s.blockedWriters).filter((w) => w.byDbdoctor);
  console.log(`writes: ${stats.writes}, samples: ${samples.length}, writer waits behind dbdoctor seen: ${behindDbdoctor.length}`);
  expect(await catalogSnapshot(database.db, ['load'])).toEqual(before);
}, 120_000);
