import { ATTRIBUTES, LABELS, type ServerInfo } from './attributes.js';
import { errorTypeOf, slowQueryEvent, type SlowRecord } from './events.js';
import { OPERATIONS, operationIndex } from './statement.js';
import { DEFAULT_BUCKETS, Tally } from './tally.js';
import type { MonitorLogger, MonitorOptions, MonitorStats, PoolState } from './types.js';

/** OpenTelemetry attributes, built once per series. */
export type Attributes = Record<string, string | number>;

/** Called per event by an exporter that records as it goes (OpenTelemetry). */
export interface LiveSink {
  operation(seconds: number, series: OperationSeries): void;
  wait(seconds: number): void;
  use(seconds: number): void;
  timeout(): void;
}

interface Held {
  readonly since: number;
  readonly stack: Error | undefined;
  reported: boolean;
}

/** One series of the operation-duration histogram, with its labels and attributes bound once. */
export interface OperationSeries {
  readonly operation: string;
  readonly errorType: string | null;
  readonly tally: Tally;
  /** Prometheus labels. */
  readonly labels: Record<string, string>;
  /** OpenTelemetry attributes. */
  readonly attributes: Attributes;
}

/**
 * Everything one monitor has seen, kept in plain counters and tallies on the hot path; exporters
 * read it when scraped. Instrumentations (pg, mysql2) call it; it knows no driver. No call into
 * the application's logger or meter may throw out of it: a failure is counted and reported once.
 */
