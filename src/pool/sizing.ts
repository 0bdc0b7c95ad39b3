import { binomialQuantile, COVERAGE, fmt, plural, poissonQuantile } from './math.js';
import type { Deployment, Load, PoolerAdvice, PoolInputs, ServerFacts } from './types.js';

/** A checkout waits this long before failing: SQLAlchemy's default, made explicit. */
export const POOL_TIMEOUT_S = 30;
/** Replace connections hourly unless the server closes idle ones sooner. */
const DEFAULT_RECYCLE_S = 3600;

/** The connections the server leaves for this application, and how they are shared. */
export interface Budget {
  readonly available: number;
  readonly other: number;
  /** Pools at the largest scale: instances.max × processes. */
  readonly pools: number;
  readonly perProcess: number;
  readonly lines: readonly string[];
}

/** How the busy connections of one process (or of the deployment) are distributed. */
export type BusyModel =
  | { readonly kind: 'poisson'; readonly mean: number }
  | { readonly kind: 'binomial'; readonly callers: number; readonly probability: number };

/** The pool sizes per process, before they are written as one driver's settings. */
export interface Sizes {
  readonly inFlight: number;
  /** Average busy connections per process, exact (not rounded). */
  readonly perProcessMean: number;
  readonly model: BusyModel;
  /** The 99.9th percentile of busy connections per process. */
  readonly peak: number;
  /** Connections per process the server's cores can use at once (ceiling ÷ pools at the smallest scale); null when cores are unknown. */
  readonly coresPerProcess: number | null;
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
function otherConnections(inputs: PoolInputs, server: ServerFacts): { count: number; why: string } {
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

/** The 99.9th percentile of a busy-connection model. */
function quantileOf(model: BusyModel): number {
  return model.kind === 'poisson' ? poissonQuantile(model.mean) : binomialQuantile(model.callers, model.probability);
}

/** `Poisson, mean 0.45` or `Binomial(26, 0.6)`. */
export function describeModel(model: BusyModel): string {
  return model.kind === 'poisson' ? `Poisson, mean ${fmt(model.mean)}` : `Binomial(${model.callers}, ${fmt4(model.probability)})`;
}

function fmt4(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * The busy connections of `share` of the load. N callers each busy a fraction p of the time
 * (`--concurrency 26x60%`) give Binomial(N, p) across the deployment; a process receiving each
 * caller's query with probability 1/share sees Binomial(N, p/share), never more than N. A plain
 * average (or Little's law) gives Poisson with the exact mean: no rounding before the percentile.
 */
function busyModel(load: Load, share: number): BusyModel {
  if (load.kind === 'concurrency' && load.callers !== undefined && load.fraction !== undefined)
    return { kind: 'binomial', callers: load.callers, probability: load.fraction / share };
  return { kind: 'poisson', mean: load.inFlight / share };
}

/**
 * pool_size from the load's peak, limited by what the server's cores run at once; max_overflow
 * from what is left of the budget (and of the cores), up to pool_size again.
 */
export function sizesFor(load: Load, deployment: Deployment, budget: Budget, ceiling: number | null): Sizes {
  const scale = deployment.instances.min * deployment.processes;
  const perProcessMean = load.inFlight / scale;
  const model = busyModel(load, scale);
  const peak = quantileOf(model);
  const coresPerProcess = ceiling === null ? null : Math.max(1, Math.ceil(ceiling / scale));
  const steady = Math.max(1, Math.min(peak, coresPerProcess ?? Infinity));
  const fits = budget.perProcess >= steady;
  const coresRoom = coresPerProcess === null ? Infinity : coresPerProcess - steady;
  // N callers never hold more than N connections: the burst stops there too.
  const callersRoom = model.kind === 'binomial' ? model.callers - steady : Infinity;
  const burst = fits
    ? Math.max(0, Math.min(steady, budget.perProcess - steady, coresRoom, callersRoom))
    : Math.max(0, Math.min(steady, callersRoom));
  const autoscaled = deployment.instances.min !== deployment.instances.max;
  const lines = [
    `load: ${describeLoad(load)}`,
    `per process: ${fmt(load.inFlight)} ÷ (${describeScale(deployment, 'min')}${autoscaled ? ', the smallest scale' : ''}) = ${fmt(perProcessMean)} busy connections on average`,
    `peak: ${fmt(COVERAGE * 100)}th percentile of busy connections (${describeModel(model)}) = ${peak}` +
      (model.kind === 'binomial' ? `, never more than the ${model.callers} callers` : ''),
  ];
  if (ceiling !== null && coresPerProcess !== null) {
    lines.push(
      `cores: ${ceiling} queries at once ÷ (${describeScale(deployment, 'min')}) = ${coresPerProcess} per process` +
        (peak > coresPerProcess
          ? `, below the peak ${peak}: pool_size ${coresPerProcess}, the rest wait in the pool instead of queueing inside the server`
          : ` ≥ the peak ${peak}`),
    );
  }
  const burstLine = !fits
    ? `no pool size fits: ${steady} needed per process > ${budget.perProcess} the server allows per process`
    : burst < steady
      ? callersRoom === burst
        ? `burst: ${model.kind === 'binomial' ? model.callers : ''} callers − ${steady} = ${burst} left for overflow (no more callers than that)`
        : coresRoom <= budget.perProcess - steady
          ? `burst: ${coresPerProcess} per process the cores use − ${steady} = ${burst} left for overflow`
          : `burst: ${budget.perProcess} − ${steady} = ${burst} left for overflow (less than the ${steady} that would absorb a 2× burst)`
      : `burst: as many again, ${burst}, so a 2× burst is served; ${steady} + ${burst} = ${steady + burst} ≤ ${budget.perProcess}`;
  return { inFlight: load.inFlight, perProcessMean, model, peak, coresPerProcess, steady, burst, fits, lines, burstLine };
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
export function poolerAdvice(load: Load, sizes: Sizes, budget: Budget, server: ServerFacts): PoolerAdvice {
  const model = busyModel(load, 1);
  const shared = quantileOf(model);
  const room = Math.max(1, budget.available - budget.other);
  const ceiling = coresCeiling(server);
  const defaultPoolSize = Math.min(shared, room, ceiling ?? Infinity);
  const maxClientConn = budget.pools * (sizes.steady + sizes.burst);
  const capped = [
    ...(shared > room ? [`the ${room} the server allows`] : []),
    ...(ceiling !== null && shared > ceiling ? [`the ${ceiling} queries the cores run at once`] : []),
  ];
  const why = [
    `one shared pool: ${fmt(COVERAGE * 100)}th percentile of busy connections across the deployment (${describeModel(model)}) = ${shared}` +
      (capped.length > 0 ? `, capped at ${capped.join(' and ')}` : ''),
    `the processes' pools connect to the pooler: ${budget.pools} pools × (${sizes.steady} + ${sizes.burst}) = ${maxClientConn} client connections`,
  ];
  const kind = server.dialect === 'postgresql' ? 'pgbouncer' : 'proxysql';
  return { kind, poolMode: 'transaction', defaultPoolSize, maxClientConn, why };
}

/** True when the current pool is far above what is useful: 1.5× and at least 10 connections more. */
export function farAbove(cap: number, useful: number): boolean {
  return cap >= useful * 1.5 && cap - useful >= 10;
}
