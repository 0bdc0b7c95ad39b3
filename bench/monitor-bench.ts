/**
 * `npm run bench:monitor`: what the monitor costs a node-postgres application, measured against
 * bare pools in the same run.
 *
 * 1. Node CPU per query, on pools whose clients answer in-process (no network, no server): the only
 *    work left is pg-pool's and the monitor's, so the difference is the monitor's cost per query.
 * 2. Throughput on the real server: the same `SELECT 1` loop through three pools, a bare one, a
 *    second bare one and a monitored one, in short rounds whose order rotates (so drift in the
 *    machine's load hits all alike). Each round gives each pool's rate over the first bare pool's;
 *    the ratio is the median over rounds, with a 95% bootstrap interval. The second bare pool's
 *    ratio (A/A) is the noise floor: on two shared cores a round's rate varies by ~10%, and a
 *    difference inside the A/A interval is not the monitor's.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { Registry } from 'prom-client';
import { monitorPool } from '../src/monitor/index.js';

const URL_ = process.env.DBDOCTOR_BENCH_PG ?? process.env.DBDOCTOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 36);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 300);
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

/** The median of `xs` and a 95% bootstrap interval for it (a fixed seed: the same rounds give the same interval). */
function medianInterval(xs: readonly number[]): { median: number; low: number; high: number } {
  let seed = 0x9e3779b9;
  const random = (): number => {
    // xorshift32
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const medians: number[] = [];
  for (let b = 0; b < 2000; b++) medians.push(median(xs.map(() => xs[Math.floor(random() * xs.length)] ?? 0)));
  medians.sort((x, y) => x - y);
  return { median: median(xs), low: medians[50] ?? 0, high: medians[1949] ?? 0 };
}

interface Side {
  /** Median throughput, queries/s. */
  readonly rate: number;
  /** Median Node CPU per query, µs. */
  readonly cpu: number;
  /** Per-round throughput over the first pool's, as median and 95% interval. */
  readonly ratio: { median: number; low: number; high: number };
}

/** Rounds on every pool in rotating order (each round a different pool goes first): per pool, rates, CPU and ratio to the first. */
async function rounds(pools: readonly pg.Pool[]): Promise<Side[]> {
  for (const p of pools) await loop(p, 500);
  const rates: number[][] = pools.map(() => []);
  const cpu: number[][] = pools.map(() => []);
  for (let i = 0; i < ROUNDS; i++) {
    const order = pools.map((_, k) => (k + i) % pools.length);
    if (Math.floor(i / pools.length) % 2 === 1) order.reverse();
    for (const side of order) {
      const before = process.cpuUsage();
      const started = performance.now();
      const n = await loop(pools[side] as pg.Pool, ROUND_MS);
      const used = process.cpuUsage(before);
      rates[side]?.push(n / ((performance.now() - started) / 1000));
      cpu[side]?.push((used.user + used.system) / n);
    }
  }
  const base = rates[0] ?? [];
  return pools.map((_, k) => ({
    rate: median(rates[k] ?? []),
    cpu: median(cpu[k] ?? []),
    ratio: medianInterval((rates[k] ?? []).map((r, i) => r / (base[i] ?? 1))),
  }));
}

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const pools: pg.Pool[] = [];
  const pool = (options: pg.PoolConfig): pg.Pool => {
    const p = new pg.Pool({ max: CLIENTS, ...options });
    pools.push(p);
    return p;
  };
  const monitors: Array<ReturnType<typeof monitorPool>> = [];
  const watch = (p: pg.Pool): pg.Pool => {
    monitors.push(monitorPool(p, { registry: new Registry(), name: `bench-${monitors.length}` }));
    return p;
  };
  try {
    console.log(`${SQL}, ${CLIENTS} concurrent clients, ${ROUNDS} rounds of ${ROUND_MS} ms per pool, medians`);

    const inProcess = { Client: InProcessClient as unknown as typeof pg.Client };
    const [bare, , watched] = await rounds([pool(inProcess), pool(inProcess), watch(pool(inProcess))]);
    if (!bare || !watched) throw new Error('no rounds');
    const cost = watched.cpu - bare.cpu;
    console.log('\n1. Node CPU per query, clients answering in-process (pg-pool and the monitor only)');
    console.log(`   bare pool:  ${bare.cpu.toFixed(2)} µs`);
    console.log(`   monitored:  ${watched.cpu.toFixed(2)} µs`);
    console.log(`   difference (the monitor's cost): ${cost >= 0 ? '+' : ''}${cost.toFixed(2)} µs per query (budget 2 µs)`);

    const real = await rounds([
      pool({ connectionString: URL_ }),
      pool({ connectionString: URL_ }),
      watch(pool({ connectionString: URL_ })),
    ]);
    const [first, second, monitored] = real;
    if (!first || !second || !monitored) throw new Error('no rounds');
    console.log(`\n2. The real server (${new URL(URL_).host})`);
    const line = (label: string, side: Side): string =>
      `   ${label.padEnd(13)} ${side.rate.toFixed(0)} queries/s, ${side.cpu.toFixed(1)} µs of Node CPU per query`;
    console.log(line('bare pool:', first));
    console.log(line('bare again:', second));
    console.log(line('monitored:', monitored));
    const interval = (r: Side['ratio']): string => `${percent(r.median)} (95% interval ${percent(r.low)} to ${percent(r.high)})`;
    console.log(`   A/A, bare again / bare:    ${interval(second.ratio)}  (the noise floor)`);
    console.log(`   monitored / bare:          ${interval(monitored.ratio)}  (target ≥ 99%)`);
    console.log(`   monitored / bare again:    ${percent(monitored.rate / second.rate)} of the medians`);
    const recorded = monitors.reduce((sum, m) => sum + m.stats().queries, 0);
    console.log(`   (${recorded} queries recorded by the monitors, ${monitors.reduce((s, m) => s + m.stats().failures, 0)} failures)`);
  } finally {
    for (const m of monitors) m.stop();
    await Promise.all(pools.map((p) => p.end()));
  }
}

await main();
