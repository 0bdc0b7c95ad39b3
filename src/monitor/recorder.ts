import { normalizeStatement, operationOf } from './statement.js';
import { DEFAULT_BUCKETS, Tally, TallyMap } from './tally.js';
import type { MonitorLogger, MonitorOptions, MonitorStats, PoolState } from './types.js';

/** Called per event by an exporter that records as it goes (OpenTelemetry). */
export interface LiveSink {
  operation(seconds: number, operation: string, errorType: string | null): void;
  wait(seconds: number): void;
  use(seconds: number): void;
  timeout(): void;
}

type Stamped = Record<symbol, number | undefined>;

interface Held {
  readonly since: number;
  readonly stack: Error | undefined;
  reported: boolean;
}

/** One series of the operation-duration histogram. */
export interface OperationSeries {
  readonly operation: string;
  readonly errorType: string | null;
  readonly tally: Tally;
}

/**
 * Everything one monitor has seen, kept in plain counters and tallies on the hot path; exporters
 * read it when scraped. Instrumentations (pg, mysql2) call it; it knows no driver.
 */
export class Recorder {
  readonly durations: TallyMap<string>;
  readonly series = new Map<string, OperationSeries>();
  readonly waitTime: Tally;
  readonly useTime: Tally;
  queries = 0;
  errors = 0;
  slowQueries = 0;
  acquisitions = 0;
  timeouts = 0;
  leaks = 0;
  connectionsCreated = 0;
  readonly errorsByType = new Map<string, number>();
  readonly sinks: LiveSink[] = [];
  /** Explicit checkouts, the ones that can leak. */
  private readonly held = new Map<object, Held>();
  /**
   * Checkout times are kept on the connection under this monitor's own symbol: a Map with one set
   * and one delete per query leaves tombstones that cost rehashing and garbage; a property is one store.
   */
  private readonly since = Symbol('dbdoctor.monitor.checkedOutAt');
  private readonly slowMs: number;
  private readonly leakMs: number;
  private readonly logger: MonitorLogger;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    readonly system: 'postgresql' | 'mysql',
    private readonly options: MonitorOptions,
    readonly state: () => PoolState,
  ) {
    const buckets = options.buckets ?? DEFAULT_BUCKETS;
    this.durations = new TallyMap(buckets);
    this.waitTime = new Tally(buckets);
    this.useTime = new Tally(buckets);
    this.slowMs = options.slowQueryMs === false ? Infinity : (options.slowQueryMs ?? 1000);
    this.leakMs = options.leakDetectionMs === false ? Infinity : (options.leakDetectionMs ?? 60_000);
    this.logger = options.logger ?? console;
    if (Number.isFinite(this.leakMs)) {
      // Check often enough to report a leak within a quarter of the limit past it.
      this.timer = setInterval(() => this.checkLeaks(), Math.min(5000, Math.max(25, this.leakMs / 4)));
      this.timer.unref();
    }
  }

  /** Whether checkouts should capture their stack (only for leak reports). */
  get tracksLeaks(): boolean {
    return this.timer !== undefined;
  }

  queryDone(start: number, sql: string, values: unknown, error: unknown, rows: number | null): void {
    const ms = performance.now() - start;
    const seconds = ms / 1000;
    const operation = operationOf(sql);
    const errorType = error ? errorTypeOf(error) : null;
    const key = errorType === null ? operation : `${operation}\u0000${errorType}`;
    let series = this.series.get(key);
    if (series === undefined) {
      series = { operation, errorType, tally: this.durations.get(key) };
      this.series.set(key, series);
    }
    series.tally.add(seconds);
    this.queries++;
    if (errorType !== null) {
      this.errors++;
      this.errorsByType.set(errorType, (this.errorsByType.get(errorType) ?? 0) + 1);
    }
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]?.operation(seconds, operation, errorType);
    if (ms >= this.slowMs) this.slow(ms, sql, values, operation, error, rows);
  }

  private slow(ms: number, sql: string, values: unknown, operation: string, error: unknown, rows: number | null): void {
    this.slowQueries++;
    const statement = normalizeStatement(sql, this.options.maxStatementLength ?? 2000, this.system === 'mysql');
    const event = {
      kind: 'slow-query' as const,
      pool: this.name,
      durationMs: Math.round(ms * 10) / 10,
      statement,
      operation,
      rows,
      error: error ? errorTypeOf(error) : null,
      ...(this.options.logParameters && Array.isArray(values) ? { parameters: values as readonly unknown[] } : {}),
      state: this.state(),
    };
    this.logger.warn(`slow query (${event.durationMs} ms) on ${this.name}: ${statement}`, event);
  }

  /** A checkout succeeded; `leakable` is false for checkouts the pool releases itself (pool.query). */
  acquired(connection: object, waitStart: number, stack: Error | undefined, leakable: boolean): void {
    const now = performance.now();
    const seconds = (now - waitStart) / 1000;
    this.waitTime.add(seconds);
    this.acquisitions++;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]?.wait(seconds);
    (connection as Stamped)[this.since] = now;
    if (leakable && this.timer !== undefined) this.held.set(connection, { since: now, stack, reported: false });
  }

  acquireFailed(timedOut: boolean): void {
    if (!timedOut) return;
    this.timeouts++;
    for (const sink of this.sinks) sink.timeout();
  }

  released(connection: object): void {
    const since = (connection as Stamped)[this.since];
    if (since === undefined || since < 0) return;
    (connection as Stamped)[this.since] = -1;
    if (this.held.size > 0) this.held.delete(connection);
    const seconds = (performance.now() - since) / 1000;
    this.useTime.add(seconds);
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]?.use(seconds);
  }

  private checkLeaks(): void {
    const now = performance.now();
    for (const held of this.held.values()) {
      if (held.reported || now - held.since < this.leakMs) continue;
      held.reported = true;
      this.leaks++;
      const stack = held.stack?.stack?.split('\n').slice(1).join('\n') ?? '(stack not captured)';
      const heldMs = Math.round(now - held.since);
      this.logger.warn(
        `connection held for ${heldMs} ms on ${this.name}, over the leak limit of ${this.leakMs} ms; checked out at:\n${stack}`,
        {
          kind: 'leak',
          pool: this.name,
          heldMs,
          stack,
          state: this.state(),
        },
      );
    }
  }

  stats(): MonitorStats {
    let count = 0;
    let sum = 0;
    for (const s of this.series.values()) {
      count += s.tally.count;
      sum += s.tally.sum;
    }
    const t = (tally: Tally): { count: number; sumSeconds: number } => ({ count: tally.count, sumSeconds: tally.sum });
    return {
      queries: this.queries,
      errors: this.errors,
      slowQueries: this.slowQueries,
      acquisitions: this.acquisitions,
      timeouts: this.timeouts,
      leaks: this.leaks,
      connectionsCreated: this.connectionsCreated,
      queryDuration: { count, sumSeconds: sum },
      waitTime: t(this.waitTime),
      useTime: t(this.useTime),
      state: this.state(),
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.held.clear();
  }
}

/** A short, bounded label for an error: its code (SQLSTATE, ER_…) or class name. */
export function errorTypeOf(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0 && code.length <= 40) return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name.length > 0) return name;
  }
  return 'Error';
}
