import type { EffectivePool } from './effective.js';
import { COVERAGE, fmt, plural, poissonQuantile } from './math.js';
import type { Deployment, Load, PoolerAdvice, PoolInputs, ServerFacts } from './types.js';

/** A checkout waits this long before failing: SQLAlchemy's default, made explicit. */
export const POOL_TIMEOUT_S = 30;
/** Replace connections hourly unless the server closes idle ones sooner. */
export const DEFAULT_RECYCLE_S = 3600;

/** The connections the server leaves for this application, and how they are shared. */
export interface Budget {
  readonly available: number;
  readonly other: number;
  /** Pools at the largest scale: instances.max × processes. */
  readonly pools: number;
  readonly perProcess: number;
  readonly lines: readonly string[];
}

/** The pool sizes per process, before they are written as one driver's settings. */
export interface Sizes {
  readonly inFlight: number;
  readonly perProcessMean: number;
  readonly perProcess: number;
  readonly peak: number;
  /** Connections kept open (pool_size). */
  readonly steady: number;
  /** Extra connections for bursts (max_overflow). */
  readonly burst: number;
  readonly fits: boolean;
  /** How the load becomes busy connections. */
  readonly lines: readonly string[];
  /** How the burst follows from what the budget leaves. */
  readonly burstLine: string;
}

/** Busy connections the server's cores serve at once: the PostgreSQL wiki's 2 × cores + spindles (1 for SSDs). */
export function coresCeiling(server: ServerFacts): number | null {
  return server.cores ? server.cores.count * 2 + 1 : null;
}

/** Connections held by other clients: the flag, or what other applications hold now, whichever is larger. */
export function otherConnections(inputs: PoolInputs, server: ServerFacts): { count: number; why: string } {
  const flag = inputs.deployment.otherConnections;
  if (inputs.applicationName && server.connections) {
    const observed = server.connections.filter((c) => c.application !== inputs.applicationName).reduce((sum, c) => sum + c.count, 0);
    if (observed > flag) return { count: observed, why: `${observed} held now by applications other than "${inputs.applicationName}"` };
  }
  return {
    count: flag,
    why: flag === 0 ? 'no other clients given (--other-connections)' : `${flag} other connections (--other-connections)`,
  };
}

function describeServer(server: ServerFacts): string {
  if (server.source === 'server') return `read from ${server.name ?? 'the server'}`;
  if (server.source === 'flags') return 'from --max-connections';
  return `${server.dialect === 'postgresql' ? 'PostgreSQL' : 'MySQL'} defaults, assumed: give a target or --max-connections`;
}

export function budgetOf(inputs: PoolInputs, server: ServerFacts): Budget {
  const available = Math.max(0, server.maxConnections - server.superuserReserved - server.reserved);
  const other = otherConnections(inputs, server);
  const { instances, processes } = inputs.deployment;
  const pools = instances.max * processes;
  const perProcess = Math.max(0, Math.floor((available - other.count) / pools));
  const reservedText =
    server.dialect === 'postgresql'
      ? ` − superuser_reserved_connections ${server.superuserReserved} − reserved_connections ${server.reserved}`
      : '';
  const lines = [
    `server: max_connections ${server.maxConnections}${reservedText} = ${available} available (${describeServer(server)})`,
    `other clients: ${other.why}`,
    `budget per process: (${available} − ${other.count}) ÷ (${describeScale(inputs.deployment, 'max')}) = ${perProcess} at most`,
  ];
  return { available, other: other.count, pools, perProcess, lines };
}

/** `2 instances × 4 processes`, at the smallest or largest scale. */
export function describeScale(deployment: Deployment, at: 'min' | 'max'): string {
  return `${plural(deployment.instances[at], 'instance')} × ${plural(deployment.processes, 'process', 'processes')}`;
}

function describeLoad(load: Load): string {
  if (load.kind === 'concurrency')
    return `${load.expression}${load.expression === fmt(load.inFlight) ? '' : ` = ${fmt(load.inFlight)}`} queries in flight on average (--concurrency)`;
  return `${fmt(load.requestsPerSecond)} req/s × ${fmt(load.queriesPerRequest)} queries × ${fmt(load.queryMs)} ms = ${fmt(load.inFlight)} queries in flight on average (Little's law)`;
}