export class Recorder {
  readonly waitTime: Tally;
  readonly useTime: Tally;
  queries = 0;
  errors = 0;
  slowQueries = 0;
  acquisitions = 0;
  timeouts = 0;
  leaks = 0;
  connectionsCreated = 0;
  /** Calls into the application's logger or meter that threw. */
  failures = 0;
  readonly errorsByType = new Map<string, number>();
  readonly sinks: LiveSink[] = [];
  /** Successful operations by operation index: bound on first use, an array read after that. */
  private readonly ok: Array<OperationSeries | undefined> = [];
  private readonly failed = new Map<number, Map<string, OperationSeries>>();
  private readonly held = new Map<object, Held>();
  /**
   * Checkout times by connection. Beside the connection, not on it (a property added to a driver's
   * connection object can make every access to it slower); a release writes -1 rather than deleting,
   * so a long-lived connection's entry is updated in place.
   */
  private readonly since = new WeakMap<object, number>();
  private readonly slowMs: number;
  private readonly leakMs: number;
  private readonly logger: MonitorLogger;
  private readonly buckets: readonly number[];
  private readonly reported = new Set<string>();
  private slowQueue: SlowRecord[] = [];
  /** Whether a backslash escapes in the connection's plain strings, when the driver's instrumentation knows. */
  backslashEscapesOf: (connection: unknown) => boolean | undefined = () => undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    readonly system: 'postgresql' | 'mysql',
    readonly server: ServerInfo,
    private readonly options: MonitorOptions,
    readonly state: () => PoolState,
  ) {
    this.buckets = options.buckets ?? DEFAULT_BUCKETS;
    this.waitTime = new Tally(this.buckets);
    this.useTime = new Tally(this.buckets);
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

  /** Every operation series seen so far. */
  *allSeries(): Iterable<OperationSeries> {
    for (const s of this.ok) if (s) yield s;
    for (const byType of this.failed.values()) yield* byType.values();
  }

  private bind(op: number, errorType: string | null): OperationSeries {
    const operation = OPERATIONS[op] as string;
    const { address, port, namespace } = this.server;
    const attributes: Attributes = {
      [ATTRIBUTES.system]: this.system,
      [ATTRIBUTES.operation]: operation,
      [ATTRIBUTES.pool]: this.name,
      [ATTRIBUTES.address]: address,
      [ATTRIBUTES.port]: port,
      [ATTRIBUTES.namespace]: namespace,
    };
    const labels: Record<string, string> = {
      [LABELS.pool]: this.name,
      [LABELS.system]: this.system,
      [LABELS.operation]: operation,
      [LABELS.address]: address,
      [LABELS.port]: String(port),
      [LABELS.namespace]: namespace,
    };
    if (errorType !== null) {
      attributes[ATTRIBUTES.errorType] = errorType;
      labels[LABELS.errorType] = errorType;
    }
    return { operation, errorType, tally: new Tally(this.buckets), labels, attributes };
  }

  /**
   * A statement finished (`start` and `end` are `performance.now()` readings, which the
   * instrumentation shares between events that happen together). The hot path: a keyword scan, an
   * array read, a tally and the live sinks; strings are only built for a failed or slow statement.
   */
  queryDone(start: number, end: number, sql: string, values: unknown, error: unknown, rows: number | null, connection?: unknown): void {
    const ms = end - start;
    const seconds = ms / 1000;
    const op = operationIndex(sql);
    let series: OperationSeries | undefined;
    let errorType: string | null = null;
    if (error) {
      errorType = errorTypeOf(error);
      this.errors++;
      this.errorsByType.set(errorType, (this.errorsByType.get(errorType) ?? 0) + 1);
      let byType = this.failed.get(op);
      if (!byType) this.failed.set(op, (byType = new Map<string, OperationSeries>()));
      series = byType.get(errorType);
      if (!series) byType.set(errorType, (series = this.bind(op, errorType)));
    } else {
      series = this.ok[op];
      if (series === undefined) this.ok[op] = series = this.bind(op, null);
    }
    series.tally.add(seconds);
    this.queries++;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) {
      try {
        sinks[i]?.operation(seconds, series);
      } catch (failure) {
        this.fail('meter', failure);
      }
    }
    if (ms >= this.slowMs) {
      this.slowQueries++;
      const backslashEscapes = this.backslashEscapesOf(connection);
      const record = { ms, sql, values, operation: series.operation, error: errorType, rows, backslashEscapes, state: this.state() };
      // The logger runs after the application has its result, and never on its stack.
      if (this.slowQueue.push(record) === 1) setImmediate(() => this.flushSlow());
    }
  }

  private flushSlow(): void {
    const queue = this.slowQueue;
    this.slowQueue = [];
    for (const record of queue) {
      try {
        const { message, event } = slowQueryEvent(record, this.name, this.system, this.options);
        this.logger.warn(message, event);
      } catch (failure) {
        this.fail('logger', failure);
      }
    }
  }

  /** Counts a failure of the application's logger or meter (or the monitor's own) and reports the first of each kind, as a process warning. */
  fail(kind: 'logger' | 'meter' | 'monitor', failure: unknown): void {
    this.failures++;
    if (this.reported.has(kind)) return;
    this.reported.add(kind);
    const why = failure instanceof Error ? failure.message : String(failure);
    try {
      process.emitWarning(
        `dbdoctor monitor (${this.name}): the ${kind} threw (${why}); the application's queries were not affected. ` +
          'Later failures are counted in stats().failures and db_client_monitor_failures_total, not reported again.',
        { code: 'DBDOCTOR_MONITOR_CALLBACK_FAILED' },
      );
    } catch {
      // A warning that cannot be emitted is still counted.
    }
  }

  /**
   * A checkout succeeded; `leakable` is false for checkouts the pool releases itself (pool.query).
   * Returns the clock reading taken, for a query the caller knows starts at once.
   */
  acquired(connection: object, waitStart: number, stack: Error | undefined, leakable: boolean): number {
    const now = performance.now();
    const seconds = (now - waitStart) / 1000;
    this.waitTime.add(seconds);
    this.acquisitions++;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) {
      try {
        sinks[i]?.wait(seconds);
      } catch (failure) {
        this.fail('meter', failure);
      }
    }
    this.since.set(connection, now);
    if (leakable && this.timer !== undefined) this.held.set(connection, { since: now, stack, reported: false });
    return now;
  }

  acquireFailed(timedOut: boolean): void {
    if (!timedOut) return;
    this.timeouts++;
    for (const sink of this.sinks) {
      try {
        sink.timeout();
      } catch (failure) {
        this.fail('meter', failure);
      }
    }
  }

  /** A connection went back to the pool, at `now` (a `performance.now()` reading). */
  released(connection: object, now: number): void {
    const since = this.since.get(connection);
    if (since === undefined || since < 0) return;
    this.since.set(connection, -1);
    if (this.held.size > 0) this.held.delete(connection);
    const seconds = (now - since) / 1000;
    this.useTime.add(seconds);
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) {
      try {
        sinks[i]?.use(seconds);
      } catch (failure) {
        this.fail('meter', failure);
      }
    }
  }

  private checkLeaks(): void {
    const now = performance.now();
    for (const held of this.held.values()) {
      if (held.reported || now - held.since < this.leakMs) continue;
      held.reported = true;
      this.leaks++;
      const stack = held.stack?.stack?.split('\n').slice(1).join('\n') ?? '(stack not captured)';
      const heldMs = Math.round(now - held.since);
      try {
        this.logger.warn(
          `connection held for ${heldMs} ms on ${this.name}, over the leak limit of ${this.leakMs} ms; checked out at:\n${stack}`,
          { kind: 'leak', pool: this.name, heldMs, stack, state: this.state() },
        );
      } catch (failure) {
        this.fail('logger', failure);
      }
    }
  }

  stats(): MonitorStats {
    let count = 0;
    let sum = 0;
    for (const s of this.allSeries()) {
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
      failures: this.failures,
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
    // Slow queries already seen are still logged.
    if (this.slowQueue.length > 0) this.flushSlow();
  }
}
