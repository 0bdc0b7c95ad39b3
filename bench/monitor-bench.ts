/**
 * `npm run bench:monitor`: what the monitor costs a node-postgres application, measured against
 * bare pools in the same run.
 *
 * 1. Node CPU per query, on pools whose clients answer in-process (no network, no server): the only
 *    work left is pg-pool's and the monitor's, so the difference is the monitor's cost per query.
 * 2. Throughput on the real server: the same `SELECT 1` loop through two bare pools and a monitored
 *    one, in short rounds whose order rotates so drift in the machine's load hits all alike. Each
 *    pool opens new connections every round (a short idle timeout closes them while the others run):
 *    which cores a pool's server backends land on shifts its throughput by several percent for as
 *    long as they live, and fresh backends make that round noise instead of a bias. The ratio of
 *    the monitored pool's rate to the bare pools' is the median over rounds, with a 95% bootstrap
 *    interval; bare over bare (A/A) is the noise floor.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { Registry } from 'prom-client';
import { monitorPool } from '../src/monitor/index.js';

const URL_ = process.env.DBDOCTOR_BENCH_PG ?? process.env.DBDOCTOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);
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

/** Each pool's throughput (queries/s) and Node CPU per query (µs), round by round. */
interface Rounds {
  readonly rates: number[][];
  readonly cpu: number[][];
}

/**
 * Rounds on every pool in rotating order (each round a different pool goes first, the rotation
 * reversed every other cycle). With `warmMs`, each pool runs that long before its measured slice:
 * the pool's connections from the last round have closed (short idle timeout), so it opens new ones.
 */
async function rounds(pools: readonly pg.Pool[], warmMs = 0): Promise<Rounds> {
  for (const p of pools) await loop(p, 500);
  const rates: number[][] = pools.map(() => []);
  const cpu: number[][] = pools.map(() => []);
  for (let i = 0; i < ROUNDS; i++) {
    const order = pools.map((_, k) => (k + i) % pools.length);
    if (Math.floor(i / pools.length) % 2 === 1) order.reverse();
    for (const side of order) {
      if (warmMs > 0) await loop(pools[side] as pg.Pool, warmMs);
      const before = process.cpuUsage();
      const started = performance.now();
      const n = await loop(pools[side] as pg.Pool, ROUND_MS);
      const used = process.cpuUsage(before);
      rates[side]?.push(n / ((performance.now() - started) / 1000));
      cpu[side]?.push((used.user + used.system) / n);
    }
  }
  return { rates, cpu };
}

/** Per round, the summed throughput of the pools `over` divided by that of the pools `under`: median and 95% interval. */
function ratio(r: Rounds, over: readonly number[], under: readonly number[]): { median: number; low: number; high: number } {
  const sum = (sides: readonly number[], i: number): number => sides.reduce((total, k) => total + (r.rates[k]?.[i] ?? 0), 0);
  return medianInterval(Array.from({ length: ROUNDS }, (_, i) => sum(over, i) / sum(under, i)));
}

/** The median over rounds and pools of a per-pool series. */
const medianOf = (series: readonly number[][], sides: readonly number[]): number => median(sides.flatMap((k) => series[k] ?? []));

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

    // Pools in the order bare, monitored, monitored, bare: a pool's place in the order of creation
    // shifts its throughput by a few percent on this machine (the first is fastest), and this order
    // cancels such a drift. Each side is the sum of its two pools; bare-to-bare is the noise floor.
    const BARE = [0, 3];
    const WATCHED = [1, 2];
    const inProcess = { Client: InProcessClient as unknown as typeof pg.Client };
    const local = await rounds([pool(inProcess), watch(pool(inProcess)), watch(pool(inProcess)), pool(inProcess)]);
    const bareCpu = medianOf(local.cpu, BARE);
    const watchedCpu = medianOf(local.cpu, WATCHED);
    const cost = watchedCpu - bareCpu;
    console.log('\n1. Node CPU per query, clients answering in-process (pg-pool and the monitor only)');
    console.log(`   bare pools:       ${bareCpu.toFixed(2)} µs`);
    console.log(`   monitored pools:  ${watchedCpu.toFixed(2)} µs`);
    console.log(`   difference (the monitor's cost): ${cost >= 0 ? '+' : ''}${cost.toFixed(2)} µs per query (budget 2 µs)`);

    // Which cores a pool's server backends land on shifts its throughput by several percent for as long
    // as they live, so pools that kept their connections across rounds would measure that placement,
    // not the monitor. Each pool's connections close when idle for 100 ms (while the other pools run)
    // and are opened anew in a warm-up before its next slice: placement becomes round noise, which the
    // median over rounds averages out. Each pool keeps its monitor for the whole run, as an application would.
    const url = { connectionString: URL_, idleTimeoutMillis: 100 };
    const real = await rounds([pool(url), pool(url), watch(pool(url))], 200);
    console.log(`\n2. The real server (${new URL(URL_).host}), new connections each round`);
    const line = (label: string, sides: readonly number[]): string =>
      `   ${label.padEnd(17)} ${medianOf(real.rates, sides).toFixed(0)} queries/s, ${medianOf(real.cpu, sides).toFixed(1)} µs of Node CPU per query`;
    console.log(line('bare pools:', [0, 1]));
    console.log(line('monitored pool:', [2]));
    const interval = (r: { median: number; low: number; high: number }): string =>
      `${percent(r.median)} (95% interval ${percent(r.low)} to ${percent(r.high)})`;
    console.log(`   A/A, bare / bare:       ${interval(ratio(real, [1], [0]))}  (the noise floor)`);
    console.log(`   monitored / bare:       ${interval(ratio(real, [2, 2], [0, 1]))}  (target ≥ 99%)`);
    const recorded = monitors.reduce((sum, m) => sum + m.stats().queries, 0);
    console.log(`   (${recorded} queries recorded by the monitors, ${monitors.reduce((s, m) => s + m.stats().failures, 0)} failures)`);
  } finally {
    for (const m of monitors) m.stop();
    await Promise.all(pools.map((p) => p.end()));
  }
}

await main();