/** pool_size from the load; max_overflow from what is left of the budget, up to pool_size again. */
export function sizesFor(load: Load, deployment: Deployment, budget: Budget): Sizes {
  const scale = deployment.instances.min * deployment.processes;
  const perProcessMean = load.inFlight / scale;
  const perProcess = Math.max(1, Math.ceil(perProcessMean - 1e-9));
  const peak = poissonQuantile(perProcess);
  const fits = budget.perProcess >= peak;
  const burst = fits ? Math.min(peak, budget.perProcess - peak) : peak;
  const autoscaled = deployment.instances.min !== deployment.instances.max;
  const lines = [
    `load: ${describeLoad(load)}`,
    `per process: ${fmt(load.inFlight)} ÷ (${describeScale(deployment, 'min')}${autoscaled ? ', the smallest scale' : ''}) = ${fmt(perProcessMean)}${fmt(perProcessMean) === String(perProcess) ? '' : ` → ${perProcess}`} busy connections on average`,
    `peak: ${fmt(COVERAGE * 100)}th percentile of busy connections (Poisson, mean ${perProcess}) = ${peak}`,
  ];
  const burstLine = !fits
    ? `no pool size fits: ${peak} needed per process > ${budget.perProcess} the server allows per process`
    : burst < peak
      ? `burst: ${budget.perProcess} − ${peak} = ${burst} left for overflow (less than the ${peak} that would absorb a 2× burst)`
      : `burst: as many again, ${burst}, so a 2× burst is served; ${peak} + ${burst} = ${peak + burst} ≤ ${budget.perProcess}`;
  return { inFlight: load.inFlight, perProcessMean, perProcess, peak, steady: peak, burst, fits, lines, burstLine };
}

/** pool_recycle: hourly, or under the server's own idle timeout. */
export function recycleFor(server: ServerFacts): { seconds: number; why: string } {
  const idle = server.idleSessionTimeoutS;
  if (idle !== null && idle > 0 && idle * 0.9 < DEFAULT_RECYCLE_S) {
    const seconds = Math.max(1, Math.floor(idle * 0.9));
    const setting = server.dialect === 'postgresql' ? 'idle_session_timeout' : 'wait_timeout';
    return {
      seconds,
      why: `90% of the server's ${setting} ${fmt(idle)} s = ${seconds} s, so the pool replaces connections before the server drops them`,
    };
  }
  return {
    seconds: DEFAULT_RECYCLE_S,
    why: 'hourly: replaces connections a firewall, failover or server restart broke, and bounds per-connection memory growth',
  };
}

/** PgBouncer (or ProxySQL) sizing when the processes' pools cannot all fit the server. */
export function poolerAdvice(sizes: Sizes, budget: Budget, server: ServerFacts): PoolerAdvice {
  const total = Math.max(1, Math.ceil(sizes.inFlight - 1e-9));
  const shared = poissonQuantile(total);
  const room = Math.max(1, budget.available - budget.other);
  const defaultPoolSize = Math.min(shared, room);
  const maxClientConn = budget.pools * (sizes.steady + sizes.burst);
  const why = [
    `one shared pool: ${fmt(COVERAGE * 100)}th percentile of ${total} busy connections across the deployment (Poisson) = ${shared}` +
      (shared > room ? `, capped at the ${room} the server allows` : ''),
    `the processes' pools connect to the pooler: ${budget.pools} pools × (${sizes.steady} + ${sizes.burst}) = ${maxClientConn} client connections`,
  ];
  const kind = server.dialect === 'postgresql' ? 'pgbouncer' : 'proxysql';
  return { kind, poolMode: 'transaction', defaultPoolSize, maxClientConn, why };
}

/** True when the current pool is far above what is useful: 1.5× and at least 10 connections more. */
export function farAbove(cap: number, useful: number): boolean {
  return cap >= useful * 1.5 && cap - useful >= 10;
}

/** The current cap per process, for messages. */
export function capOf(current: EffectivePool | null): number | null {
  return current?.cap ?? null;
}
