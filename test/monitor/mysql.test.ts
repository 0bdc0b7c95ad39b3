import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { monitorPool, type PoolMonitor } from '../../src/monitor/index.js';
import { memoryLogger, otelSdk, pointValue, sample } from './helpers.js';

const SERVER = new URL(process.env.DBDOCTOR_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/test');
const database = `monitor_mysql_${process.pid}`;
const connection = {
  host: SERVER.hostname,
  port: Number(SERVER.port || 3306),
  user: decodeURIComponent(SERVER.username) || 'root',
  password: decodeURIComponent(SERVER.password),
};

let admin: mysqlPromise.Connection;
let pool: mysqlPromise.Pool;
let monitor: PoolMonitor;
const registry = new Registry();
const logger = memoryLogger();
const otel = otelSdk();
const pool_ = { db_client_connection_pool_name: 'maria' };

beforeAll(async () => {
  admin = await mysqlPromise.createConnection(connection);
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.query(`CREATE DATABASE \`${database}\``);
  // waitForConnections: false — mysql2 has no acquire timeout, so exhaustion is an immediate refusal.
  pool = mysqlPromise.createPool({ ...connection, database, connectionLimit: 2, waitForConnections: false });
  monitor = monitorPool(pool, { name: 'maria', registry, logger, meter: otel.meter, slowQueryMs: 100, leakDetectionMs: 250 });
  await pool.query('CREATE TABLE items (id int PRIMARY KEY, secret text)');
});

afterAll(async () => {
  monitor.stop();
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.end();
  await otel.shutdown();
});

describe('monitorPool on mysql2 (MariaDB server)', () => {
  test('counts queries, executes, rows and errors', async () => {
    for (let i = 0; i < 4; i++) await pool.query('SELECT 1');
    await pool.execute('INSERT INTO items VALUES (?, ?)', [1, 'alice']);
    const conn = await pool.getConnection();
    const [rows] = await conn.query('SELECT * FROM items WHERE id = ?', [1]);
    expect(rows).toHaveLength(1);
    conn.release();
    await expect(pool.query('SELECT * FROM missing_table')).rejects.toThrow(/missing_table/);

    const stats = monitor.stats();
    expect(stats.queries).toBe(8);
    expect(stats.errors).toBe(1);
    expect(stats.acquisitions).toBe(8);
    const text = await registry.metrics();
    const base = {
      ...pool_,
      db_system_name: 'mysql',
      server_address: connection.host,
      server_port: String(connection.port),
      db_namespace: database,
    };
    // 4 × SELECT 1, the checked-out SELECT, and the CREATE TABLE in beforeAll is not a SELECT.
    expect(sample(text, 'db_client_operation_duration_seconds_count', { ...base, db_operation_name: 'SELECT' })).toBe(5);
    expect(sample(text, 'db_client_operation_duration_seconds_count', { ...base, db_operation_name: 'INSERT' })).toBe(1);
    expect(
      sample(text, 'db_client_operation_duration_seconds_count', { ...base, db_operation_name: 'SELECT', error_type: 'ER_NO_SUCH_TABLE' }),
    ).toBe(1);
    expect(sample(text, 'db_client_connection_use_time_seconds_count', pool_)).toBe(8);
    const metrics = await otel.collect();
    const attributes = {
      'db.client.connection.pool.name': 'maria',
      'db.system.name': 'mysql',
      'server.address': connection.host,
      'server.port': connection.port,
      'db.namespace': database,
    };
    expect(pointValue(metrics, 'db.client.operation.duration', { ...attributes, 'db.operation.name': 'SELECT' }, true)).toBe(5);
    expect(
      pointValue(
        metrics,
        'db.client.operation.duration',
        { ...attributes, 'db.operation.name': 'SELECT', 'error.type': 'ER_NO_SUCH_TABLE' },
        true,
      ),
    ).toBe(1);
  });

  test('the callback API is monitored too', async () => {
    const before = monitor.stats().queries;
    const core = (pool as unknown as { pool: mysql.Pool }).pool;
    await new Promise<void>((resolve, reject) => core.query('SELECT 2', (error) => (error ? reject(error) : resolve())));
    expect(monitor.stats().queries).toBe(before + 1);
  });

  test('logs a slow query without its literals', async () => {
    const slow = logger.next('slow-query');
    await pool.query('SELECT SLEEP(0.3), \'alice@example.com\', "double-quoted-secret"');
    const [event] = await slow;
    if (!event) throw new Error('expected a slow query');
    // SLEEP(0.3) holds the statement at least 300 ms on the server.
    expect(event.durationMs).toBeGreaterThanOrEqual(300);
    expect(event.statement).toBe('SELECT SLEEP(?), ?, ?');
    expect(event.rows).toBe(1);
    expect(JSON.stringify(event)).not.toMatch(/alice|secret/);
  });

  test('a forced exhaustion is refused and counted; a held connection is reported as a leak', async () => {
    const leaksBefore = monitor.stats().leaks;
    const a = await pool.getConnection();
    const b = await pool.getConnection();
    const leaked = logger.next('leak', 2);
    const during = await registry.metrics();
    expect(sample(during, 'db_client_connection_count', { ...pool_, db_client_connection_state: 'used' })).toBe(2);
    expect(sample(during, 'db_client_connection_max', pool_)).toBe(2);
    await expect(pool.getConnection()).rejects.toThrow(/No connections available/);
    expect(monitor.stats().timeouts).toBe(1);
    expect(sample(await registry.metrics(), 'db_client_connection_timeouts_total', pool_)).toBe(1);
    expect(pointValue(await otel.collect(), 'db.client.connection.timeouts', { 'db.client.connection.pool.name': 'maria' })).toBe(1);
    const leaks = await leaked;
    a.release();
    b.release();
    expect(monitor.stats().leaks).toBe(leaksBefore + 2);
    expect(leaks[0]?.kind === 'leak' && leaks[0].stack).toMatch(/mysql\.test\.ts/);
  });

  test('stop() restores the pool', async () => {
    const core = (pool as unknown as { pool: object }).pool;
    monitor.stop();
    expect(Object.hasOwn(core, 'getConnection')).toBe(false);
    expect(Object.hasOwn(core, 'query')).toBe(false);
    expect(await registry.metrics()).not.toContain('db_client_');
    const conn = await pool.getConnection();
    expect(Object.hasOwn((conn as unknown as { connection: object }).connection, 'query')).toBe(false);
    conn.release();
  });
});
