import { metrics } from '@opentelemetry/api';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { monitorPool } from '../../src/monitor/index.js';
import { TEST_SERVER_URL } from '../helpers/databases.js';
import { dropDatabase, otelSdk, pointValue } from './helpers.js';

const dbName = `monitor_otel_${process.pid}`;
const url = new URL(TEST_SERVER_URL);
url.pathname = `/${dbName}`;
let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName}`);
});

afterAll(async () => {
  await dropDatabase(admin, dbName);
  await admin.end();
});

test('without a meter option, the global meter of @opentelemetry/api is used once an SDK is registered', async () => {
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  const sdk = otelSdk();
  // Before an SDK is registered the API's meter is a no-op: the monitor records nothing into it.
  const before = monitorPool(pool, { name: 'before', registry: false, slowQueryMs: false, leakDetectionMs: false });
  expect(metrics.setGlobalMeterProvider(sdk.provider)).toBe(true);
  const after = monitorPool(pool, { name: 'after', registry: false, slowQueryMs: false, leakDetectionMs: false });
  try {
    await pool.query('SELECT 1');
    await pool.query('SELECT 2');
    const collected = await sdk.collect();
    expect(pointValue(collected, 'db.client.operation.duration', { 'db.client.connection.pool.name': 'after' })).toBe(2);
    expect(pointValue(collected, 'db.client.operation.duration', { 'db.client.connection.pool.name': 'before' })).toBeNull();
    expect(after.stats().queries).toBe(2);
    expect(before.stats().queries).toBe(2);
  } finally {
    after.stop();
    before.stop();
    metrics.disable();
    await pool.end();
    await sdk.shutdown();
  }
});
