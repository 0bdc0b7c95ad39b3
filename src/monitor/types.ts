import type { MeterLike } from './otel.js';
import type { PrometheusRegistry } from './prometheus.js';

/** Where slow queries and leaks are reported. `console` fits; so does a pino or winston adapter. */
export interface MonitorLogger {
  warn(message: string, event: SlowQueryEvent | LeakEvent): void;
}

/** The pool's state at a moment. */
export interface PoolState {
  /** Connections open and idle in the pool. */
  readonly idle: number;
  /** Connections checked out. */
  readonly used: number;
  /** Checkouts waiting for a connection. */
  readonly pending: number;
  /** The pool's limit (Infinity when it has none). */
  readonly max: number;
}

/** A statement that took longer than the threshold. */
export interface SlowQueryEvent {
  readonly kind: 'slow-query';
  readonly pool: string;
  readonly durationMs: number;
  /** The statement with literals replaced by `?`; parameters are separate and only with `logParameters`. */
  readonly statement: string;
  readonly operation: string;
  /** Rows returned or affected, when the driver says. */
  readonly rows: number | null;
  readonly error: string | null;
  readonly parameters?: readonly unknown[];
  readonly state: PoolState;
}

/** A connection held longer than the leak limit. */
export interface LeakEvent {
  readonly kind: 'leak';
  readonly pool: string;
  readonly heldMs: number;
  /** Where the connection was checked out. */
  readonly stack: string;
  readonly state: PoolState;
}

/** Options of {@link monitorPool}. */
export interface MonitorOptions {
  /** Names the pool in metrics (`db_client_connection_pool_name`, `db.client.connection.pool.name`); default host:port/database. */
  readonly name?: string;
  /** Statements over this many milliseconds are logged (default 1000; `false` turns the log off). */
  readonly slowQueryMs?: number | false;
  /** Receives slow queries and leaks (default `console`). */
  readonly logger?: MonitorLogger;
  /** Include the statement's parameters in slow-query events (default false: they may be personal data). */
  readonly logParameters?: boolean;
  /** Longest statement text kept in an event, in characters (default 2000). */
  readonly maxStatementLength?: number;
  /** Report a connection checked out for longer than this many milliseconds (default 60000; `false` turns it off). */
  readonly leakDetectionMs?: number | false;
  /**
   * The prom-client (14 or 15) registry to export to; default the global `register` of the application's own
   * prom-client when it has one; `false`: none.
   */
  readonly registry?: PrometheusRegistry | false;
  /** The OpenTelemetry meter (default: `@opentelemetry/api`'s global meter when installed; `false`: none). */
  readonly meter?: MeterLike | false;
  /** Histogram bucket bounds in seconds (default the OpenTelemetry advice for database clients). */
  readonly buckets?: readonly number[];
}

/** Running totals, for tests and health endpoints. */
export interface MonitorStats {
  readonly queries: number;
  readonly errors: number;
  readonly slowQueries: number;
  readonly acquisitions: number;
  readonly timeouts: number;
  readonly leaks: number;
  readonly connectionsCreated: number;
  /** Calls into the application's logger or meter that threw (each kind reported once as a process warning). */
  readonly failures: number;
  readonly queryDuration: { readonly count: number; readonly sumSeconds: number };
  readonly waitTime: { readonly count: number; readonly sumSeconds: number };
  readonly useTime: { readonly count: number; readonly sumSeconds: number };
  readonly state: PoolState;
}

/** What {@link monitorPool} returns. */
export interface PoolMonitor {
  readonly name: string;
  readonly system: 'postgresql' | 'mysql';
  stats(): MonitorStats;
  /** Removes every listener and wrapper it added and its metrics; the pool works on as before. */
  stop(): void;
}

/** An event listener, as the pools' `on`/`removeListener` take it. */
export type Listener = (...args: unknown[]) => void;

/** The part of a node-postgres `Pool` the monitor uses. */
export interface PgPoolLike {
  connect(...args: unknown[]): unknown;
  query(...args: unknown[]): unknown;
  on(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  /** The client class the pool constructs (pg-pool's `Client` option). */
  Client?: new (...args: never[]) => object;
  readonly options?: {
    readonly user?: string;
    readonly max?: number;
    readonly host?: string;
    readonly port?: number;
    readonly database?: string;
    readonly connectionString?: string;
  };
}

/** The part of a mysql2 pool (callback or promise API) the monitor uses. */
export interface MysqlPoolLike {
  getConnection(...args: unknown[]): unknown;
  on(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
}
