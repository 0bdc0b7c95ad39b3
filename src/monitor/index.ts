/**
 * `dbdoctor/monitor`: slow-query log, pool metrics and leak detection for a node-postgres or
 * mysql2 pool, without changing how the application uses the pool.
 *
 * ```ts
 * import pg from 'pg';
 * import { monitorPool } from 'dbdoctor/monitor';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const monitor = monitorPool(pool, { slowQueryMs: 500 });
 * // … later: monitor.stop();
 * ```
 */
import promClient from 'prom-client';
import { instrumentMysql, mysqlCorePool, mysqlState } from './mysql.js';
import { exportToOpenTelemetry, globalMeter, type MeterLike } from './otel.js';
import { instrumentPg, pgState } from './pg.js';
import { exportToPrometheus } from './prometheus.js';
import { Recorder } from './recorder.js';
import type { MonitorOptions, MysqlPoolLike, PgPoolLike, PoolMonitor } from './types.js';

export type {
  LeakEvent,
  MonitorLogger,
  MonitorOptions,
  MonitorStats,
  MysqlPoolLike,
  PgPoolLike,
  PoolMonitor,
  PoolState,
  SlowQueryEvent,
} from './types.js';
export type { MeterLike } from './otel.js';
export { normalizeStatement, operationOf } from './statement.js';
export { NAMES as PROMETHEUS_METRIC_NAMES } from './prometheus.js';

function isPgPool(pool: object): pool is PgPoolLike {
  const p = pool as Partial<PgPoolLike>;
  return (
    typeof p.connect === 'function' &&
    typeof p.query === 'function' &&
    typeof p.idleCount === 'number' &&
    typeof p.waitingCount === 'number'
  );
}

function pgName(pool: PgPoolLike): string {
  const o = pool.options ?? {};
  if (o.connectionString) {
    try {
      const url = new URL(o.connectionString);
      return `${url.hostname}:${url.port || 5432}${url.pathname}`;
    } catch {
      // Not a URL (a libpq keyword string): fall through to the host fields.
    }
  }
  return `${o.host ?? 'localhost'}:${o.port ?? 5432}/${o.database ?? ''}`;
}

/**
 * Watches a node-postgres `Pool` or a mysql2 pool (callback or promise API): slow statements go
 * to the logger, metrics to prom-client and OpenTelemetry, long-held connections are reported
 * with the stack that checked them out. `stop()` undoes everything it did.
 */
export function monitorPool(pool: PgPoolLike | MysqlPoolLike, options: MonitorOptions = {}): PoolMonitor {
  let recorder: Recorder;
  let detach: () => void;
  if (isPgPool(pool)) {
    recorder = new Recorder(options.name ?? pgName(pool), 'postgresql', options, () => pgState(pool));
    detach = instrumentPg(pool, recorder);
  } else {
    const core = mysqlCorePool(pool);
    if (!core) throw new TypeError('monitorPool expects a pg.Pool or a mysql2 pool (createPool, or mysql2/promise createPool)');
    const c = core.config.connectionConfig;
    recorder = new Recorder(options.name ?? `${c.host ?? 'localhost'}:${c.port ?? 3306}/${c.database ?? ''}`, 'mysql', options, () =>
      mysqlState(core),
    );
    detach = instrumentMysql(core, recorder);
  }
  const undo: Array<() => void> = [detach];
  try {
    const registry = options.registry === undefined ? promClient.register : options.registry;
    if (registry) undo.push(exportToPrometheus(registry, recorder));
    const meter: MeterLike | null = options.meter === false ? null : (options.meter ?? globalMeter());
    if (meter) undo.push(exportToOpenTelemetry(meter, recorder, options.buckets));
  } catch (error) {
    for (const f of undo.reverse()) f();
    recorder.stop();
    throw error;
  }
  let stopped = false;
  return {
    name: recorder.name,
    system: recorder.system,
    stats: () => recorder.stats(),
    stop() {
      if (stopped) return;
      stopped = true;
      for (const f of undo.reverse()) f();
      recorder.stop();
    },
  };
}
