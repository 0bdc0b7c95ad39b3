/** Timing, memory and formatting helpers for the benchmark. */
import { readFileSync } from 'node:fs';
import type { MultiStatementQueryable, Queryable } from '../src/dialects/types.js';
import { statementsRunner } from '../src/dialects/postgres/introspect/session.js';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` and returns its result with the elapsed wall time in milliseconds. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/** Peak resident set size of this process so far, in MB (resourceUsage reports kilobytes). */
export function maxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Heap in use after a full collection, in MB (needs `node --expose-gc`; null without it). */
export function heapAfterGcMb(): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/**
 * Wraps a connection so every query's time is added up, per run, under the name `label`
 * gives its text.
 */
export function timingQueryable(
  db: Queryable,
  label: (text: string) => string,
): { db: Queryable; times: Map<string, number[]>; endRun(keep: boolean): void } {
  const times = new Map<string, number[]>();
  let current = new Map<string, number>();
  async function time<T>(key: string, run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await run();
    } finally {
      current.set(key, (current.get(key) ?? 0) + performance.now() - start);
    }
  }
  // Keeps the connection's ability to run several statements in one message, timed as one.
  const runner = statementsRunner(db);
  const wrapped: MultiStatementQueryable | Queryable = runner
    ? {
        query: (text, params) => time(label(text), () => runner.query(text, params)),
        queryStatements: (sql) => time('catalog queries in one message (the index query is most of it)', () => runner.queryStatements(sql)),
      }
    : { query: (text, params) => time(label(text), () => db.query(text, params)) };
  return {
    db: wrapped,
    times,
    /** Ends one run: its per-label totals join the series when `keep` (not for a warm-up). */
    endRun(keep) {
      if (keep) {
        for (const [key, ms] of current) {
          const list = times.get(key) ?? [];
          list.push(ms);
          times.set(key, list);
        }
      }
      current = new Map();
    },
  };
}

export function fmtMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** A two-or-more-column text table, first column left-aligned, the others right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** This process's CPU time (user + system) so far, in milliseconds. */
export function clientCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * CPU time (user + system) a local server process has used so far, in milliseconds, read from
 * /proc/<pid>/stat; null when the server is not on this machine or /proc is not readable.
 * Wall-clock time on a shared machine is noisy; CPU time much less so.
 */
export function serverCpuMs(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) ": state is field 3, utime and stime are fields 14 and 15 (1-based).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;
