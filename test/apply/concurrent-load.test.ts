/**
 * `dbdoctor apply` (and its rollback) against a table under concurrent write load, with a
 * long transaction holding a write lock at the start: every write succeeds, and none waits
 * longer than the lock timeout (plus a generous margin for a loaded machine) — without the
 * lock timeout, writes would queue behind the DDL for as long as the long transaction lasts.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runApplyCommand } from '../../src/cli/apply-command.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';
import { catalogSnapshot, connect, sink } from '../plan/support.js';

const LOCK_TIMEOUT_MS = 400;
/** A loaded 2-core machine can stall any statement; still far below the long transaction's hold. */
const MARGIN_MS = 1_000;
const LONG_TRANSACTION_MS = 2_500;

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
  maxMs: number;
}

async function writeLoop(url: string, stop: { done: boolean }, stats: WriterStats, seed: number): Promise<void> {
  const client = await connect(url);
  try {
    for (let i = 0; !stop.done; i++) {
      const statements: [string, unknown[]][] = [
        ['INSERT INTO load.items (k, v, n) VALUES ($1, $2, $3)', [(seed + i) % 100, `w${seed}-${i}`, 100_000 + seed * 100_000 + i]],
        ['UPDATE load.items SET v = $1 WHERE id = $2', [`u${i}`, 1 + ((seed * 7919 + i * 31) % 5000)]],
        ['INSERT INTO load.refs (item_id) VALUES ($1)', [1 + ((seed + i * 13) % 5000)]],
      ];
      for (const [sql, params] of statements) {
        const started = performance.now();
        try {
          await client.query(sql, params);
        } catch (error) {
          stats.errors.push((error as Error).message);
        }
        stats.maxMs = Math.max(stats.maxMs, performance.now() - started);
        stats.writes++;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    await client.end();
  }
}

test('apply and rollback under write load: no write fails, none waits past the lock timeout', async () => {
  const url = database.url!;
  const before = await catalogSnapshot(database.db, ['load']);
  const stop = { done: false };
  const stats: WriterStats = { writes: 0, errors: [], maxMs: 0 };
  const writers = [1, 2].map((seed) => writeLoop(url, stop, stats, seed));

  // A long transaction that holds a write lock on the table while the apply starts.
  const holder = await connect(url);
  await holder.query('BEGIN');
  await holder.query(`INSERT INTO load.items (k, v, n) VALUES (0, 'long', -1)`);
  const released = new Promise((resolve) => setTimeout(resolve, LONG_TRANSACTION_MS)).then(async () => {
    await holder.query('COMMIT');
    await holder.end();
  });

  const options = { yes: true, lockTimeout: `${LOCK_TIMEOUT_MS}ms`, retries: '30', retryDelay: '100ms' };
  const up = sink();
  const down = sink();
  try {
    // unused-index offers a drop only once the statistics hold enough activity, which the writers add
    // while the test runs: its fixes are left out so the plan is the same every run.
    const rule = ['duplicate-index', 'redundant-index', 'unindexed-foreign-key'];
    expect(await runApplyCommand(url, { ...options, schema: ['load'], rule }, { stdout: up, env: {} }), up.text()).toBe(0);
    await released;
    expect(await runApplyCommand(url, { ...options, rollback: true }, { stdout: down, env: {} }), down.text()).toBe(0);
  } finally {
    stop.done = true;
    await Promise.all(writers);
    await released;
  }

  // The long transaction really made DDL give up and retry.
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
  console.log(`writes: ${stats.writes}, slowest: ${Math.round(stats.maxMs)} ms`);
  expect(stats.writes).toBeGreaterThan(50);
  expect(stats.errors).toEqual([]);
  expect(stats.maxMs).toBeLessThan(LOCK_TIMEOUT_MS + MARGIN_MS);
  expect(await catalogSnapshot(database.db, ['load'])).toEqual(before);
}, 60_000);
