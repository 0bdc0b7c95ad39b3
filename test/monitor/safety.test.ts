import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { monitorPool } from '../../src/monitor/index.js';
import type { MeterLike } from '../../src/monitor/otel.js';
import { TEST_SERVER_URL } from '../helpers/databases.js';
import { dropDatabase, otelSdk, sample } from './helpers.js';

const dbName = `monitor_safety_${process.pid}`;
const url = new URL(TEST_SERVER_URL);
url.pathname = `/${dbName}`;
let admin: pg.Client;
const WARNING = 'DBDOCTOR_MONITOR_CALLBACK_FAILED';

beforeAll(async () => {
  admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
});

afterAll(async () => {
  await dropDatabase(admin, dbName);
  await admin.end();
});

/** The warnings this process emits with the monitor's code while `run` runs, and one event-loop turn after. */
async function warningsDuring(run: () => Promise<void>): Promise<Error[]> {
  const seen: Error[] = [];
  const listener = (warning: Error): void => {
    if ((warning as { code?: string }).code === WARNING) seen.push(warning);
  };
  process.on('warning', listener);
  try {
    await run();
    // The slow-query log runs in a setImmediate queued before this one; its warning follows on nextTick.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

/** 50 statements on a pool of 2, in the three ways an application runs them; each returns its own number. */
async function fiftyQueries(pool: pg.Pool): Promise<Array<PromiseSettledResult<number>>> {
  const one = async (i: number): Promise<number> => {
    if (i % 3 === 0) return (await pool.query<{ n: number }>('SELECT $1::int AS n', [i])).rows[0]?.n ?? -1;
    if (i % 3 === 1) {
      return new Promise((resolve, reject) =>
        pool.query<{ n: number }>('SELECT $1::int AS n', [i], (error, result) =>
          error ? reject(error) : resolve(result.rows[0]?.n ?? -1),
        ),
      );
    }
    const client = await pool.connect();
    try {
      return (await client.query<{ n: number }>(`SELECT ${i}::int AS n, 'hunter2' AS secret`)).rows[0]?.n ?? -1;
    } finally {
      client.release();
    }
  };
  return Promise.allSettled(Array.from({ length: 50 }, (_, i) => one(i)));
}

function expectAllFulfilled(results: Array<PromiseSettledResult<number>>): void {
  expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as unknown)))).toEqual(Array.from({ length: 50 }, (_, i) => i));
}

function expectNoLeak(pool: pg.Pool): void {
  expect(pool.totalCount).toBeLessThanOrEqual(2);
  expect(pool.idleCount).toBe(pool.totalCount);
  expect(pool.waitingCount).toBe(0);
}

describe('a failing logger or meter never reaches the application', () => {
  test('a logger that throws on every slow query: 50 queries on a pool of 2 all settle, no connection leaks, one warning', async () => {
    const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    let calls = 0;
    const logger = {
      warn(): void {
        calls++;
        throw new Error('logger down');
      },
    };
    const registry = new Registry();
    const monitor = monitorPool(pool, { registry, meter: false, logger, slowQueryMs: 0, leakDetectionMs: false });
    try {
      let results: Array<PromiseSettledResult<number>> = [];
      const warnings = await warningsDuring(async () => {
        results = await fiftyQueries(pool);
      });
      expectAllFulfilled(results);
      expectNoLeak(pool);
      expect(calls).toBe(50);
      expect(monitor.stats().failures).toBe(50);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toContain('logger down');
      expect(warnings[0]?.message).not.toContain('hunter2');
      expect(sample(await registry.metrics(), 'db_client_monitor_failures_total', { db_client_connection_pool_name: monitor.name })).toBe(
        50,
      );
      // The pool still serves queries, and the monitor still counts them.
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      expect(monitor.stats().queries).toBe(51);
    } finally {
      monitor.stop();
      await pool.end();
    }
  });

  test('a meter whose instruments throw: every query settles with its own result, failures counted', async () => {
    const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    const sdk = otelSdk();
    const broken = (): never => {
      throw new Error('meter down');
    };
    // The real SDK's meter, with its recording methods failing as an exporter bug or a full queue might.
    const meter: MeterLike = {
      createHistogram: (name, options) => Object.assign(sdk.meter.createHistogram(name, options), { record: broken }),
      createCounter: (name, options) => Object.assign(sdk.meter.createCounter(name, options), { add: broken }),
      createObservableUpDownCounter: (name, options) => sdk.meter.createObservableUpDownCounter(name, options),
      addBatchObservableCallback: (callback, observables) => sdk.meter.addBatchObservableCallback(callback, observables as never),
      removeBatchObservableCallback: (callback, observables) => sdk.meter.removeBatchObservableCallback(callback, observables as never),
    };
    const monitor = monitorPool(pool, { registry: false, meter, slowQueryMs: false, leakDetectionMs: false });
    try {
      let results: Array<PromiseSettledResult<number>> = [];
      const warnings = await warningsDuring(async () => {
        results = await fiftyQueries(pool);
      });
      expectAllFulfilled(results);
      expectNoLeak(pool);
      const stats = monitor.stats();
      expect(stats.queries).toBe(50);
      // Every query records its duration, and every checkout its wait and use time: three failing calls each.
      expect(stats.failures).toBe(stats.queries + stats.acquisitions * 2);
      expect(warnings).toHaveLength(1);
    } finally {
      monitor.stop();
      await pool.end();
      await sdk.shutdown();
    }
  });

  test('a meter that cannot create its instruments costs the OpenTelemetry metrics, not the pool', async () => {
    const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    const sdk = otelSdk();
    const meter = new Proxy(sdk.meter, {
      get: (target, key, receiver): unknown =>
        key === 'createHistogram'
          ? () => {
              throw new Error('no histograms here');
            }
          : (Reflect.get(target, key, receiver) as unknown),
    }) as unknown as MeterLike;
    let monitor: ReturnType<typeof monitorPool> | undefined;
    const warnings = await warningsDuring(async () => {
      monitor = monitorPool(pool, { registry: false, meter, slowQueryMs: false, leakDetectionMs: false });
      expectAllFulfilled(await fiftyQueries(pool));
    });
    try {
      expect(monitor?.stats().queries).toBe(50);
      expect(monitor?.stats().failures).toBe(1);
      expect(warnings).toHaveLength(1);
      expectNoLeak(pool);
    } finally {
      monitor?.stop();
      await pool.end();
      await sdk.shutdown();
    }
  });
});
