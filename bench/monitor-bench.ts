/**
 * `npm run bench:monitor`: what the monitor costs a node-postgres application, measured against a
 * bare pool in the same run.
 *
 * 1. Node CPU per query, on pools whose clients answer in-process (no network, no server): the only
 *    work left is pg-pool's and the monitor's, so the difference is the monitor's cost per query.
 * 2. Throughput on the real server: the same `SELECT 1` loop through a bare and a monitored pool,
 *    alternating in short rounds (bare, monitored, monitored, bare, …) so drift in the machine's load
 *    hits both alike; the ratio is the median of adjacent rounds' ratios.
 * BENCH_AA=1 leaves the second pool bare too: that run's spread is the noise floor.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { Registry } from 'prom-client';
import { monitorPool } from '../src/monitor/index.js';

const URL_ = process.env.DBDOCTOR_BENCH_PG ?? process.env.DBDOCTOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 24);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 400);
const AA = !!process.env.BENCH_AA;
const SQL = 'SELECT 1';

/** A client that answers every query on the next turn of the event loop, with one shared result. */
class InProcessClient extends EventEmitter {
  static readonly result = { rows: [{ '?column?': 1 }], rowCount: 1 };
  _queryable = true;
  _ending = false;
  connect(callback: (error?: Error) => void): void {
    setImmediate(callback);
  }
  query(_text: string, _values: unknown, callback: (error: Error | undefined, result: unknown) => void): void {
    setImmediate(callback, undefined, InProcessClient.result);
  }
  end(callback?: () => void): void {
    this._ending = true;
    this.emit('end');
    callback?.();
  }
  ref(): void {}
  unref(): void {}
}

async function loop(pool: pg.Pool, ms: number): Promise<number> {
  const deadline = performance.now() + ms;
  let count = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await pool.query(SQL);
      count++;
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  return count;
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** Alternating rounds on two pools: per-round throughput (queries/s) and Node CPU per query (µs). */
async function alternate(a: pg.Pool, b: pg.Pool): Promise<{ ratio: number; rates: [number, number]; cpu: [number, number] }> {
  await loop(a, 500);
  await loop(b, 500);
  const rates: [number[], number[]] = [[], []];
  const cpu: [number[], number[]] = [[], []];
  for (let i = 0; i < ROUNDS; i++) {
    for (const side of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const before = process.cpuUsage();
      const started = performance.now();
      const n = await loop(side === 0 ? a : b, ROUND_MS);
      const used = process.cpuUsage(before);
      rates[side]?.push(n / ((performance.now() - started) / 1000));
      cpu[side]?.push((used.user + used.system) / n);
    }
  }
  const ratios = rates[1].map((r, i) => r / (rates[0][i] ?? 1));
  return { ratio: median(ratios), rates: [median(rates[0]), median(rates[1])], cpu: [median(cpu[0]), median(cpu[1])] };
}

async function main(): Promise<void> {
  const pools: pg.Pool[] = [];
  const pool = (options: pg.PoolConfig): pg.Pool => {
    const p = new pg.Pool({ max: CLIENTS, ...options });
    pools.push(p);
    return p;
  };
  const monitors: Array<ReturnType<typeof monitorPool>> = [];
  const watch = (p: pg.Pool): pg.Pool => {
    if (!AA) monitors.push(monitorPool(p, { registry: new Registry(), name: `bench-${monitors.length}` }));
    return p;
  };
  try {
    const label = AA ? 'bare (A/A run)' : 'monitored';
    console.log(`${SQL}, ${CLIENTS} concurrent clients, ${ROUNDS} alternating rounds of ${ROUND_MS} ms per side, medians`);

    const local = await alternate(
      pool({ Client: InProcessClient as unknown as typeof pg.Client }),
      watch(pool({ Client: InProcessClient as unknown as typeof pg.Client })),
    );
    const cost = local.cpu[1] - local.cpu[0];
    console.log('\n1. Node CPU per query, clients answering in-process (pg-pool and the monitor only)');
    console.log(`   bare pool:      ${local.cpu[0].toFixed(2)} µs`);
    console.log(`   ${(label + ':').padEnd(16)} ${local.cpu[1].toFixed(2)} µs`);
    console.log(`   difference (the monitor's cost): ${cost >= 0 ? '+' : ''}${cost.toFixed(2)} µs per query (budget 2 µs)`);

    const real = await alternate(pool({ connectionString: URL_ }), watch(pool({ connectionString: URL_ })));
    console.log(`\n2. The real server (${new URL(URL_).host})`);
    console.log(`   bare pool:      ${real.rates[0].toFixed(0)} queries/s, ${real.cpu[0].toFixed(1)} µs of Node CPU per query`);
    console.log(`   ${(label + ':').padEnd(16)} ${real.rates[1].toFixed(0)} queries/s, ${real.cpu[1].toFixed(1)} µs of Node CPU per query`);
    console.log(`   throughput ratio (median of adjacent-round ratios, second / bare): ${(real.ratio * 100).toFixed(1)}%  (target ≥ 99%)`);
    const recorded = monitors.reduce((sum, m) => sum + m.stats().queries, 0);
    if (!AA)
      console.log(`   (${recorded} queries recorded by the monitors, ${monitors.reduce((s, m) => s + m.stats().failures, 0)} failures)`);
  } finally {
    for (const m of monitors) m.stop();
    await Promise.all(pools.map((p) => p.end()));
  }
}

await main();
