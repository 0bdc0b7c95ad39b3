import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { monitorPool, type PoolMonitor } from '../../src/monitor/index.js';
import { TEST_SERVER_URL } from '../helpers/databases.js';
import { dropDatabase, memoryLogger, otelSdk, pointValue, sample } from './helpers.js';

const dbName = `monitor_pg_${process.pid}`;
const url = new URL(TEST_SERVER_URL);
url.pathname = `/${dbName}`;
let admin: pg.Client;
let pool: pg.Pool;
let monitor: PoolMonitor;
const registry = new Registry();
const logger = memoryLogger();
const otel = otelSdk();
let releaseListenersBefore = 0;

// The label and attribute sets every operation carries, derived from the connection URL.
const server = { address: url.hostname, port: Number(url.port || 5432), namespace: dbName };
const labels = {
  db_client_connection_pool_name: 'test',
  db_system_name: 'postgresql',
  server_address: server.address,
  server_port: String(server.port),
  db_namespace: server.namespace,
};
const pool_ = { db_client_connection_pool_name: 'test' };

beforeAll(async () => {
  admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  pool = new pg.Pool({ connectionString: url.toString(), max: 2, connectionTimeoutMillis: 400 });
  releaseListenersBefore = pool.listenerCount('release');
  monitor = monitorPool(pool, { name: 'test', registry, logger, meter: otel.meter, slowQueryMs: 100, leakDetectionMs: 250 });
  await pool.query('CREATE TABLE items (id int PRIMARY KEY, secret text)');
});

afterAll(async () => {
  monitor.stop();
  await pool.end();
  await otel.shutdown();
  await dropDatabase(admin, dbName);
  await admin.end();
});

