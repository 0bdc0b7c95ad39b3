import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { monitorPool, type PoolMonitor } from '../../src/monitor/index.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';
import { FakeMeter, memoryLogger, sample } from './helpers.js';

let db: TestDatabase;
let pool: pg.Pool;
let monitor: PoolMonitor;
const registry = new Registry();
const logger = memoryLogger();
const meter = new FakeMeter();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let releaseListenersBefore = 0;

beforeAll(async () => {
  db = await createServerDatabase();
  await db.exec('CREATE TABLE items (id int PRIMARY KEY, secret text)');
  pool = new pg.Pool({ connectionString: db.url ?? '', max: 2, connectionTimeoutMillis: 400 });
  releaseListenersBefore = pool.listenerCount('release');
  monitor = monitorPool(pool, { name: 'test', registry, logger, meter, slowQueryMs: 100, leakDetectionMs: 250 });
});

afterAll(async () => {
  monitor.stop();
  await pool.end();
  await db.close();
});

describe('monitorPool on node-postgres (PostgreSQL server)', () => {
  test('counts queries, rows and errors, through pool.query and a checked-out client', async () => {
    for (let i = 0; i < 5; i++) await pool.query('SELECT 1');
    await pool.query("INSERT INTO items VALUES (1, 'alice'), (2, 'bob')");
    const client = await pool.connect();
    const result = await client.query('SELECT * FROM items WHERE id = $1', [1]);
    expect(result.rows).toHaveLength(1);
    await new Promise<void>((resolve, reject) => client.query('SELECT 2', (error) => (error ? reject(error) : resolve())));
    client.release();
    await expect(pool.query('SELECT * FROM missing_table')).rejects.toThrow(/missing_table/);

    const stats = monitor.stats();
    expect(stats.queries).toBe(9);
    expect(stats.errors).toBe(1);
    const text = await registry.metrics();
    const base = { pool_name: 'test', db_system_name: 'postgresql' };
    expect(sample(text, 'db_client_operation_duration_seconds_count', { ...base, db_operation_name: 'SELECT' })).toBe(7);
    expect(sample(text, 'db_client_operation_duration_seconds_count', { ...base, db_operation_name: 'INSERT' })).toBe(1);
    expect(sample(text, 'db_client_operation_duration_seconds_count', { ...base, db_operation_name: 'SELECT', error_type: '42P01' })).toBe(
      1,
    );
    expect(sample(text, 'db_client_operation_errors_total', { pool_name: 'test', error_type: '42P01' })).toBe(1);
    expect(sample(text, 'db_client_operation_duration_seconds_bucket', { ...base, db_operation_name: 'SELECT', le: '+Inf' })).toBe(7);
    expect(sample(text, 'db_client_connection_wait_time_seconds_count', { pool_name: 'test' })).toBe(stats.acquisitions);
    expect(sample(text, 'db_client_connection_use_time_seconds_count', { pool_name: 'test' })).toBe(stats.acquisitions);
    // 7 pool.query calls and one explicit checkout that ran two queries.
    expect(stats.acquisitions).toBe(8);
    expect(meter.count('db.client.operation.duration')).toBe(9);
    expect(
      meter.recorded.find((r) => r.name === 'db.client.operation.duration' && r.attributes['error.type'] === '42P01')?.attributes[
        'db.system.name'
      ],
    ).toBe('postgresql');
  });

  test('logs a slow query, normalized, with rows and pool state, and never its data', async () => {
    const before = logger.events.length;
    await pool.query("SELECT pg_sleep(0.3), 'alice@example.com' AS email, 42 AS n");
    await pool.query('SELECT pg_sleep($1), $2::text', [0.3, 'bob-secret']);
    const slow = logger.events.slice(before).filter((e) => e.kind === 'slow-query');
    expect(slow).toHaveLength(2);
    const [first, second] = slow;
    if (first?.kind !== 'slow-query' || second?.kind !== 'slow-query') throw new Error('expected slow-query events');
    expect(first.durationMs).toBeGreaterThanOrEqual(250);
    expect(first.statement).toBe('SELECT pg_sleep(?), ? AS email, ? AS n');
    expect(first.rows).toBe(1);
    expect(first.state.used).toBeGreaterThanOrEqual(1);
    expect(second.statement).toBe('SELECT pg_sleep($1), $2::text');
    expect(second.parameters).toBeUndefined();
    expect(JSON.stringify(slow)).not.toMatch(/alice@example|bob-secret/);
    expect(monitor.stats().slowQueries).toBe(2);
    expect(sample(await registry.metrics(), 'db_client_operation_slow_total', { pool_name: 'test' })).toBe(2);
  });

  test('a forced exhaustion: the third checkout waits, is counted pending, and times out', async () => {
    const a = await pool.connect();
    const b = await pool.connect();
    const third = pool.connect();
    await sleep(50);
    const during = await registry.metrics();
    expect(sample(during, 'db_client_connection_pending_requests', { pool_name: 'test' })).toBe(1);
    expect(sample(during, 'db_client_connection_count', { pool_name: 'test', state: 'used' })).toBe(2);
    expect(meter.collect()).toContainEqual({
      name: 'db.client.connection.pending_requests',
      value: 1,
      attributes: { 'db.client.connection.pool.name': 'test' },
    });
    await expect(third).rejects.toThrow(/timeout/);
    expect(monitor.stats().timeouts).toBe(1);
    expect(sample(await registry.metrics(), 'db_client_connection_timeouts_total', { pool_name: 'test' })).toBe(1);
    expect(meter.count('db.client.connection.timeouts')).toBe(1);

    // Held past the leak limit (250 ms): both are reported with the stack that checked them out.
    await sleep(450);
    a.release();
    b.release();
    const leaks = logger.events.filter((e) => e.kind === 'leak');
    expect(leaks).toHaveLength(2);
    expect(leaks[0]?.kind === 'leak' && leaks[0].stack).toMatch(/pg\.test\.ts/);
    expect(leaks[0]?.kind === 'leak' && leaks[0].heldMs).toBeGreaterThanOrEqual(250);
    expect(sample(await registry.metrics(), 'db_client_connection_leaks_total', { pool_name: 'test' })).toBe(2);
  });

  test('stop() removes every wrapper, listener and metric; the pool works on', async () => {
    const statsBefore = monitor.stats();
    monitor.stop();
    expect(Object.hasOwn(pool, 'connect')).toBe(false);
    expect(Object.hasOwn(pool, 'query')).toBe(false);
    expect(pool.listenerCount('release')).toBe(releaseListenersBefore);
    expect(pool.listenerCount('connect')).toBe(0);
    expect(pool.listenerCount('remove')).toBe(0);
    expect(meter.callbackCount).toBe(0);
    expect(await registry.metrics()).not.toContain('db_client_');
    const client = await pool.connect();
    expect(Object.hasOwn(client, 'query')).toBe(false);
    await client.query('SELECT 1');
    client.release();
    await pool.query('SELECT 1');
    expect(monitor.stats().queries).toBe(statsBefore.queries);
  });
});
