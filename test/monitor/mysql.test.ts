import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { monitorPool, type PoolMonitor } from '../../src/monitor/index.js';
import { FakeMeter, memoryLogger, sample } from './helpers.js';

const SERVER = new URL(process.env.DBDOCTOR_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/test');
const database = `dbdoctor_test_${process.pid}_${Date.now()}`;
const connection = {
  host: SERVER.hostname,
  port: Number(SERVER.port || 3306),
  user: decodeURIComponent(SERVER.username) || 'root',
  password: decodeURIComponent(SERVER.password),
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let admin: mysqlPromise.Connection;
let pool: mysqlPromise.Pool;
let monitor: PoolMonitor;
const registry = new Registry();
const logger = memoryLogger();
const meter = new FakeMeter();

beforeAll(async () => {
  admin = await mysqlPromise.createConnection(connection);
  await admin.query(`CREATE DATABASE \`${database}\``);
  // waitForConnections: false — mysql2 has no acquire timeout, so exhaustion is an immediate refusal.
  pool = mysqlPromise.createPool({ ...connection, database, connectionLimit: 2, waitForConnections: false });
  monitor = monitorPool(pool, { name: 'maria', registry, logger, meter, slowQueryMs: 100, leakDetectionMs: 250 });
  await pool.query('CREATE TABLE items (id int PRIMARY KEY, secret text)');
});

afterAll(async () => {
  monitor.stop();
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.end();
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
    const base = { pool_name: 'maria', db_system_name: 'mysql' };
    // 4 × SELECT 1, the checked-out SELECT, and the CREATE TABLE in beforeAll is not a SELECT.
    expect(sample(text, 'db_client_operation_duration_seconds_count', { ...base, db_operation_name: 'SELECT' })).toBe(5);
    expect(sample(text, 'db_client_operation_duration_seconds_count', { ...base, db_operation_name: 'INSERT' })).toBe(1);
    expect(
      sample(text, 'db_client_operation_duration_seconds_count', { ...base, db_operation_name: 'SELECT', error_type: 'ER_NO_SUCH_TABLE' }),
    ).toBe(1);
    expect(sample(text, 'db_client_connection_use_time_seconds_count', { pool_name: 'maria' })).toBe(8);
    expect(meter.count('db.client.operation.duration')).toBe(8);
  });

  test('the callback API is monitored too', async () => {
    const before = monitor.stats().queries;
    const core = (pool as unknown as { pool: mysql.Pool }).pool;
    await new Promise<void>((resolve, reject) => core.query('SELECT 2', (error) => (error ? reject(error) : resolve())));
    expect(monitor.stats().queries).toBe(before + 1);
  });

  test('logs a slow query without its literals', async () => {
    await pool.query('SELECT SLEEP(0.3), \'alice@example.com\', "double-quoted-secret"');
    const slow = logger.events.filter((e) => e.kind === 'slow-query');
    expect(slow).toHaveLength(1);
    const event = slow[0];
    if (event?.kind !== 'slow-query') throw new Error('expected a slow query');
    expect(event.durationMs).toBeGreaterThanOrEqual(250);
    expect(event.statement).toBe('SELECT SLEEP(?), ?, ?');
    expect(event.rows).toBe(1);
    expect(JSON.stringify(event)).not.toMatch(/alice|secret/);
  });

  test('a forced exhaustion is refused and counted; a held connection is reported as a leak', async () => {
    const a = await pool.getConnection();
    const b = await pool.getConnection();
    const during = await registry.metrics();
    expect(sample(during, 'db_client_connection_count', { pool_name: 'maria', state: 'used' })).toBe(2);
    expect(sample(during, 'db_client_connection_max', { pool_name: 'maria' })).toBe(2);
    await expect(pool.getConnection()).rejects.toThrow(/No connections available/);
    expect(monitor.stats().timeouts).toBe(1);
    expect(sample(await registry.metrics(), 'db_client_connection_timeouts_total', { pool_name: 'maria' })).toBe(1);
    await sleep(450);
    a.release();
    b.release();
    const leaks = logger.events.filter((e) => e.kind === 'leak');
    expect(leaks).toHaveLength(2);
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
