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
import type { ServerInfo } from './attributes.js';
import { instrumentMysql, mysqlCorePool, mysqlState } from './mysql.js';
import { exportToOpenTelemetry, globalMeter, type MeterLike } from './otel.js';
import { instrumentPg, pgState } from './pg.js';
import { applicationRegistry, exportToPrometheus } from './prometheus.js';
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
export type { PrometheusRegistry } from './prometheus.js';
export type { StatementSyntax } from './statement.js';
export { normalizeStatement, operationOf } from './statement.js';
export { NAMES as PROMETHEUS_METRIC_NAMES } from './prometheus.js';
export { ATTRIBUTES as OTEL_ATTRIBUTES, LABELS as PROMETHEUS_LABELS } from './attributes.js';

function isPgPool(pool: object): pool is PgPoolLike {
  const p = pool as Partial<PgPoolLike>;
  return (
    typeof p.connect === 'function' &&
    typeof p.query === 'function' &&
    typeof p.idleCount === 'number' &&
    typeof p.waitingCount === 'number'
  );
}

/** Where node-postgres connects, read as it reads it: the options, a connection URL, then the libpq variables. */
function pgServer(pool: PgPoolLike): ServerInfo {
  const o = pool.options ?? {};
  const env = process.env;
  let fromUrl: { host?: string; port?: number; database?: string; user?: string } = {};
  if (o.connectionString) {
    try {
      const url = new URL(o.connectionString);
      fromUrl = {
        host: url.searchParams.get('host') ?? (url.hostname ? decodeURIComponent(url.hostname) : undefined),
        port: url.port ? Number(url.port) : undefined,
        database: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : undefined,
        user: url.username ? decodeURIComponent(url.username) : undefined,
      };
    } catch {
      // Not a URL (a libpq keyword string): the other fields and the environment decide.
    }
  }
  const user = fromUrl.user ?? o.user ?? env.PGUSER ?? env.USER ?? '';
  return {
    address: fromUrl.host ?? o.host ?? env.PGHOST ?? 'localhost',
    port: Number(fromUrl.port ?? o.port ?? env.PGPORT ?? 5432),
    namespace: fromUrl.database ?? o.database ?? env.PGDATABASE ?? user,
  };
}

const nameOf = (s: ServerInfo): string => `${s.address}:${s.port}/${s.namespace}`;

/**
 * Watches a node-postgres `Pool` or a mysql2 pool (callback or promise API): slow statements go
 * to the logger, metrics to prom-client and OpenTelemetry, long-held connections are reported
 * with the stack that checked them out. `stop()` undoes everything it did.
 */
export function monitorPool(pool: PgPoolLike | MysqlPoolLike, options: MonitorOptions = {}): PoolMonitor {
  let recorder: Recorder;
  let detach: () => void;
  if (isPgPool(pool)) {
    const server = pgServer(pool);
    recorder = new Recorder(options.name ?? nameOf(server), 'postgresql', server, options, () => pgState(pool));
    detach = instrumentPg(pool, recorder);
  } else {
    const core = mysqlCorePool(pool);
    if (!core) throw new TypeError('monitorPool expects a pg.Pool or a mysql2 pool (createPool, or mysql2/promise createPool)');
    const c = core.config.connectionConfig;
    const server = { address: c.host ?? 'localhost', port: c.port ?? 3306, namespace: c.database ?? '' };
    recorder = new Recorder(options.name ?? nameOf(server), 'mysql', server, options, () => mysqlState(core));
    detach = instrumentMysql(core, recorder);
  }
  const undo: Array<() => void> = [detach];
  try {
    // A registry given that already holds other metrics of these names is the caller's mistake: it throws.
    const registry = options.registry === undefined ? applicationRegistry() : options.registry;
    if (registry) undo.push(exportToPrometheus(registry, recorder));
  } catch (error) {
    for (const f of undo.reverse()) f();
    recorder.stop();
    throw error;
  }
  const meter: MeterLike | null = options.meter === false ? null : (options.meter ?? globalMeter());
  try {
    if (meter) undo.push(exportToOpenTelemetry(meter, recorder, options.buckets));
  } catch (failure) {
    // A meter that cannot create its instruments costs the application its OpenTelemetry metrics, never its pool.
    recorder.fail('meter', failure);
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
