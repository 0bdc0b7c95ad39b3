/**
 * `npm run bench:monitor`: the same query loop through a bare pg.Pool and through a monitored
 * one, in one run, alternating in short rounds (bare, monitored, monitored, bare, …) so drift in
 * the machine's load hits both alike. The ratio is the median of adjacent rounds' ratios, which a
 * burst of load from another process moves far less than a ratio of totals.
 */
import pg from 'pg';
import { Registry } from 'prom-client';
import { monitorPool } from '../src/monitor/index.js';

const URL_ = process.env.DBDOCTOR_BENCH_PG ?? process.env.DBDOCTOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 24);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 400);
const SQL = 'SELECT 1';

async function round(pool: pg.Pool, ms: number): Promise<number> {
  const deadline = performance.now() + ms;
  let count = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await pool.query(SQL);
      count++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  return count / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const bare = new pg.Pool({ connectionString: URL_, max: CLIENTS });
  const watched = new pg.Pool({ connectionString: URL_, max: CLIENTS });
  // BENCH_AA=1 leaves the second pool bare too: the spread of that A/A run is the noise floor.
  const monitor = process.env.BENCH_AA ? null : monitorPool(watched, { registry: new Registry(), name: 'bench' });
  try {
    // Open every connection and warm the JIT on both paths before measuring.
    await round(bare, 500);
    await round(watched, 500);
    const rates = { bare: [] as number[], monitored: [] as number[] };
    const cpu = { bare: 0, monitored: 0 };
    const ratios: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const order = i % 2 === 0 ? (['bare', 'monitored'] as const) : (['monitored', 'bare'] as const);
      for (const side of order) {
        const before = process.cpuUsage();
        rates[side].push(await round(side === 'bare' ? bare : watched, ROUND_MS));
        const used = process.cpuUsage(before);
        cpu[side] += used.user + used.system;
      }
      ratios.push((rates.monitored[i] ?? 0) / (rates.bare[i] ?? 1));
    }
    const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const median = (xs: readonly number[]): number => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
    };
    const b = mean(rates.bare);
    const m = mean(rates.monitored);
    const stats = monitor?.stats() ?? { queries: 0, slowQueries: 0 };
    const perQuery = (side: 'bare' | 'monitored'): number => cpu[side] / ((mean(rates[side]) * (ROUNDS * ROUND_MS)) / 1000);
    console.log(`query loop: ${SQL}, ${CLIENTS} concurrent clients, ${ROUNDS} alternating rounds of ${ROUND_MS} ms per side`);
    console.log(`bare pool:      ${b.toFixed(0)} queries/s, ${perQuery('bare').toFixed(1)} µs of Node CPU per query`);
    console.log(
      `monitored pool: ${m.toFixed(0)} queries/s, ${perQuery('monitored').toFixed(1)} µs of Node CPU per query (${stats.queries} queries recorded, ${stats.slowQueries} slow)`,
    );
    console.log(`ratio of means: ${((m / b) * 100).toFixed(1)}%`);
    console.log(
      `throughput ratio (median of ${ROUNDS} adjacent-round ratios, monitored / bare): ${(median(ratios) * 100).toFixed(1)}%  (target ≥ 97%)`,
    );
  } finally {
    monitor?.stop();
    await Promise.all([bare.end(), watched.end()]);
  }
}

await main();