describe('monitorPool on node-postgres (PostgreSQL server)', () => {
  test('counts queries, rows and errors, through pool.query and a checked-out client, in Prometheus and the OpenTelemetry SDK', async () => {
    for (let i = 0; i < 5; i++) await pool.query('SELECT 1');
    await pool.query("INSERT INTO items VALUES (1, 'alice'), (2, 'bob')");
    const client = await pool.connect();
    const result = await client.query('SELECT * FROM items WHERE id = $1', [1]);
    expect(result.rows).toHaveLength(1);
    await new Promise<void>((resolve, reject) => client.query('SELECT 2', (error) => (error ? reject(error) : resolve())));
    client.release();
    await expect(pool.query('SELECT * FROM missing_table')).rejects.toThrow(/missing_table/);

    // CREATE TABLE (1) + 5 × SELECT 1 + INSERT + 2 on the client + the failed SELECT.
    const stats = monitor.stats();
    expect(stats.queries).toBe(10);
    expect(stats.errors).toBe(1);
    const text = await registry.metrics();
    const d = 'db_client_operation_duration_seconds';
    expect(sample(text, `${d}_count`, { ...labels, db_operation_name: 'SELECT' })).toBe(7);
    expect(sample(text, `${d}_count`, { ...labels, db_operation_name: 'INSERT' })).toBe(1);
    expect(sample(text, `${d}_count`, { ...labels, db_operation_name: 'SELECT', error_type: '42P01' })).toBe(1);
    expect(sample(text, `${d}_bucket`, { ...labels, db_operation_name: 'SELECT', le: '+Inf' })).toBe(7);
    expect(sample(text, 'db_client_operation_errors_total', { ...pool_, error_type: '42P01' })).toBe(1);
    // 8 pool.query calls and one explicit checkout that ran two queries.
    expect(stats.acquisitions).toBe(9);
    expect(sample(text, 'db_client_connection_wait_time_seconds_count', pool_)).toBe(9);
    expect(sample(text, 'db_client_connection_use_time_seconds_count', pool_)).toBe(9);

    const metrics = await otel.collect();
    const attributes = {
      'db.client.connection.pool.name': 'test',
      'db.system.name': 'postgresql',
      'server.address': server.address,
      'server.port': server.port,
      'db.namespace': server.namespace,
    };
    const duration = 'db.client.operation.duration';
    expect(pointValue(metrics, duration, { ...attributes, 'db.operation.name': 'SELECT' }, true)).toBe(7);
    expect(pointValue(metrics, duration, { ...attributes, 'db.operation.name': 'SELECT', 'error.type': '42P01' }, true)).toBe(1);
    expect(pointValue(metrics, duration, { ...attributes, 'db.operation.name': 'CREATE' }, true)).toBe(1);
    expect(pointValue(metrics, 'db.client.connection.wait_time', { 'db.client.connection.pool.name': 'test' })).toBe(9);
    expect(pointValue(metrics, 'db.client.connection.use_time', { 'db.client.connection.pool.name': 'test' })).toBe(9);
  });

  test('logs a slow query, normalized, with rows and pool state, and never its data', async () => {
    const events = logger.next('slow-query', 2);
    await pool.query("SELECT pg_sleep(0.3), 'alice@example.com' AS email, 42 AS n");
    await pool.query('SELECT pg_sleep($1), $2::text', [0.3, 'bob-secret']);
    const [first, second] = await events;
    if (!first || !second) throw new Error('expected two slow-query events');
    // pg_sleep(0.3) holds the statement at least 300 ms on the server.
    expect(first.durationMs).toBeGreaterThanOrEqual(300);
    expect(first.statement).toBe('SELECT pg_sleep(?), ? AS email, ? AS n');
    expect(first.rows).toBe(1);
    expect(first.state.used).toBe(1);
    expect(second.statement).toBe('SELECT pg_sleep($1), $2::text');
    expect(second.parameters).toBeUndefined();
    expect(JSON.stringify([first, second])).not.toMatch(/alice@example|bob-secret/);
    expect(monitor.stats().slowQueries).toBe(2);
    expect(sample(await registry.metrics(), 'db_client_operation_slow_total', pool_)).toBe(2);
  });

  test('the slow-query text follows standard_conforming_strings as the server reports it', async () => {
    const client = await pool.connect();
    try {
      const secret = 'hunter2-SECRET';
      await client.query('SET standard_conforming_strings = off');
      let event = logger.next('slow-query');
      await client.query(String.raw`SELECT pg_sleep(0.2), 'C:\\' AS dir, 'it\'s ${secret}' AS password`);
      expect((await event)[0]?.statement).toBe('SELECT pg_sleep(?), ? AS dir, ? AS password');
      await client.query('SET standard_conforming_strings = on');
      event = logger.next('slow-query');
      const result = await client.query(String.raw`SELECT pg_sleep(0.2), 'C:\' AS dir, '${secret}' AS password`);
      expect(result.rows[0]).toMatchObject({ dir: 'C:\\', password: secret });
      const [on] = await event;
      expect(on?.statement).toBe('SELECT pg_sleep(?), ? AS dir, ? AS password');
      expect(logger.messages.join('\n')).not.toContain(secret);
    } finally {
      client.release();
    }
  });

  test('a forced exhaustion: the third checkout waits, is counted pending, and times out; held connections are reported as leaks', async () => {
    // The checkout held through the previous test's two 200 ms statements was already over the limit.
    const leaksBefore = monitor.stats().leaks;
    const a = await pool.connect();
    const b = await pool.connect();
    const leaks = logger.next('leak', 2);
    const third = pool.connect();
    // pg-pool queues the third checkout synchronously.
    const during = await registry.metrics();
    expect(sample(during, 'db_client_connection_pending_requests', pool_)).toBe(1);
    expect(sample(during, 'db_client_connection_count', { ...pool_, db_client_connection_state: 'used' })).toBe(2);
    expect(sample(during, 'db_client_connection_max', pool_)).toBe(2);
    const metrics = await otel.collect();
    expect(pointValue(metrics, 'db.client.connection.pending_requests', { 'db.client.connection.pool.name': 'test' })).toBe(1);
    expect(pointValue(metrics, 'db.client.connection.count', { 'db.client.connection.state': 'used' })).toBe(2);
    await expect(third).rejects.toThrow(/timeout/);
    expect(monitor.stats().timeouts).toBe(1);
    expect(sample(await registry.metrics(), 'db_client_connection_timeouts_total', pool_)).toBe(1);
    expect(pointValue(await otel.collect(), 'db.client.connection.timeouts', { 'db.client.connection.pool.name': 'test' })).toBe(1);

    // Held past the leak limit: both are reported with the stack that checked them out.
    const [first] = await leaks;
    a.release();
    b.release();
    expect(first?.stack).toMatch(/pg\.test\.ts/);
    expect(first?.heldMs).toBeGreaterThanOrEqual(250);
    expect(sample(await registry.metrics(), 'db_client_connection_leaks_total', pool_)).toBe(leaksBefore + 2);
  });

  test("pool.query's connection is in use exactly while its statement runs; an explicit checkout's use covers its queries", async () => {
    // Each statement is slow (≥ 100 ms): its log event must arrive here, not in the next test.
    const logged = logger.next('slow-query', 3);
    let before = monitor.stats();
    await pool.query('SELECT pg_sleep(0.2)');
    let after = monitor.stats();
    const ran = after.queryDuration.sumSeconds - before.queryDuration.sumSeconds;
    const used = after.useTime.sumSeconds - before.useTime.sumSeconds;
    // pg_sleep holds the statement on the server for at least 200 ms.
    expect(ran).toBeGreaterThanOrEqual(0.2);
    // pool.query sends its statement as the checkout ends and releases as the statement ends: one clock reading each.
    expect(used).toBeCloseTo(ran, 9);

    before = after;
    const client = await pool.connect();
    await client.query('SELECT pg_sleep(0.1)');
    await client.query('SELECT pg_sleep(0.1)');
    client.release();
    after = monitor.stats();
    const queries = after.queryDuration.sumSeconds - before.queryDuration.sumSeconds;
    expect(queries).toBeGreaterThanOrEqual(0.2);
    expect(after.useTime.sumSeconds - before.useTime.sumSeconds).toBeGreaterThan(queries);
    await logged;
  });

  test('a checkout taken with a callback and given back through done() is timed to its release', async () => {
    const before = monitor.stats();
    await new Promise<void>((resolve, reject) => {
      pool.connect((error, client, done) => {
        if (error || !client) return reject(error ?? new Error('no client'));
        // Under the slow-query limit of 100 ms: nothing is logged.
        client.query('SELECT pg_sleep(0.05)', (queryError) => {
          done();
          if (queryError) reject(queryError);
          else resolve();
        });
      });
    });
    const after = monitor.stats();
    expect(after.acquisitions - before.acquisitions).toBe(1);
    expect(after.useTime.count - before.useTime.count).toBe(1);
    expect(after.useTime.sumSeconds - before.useTime.sumSeconds).toBeGreaterThanOrEqual(0.05);
  });

  test('stop() removes every wrapper, listener and metric; the pool works on', async () => {
    const statsBefore = monitor.stats();
    monitor.stop();
    expect(Object.hasOwn(pool, 'connect')).toBe(false);
    expect(Object.hasOwn(pool, 'query')).toBe(false);
    expect((pool as unknown as { Client: unknown }).Client).toBe(pg.Client);
    expect(pool.listenerCount('release')).toBe(releaseListenersBefore);
    expect(pool.listenerCount('connect')).toBe(0);
    expect(pool.listenerCount('remove')).toBe(0);
    expect(await registry.metrics()).not.toContain('db_client_');
    const before = await otel.collect();
    const client = await pool.connect();
    expect(Object.hasOwn(client, 'query')).toBe(false);
    await client.query('SELECT 1');
    client.release();
    await pool.query('SELECT 1');
    expect(monitor.stats().queries).toBe(statsBefore.queries);
    // The SDK's cumulative count does not move: nothing is recorded after stop().
    const after = await otel.collect();
    const op = { 'db.operation.name': 'SELECT', 'db.client.connection.pool.name': 'test' };
    const count = pointValue(before, 'db.client.operation.duration', op);
    expect(count).toBeGreaterThan(0);
    expect(pointValue(after, 'db.client.operation.duration', op)).toBe(count);
  });

  test('a client the pool opened before monitorPool is instrumented on its first checkout and put back by stop()', async () => {
    const early = new pg.Pool({ connectionString: url.toString(), max: 1 });
    try {
      const client = await early.connect();
      client.release();
      const late = monitorPool(early, { name: 'early', registry: false, meter: false, leakDetectionMs: false });
      await early.query('SELECT 1');
      expect(late.stats().queries).toBe(1);
      const again = await early.connect();
      expect(again).toBe(client);
      expect(Object.hasOwn(client, 'query')).toBe(true);
      again.release();
      late.stop();
      expect(Object.hasOwn(client, 'query')).toBe(false);
      await early.query('SELECT 1');
      expect(late.stats().queries).toBe(1);
    } finally {
      await early.end();
    }
  });
});
