import type { EvidenceValue, Finding, Severity } from '../rules/types.js';
import type { EffectivePool } from './effective.js';
import { fmt } from './math.js';
import { harmfulIdentifierLength } from './recommend.js';
import { describeScale, farAbove } from './sizing.js';
import type { PoolInputs, PoolRecommendation, ServerFacts } from './types.js';

/** The rules of `dbdoctor pool`, each documented in docs/rules/<id>.md. */
export const POOL_RULES = {
  'pool-exceeds-server-limit': 'every instance at full overflow would open more connections than the server allows',
  'pool-oversized': "the pool is far above what the load and the server's cores can use",
  'pool-undersized': 'the pool is below the connections the load keeps busy',
  'pool-timeout-missing': 'no explicit bound on how long a checkout waits',
  'pool-recycle-missing': 'connections are never replaced',
  'pool-pre-ping-missing': 'connections are not tested before use',
  'harmful-identifier-length': 'max_identifier_length longer than the server keeps',
  'pooler-recommended': 'no pool size fits the server: put PgBouncer in transaction mode in front',
} as const;

/** A rule id of `dbdoctor pool`. */
export type PoolRuleId = keyof typeof POOL_RULES;

interface Context {
  readonly inputs: PoolInputs;
  readonly server: ServerFacts;
  readonly current: EffectivePool | null;
  readonly recommendation: PoolRecommendation;
}

function finding(
  rule: PoolRuleId,
  severity: Severity,
  message: string,
  help: string,
  evidence: { [key: string]: EvidenceValue },
): Finding<PoolRuleId> {
  // Pool findings concern the whole database, not one table: schema and table stay empty.
  return { rule, severity, schema: '', table: '', message, help, evidence: { ...evidence, docs: `docs/rules/${rule}.md` } };
}

function recommended(c: Context, ...names: string[]): string {
  return c.recommendation.settings
    .filter((s) => names.includes(s.name) && s.value !== null)
    .map(
      (s) =>
        `${s.name}=${typeof s.value === 'boolean' && c.inputs.driver === 'sqlalchemy' ? (s.value ? 'True' : 'False') : String(s.value)}`,
    )
    .join(', ');
}

function sizeNames(c: Context): string[] {
  return c.inputs.driver === 'sqlalchemy'
    ? ['pool_size', 'max_overflow']
    : c.inputs.driver === 'node-postgres'
      ? ['max']
      : ['connectionLimit', 'maxIdle'];
}

function serverLimit(c: Context, cap: number): Finding<PoolRuleId>[] {
  const { budget } = c.recommendation;
  const total = budget.pools * cap + budget.other;
  if (total <= budget.available) return [];
  const scale = describeScale(c.inputs.deployment, 'max');
  const capText = Number.isFinite(cap) ? `${c.current?.capText} = ${cap}` : (c.current?.capText ?? 'no limit');
  const fix = c.recommendation.pooler
    ? 'connect through PgBouncer in transaction mode (see pooler-recommended)'
    : `set ${recommended(c, ...sizeNames(c)) || 'a smaller pool'}`;
  return [
    finding(
      'pool-exceeds-server-limit',
      'critical',
      Number.isFinite(cap)
        ? `${scale} at full overflow would open ${budget.pools} × ${cap} + ${budget.other} other = ${total} connections, more than the ${budget.available} the server allows.`
        : `The pool has no connection limit (${capText}), so ${scale} can open more than the ${budget.available} connections the server allows.`,
      `Connections past the limit fail with "too many clients already"; ${fix}.`,
      {
        perProcess: capText,
        pools: budget.pools,
        otherConnections: budget.other,
        wouldOpen: Number.isFinite(total) ? total : 'unlimited',
        available: budget.available,
        maxConnections: c.server.maxConnections,
        serverFacts: c.server.source,
      },
    ),
  ];
}

function sizing(c: Context, cap: number): Finding<PoolRuleId>[] {
  const needed = c.recommendation.needed;
  if (!needed || !Number.isFinite(cap)) return [];
  const capNames =
    c.inputs.driver === 'sqlalchemy' ? ['pool_size', 'max_overflow'] : [c.inputs.driver === 'node-postgres' ? 'max' : 'connectionLimit'];
  const usefulCap = c.recommendation.settings
    .filter((s) => capNames.includes(s.name))
    .reduce((sum, s) => sum + (typeof s.value === 'number' ? s.value : 0), 0);
  const ceiling = c.recommendation.coresCeiling;
  const coresText =
    ceiling !== null && c.server.cores
      ? `, and the server's ${c.server.cores.count} cores run about 2 × ${c.server.cores.count} + 1 = ${ceiling} queries at once`
      : '; the cores-based ceiling (2 × cores + 1 queries at once) is unknown: give --cores, or a target on this machine';
  const evidence = {
    perProcess: c.current?.capText ?? '',
    cap,
    busyOnAverage: needed.perProcess,
    peak: needed.peakPerProcess,
    useful: usefulCap,
    coresCeiling: ceiling,
  };
  if (usefulCap > 0 && farAbove(cap, usefulCap)) {
    return [
      finding(
        'pool-oversized',
        'medium',
        `${c.current?.capText} = ${cap} connections per process is ${fmt(cap / usefulCap)}× what the load can use (${usefulCap} = peak ${needed.peakPerProcess} + burst ${usefulCap - needed.peakPerProcess})${coresText}.`,
        `Set ${recommended(c, ...sizeNames(c))}; connections beyond that idle on the server, each holding memory, and under a spike they queue inside the server instead of in the pool.`,
        evidence,
      ),
    ];
  }
  if (cap < needed.perProcess) {
    return [
      finding(
        'pool-undersized',
        'critical',
        `${c.current?.capText} = ${cap} connections per process is below the ${needed.perProcess} the load keeps busy on average: requests queue until they time out.`,
        `Set ${recommended(c, ...sizeNames(c))}.`,
        evidence,
      ),
    ];
  }
  if (cap < needed.peakPerProcess) {
    return [
      finding(
        'pool-undersized',
        'medium',
        `${c.current?.capText} = ${cap} connections per process is below the ${needed.peakPerProcess} busy at the load's peaks (99.9th percentile): requests wait for a connection at busy moments.`,
        `Set ${recommended(c, ...sizeNames(c))}.`,
        evidence,
      ),
    ];
  }
  const persistent = c.current?.persistent;
  if (
    c.inputs.driver === 'sqlalchemy' &&
    persistent !== null &&
    persistent !== undefined &&
    persistent > 0 &&
    persistent < needed.perProcess
  ) {
    return [
      finding(
        'pool-undersized',
        'low',
        `pool_size ${persistent} is below the ${needed.perProcess} connections busy on average: overflow connections are opened and closed under normal load.`,
        `Set ${recommended(c, 'pool_size', 'max_overflow')}.`,
        evidence,
      ),
    ];
  }
  return [];
}

function settingsChecks(c: Context): Finding<PoolRuleId>[] {
  const cur = c.current;
  if (!cur) return [];
  const out: Finding<PoolRuleId>[] = [];
  if (!cur.timeoutSet) {
    const forever = cur.acquireTimeoutS === null;
    const what =
      c.inputs.driver === 'sqlalchemy'
        ? 'pool_timeout is not set: the default 30 s applies unseen'
        : c.inputs.driver === 'node-postgres'
          ? 'connectionTimeoutMillis is not set: a checkout waits for ever when the pool is exhausted'
          : 'mysql2 pools have no acquire timeout: with waitForConnections (the default) a checkout waits for ever';
    const help =
      c.inputs.driver === 'mysql2'
        ? 'Bound the wait yourself (a timeout around getConnection) or set queueLimit, so an exhausted pool fails fast.'
        : `Set ${recommended(c, 'pool_timeout', 'connectionTimeoutMillis')} explicitly, below your request timeout.`;
    out.push(finding('pool-timeout-missing', forever ? 'medium' : 'low', `${what}.`, help, { acquireTimeoutS: cur.acquireTimeoutS }));
  }
  if (cur.recycleS !== undefined) {
    const idle = c.server.idleSessionTimeoutS;
    if (!cur.recycleSet) {
      out.push(
        finding(
          'pool-recycle-missing',
          'low',
          `${c.inputs.driver === 'sqlalchemy' ? 'pool_recycle' : 'maxLifetimeSeconds'} is not set: connections live for ever, through failovers and idle cuts by firewalls.`,
          `Set ${recommended(c, 'pool_recycle', 'maxLifetimeSeconds')}.`,
          { recycleS: null, serverIdleTimeoutS: idle },
        ),
      );
    } else if (cur.recycleS !== null && idle !== null && idle > 0 && cur.recycleS >= idle) {
      out.push(
        finding(
          'pool-recycle-missing',
          'medium',
          `Connections are recycled after ${fmt(cur.recycleS)} s, but the server closes idle sessions after ${fmt(idle)} s: the pool hands out connections the server already dropped.`,
          `Set ${recommended(c, 'pool_recycle', 'maxLifetimeSeconds')}.`,
          { recycleS: cur.recycleS, serverIdleTimeoutS: idle },
        ),
      );
    }
  }
  if (cur.prePing === false) {
    out.push(
      finding(
        'pool-pre-ping-missing',
        'low',
        'pool_pre_ping is off: a connection the server or network dropped is handed to a request, which then fails.',
        'Set pool_pre_ping=True (one cheap round trip per checkout).',
        { prePing: false },
      ),
    );
  }
  if (harmfulIdentifierLength(cur, c.server)) {
    const engine = c.server.dialect === 'postgresql' ? 'PostgreSQL' : 'MySQL';
    out.push(
      finding(
        'harmful-identifier-length',
        'medium',
        `max_identifier_length=${cur.maxIdentifierLength} on ${engine}, which keeps identifiers of at most ${c.server.identifierLimit} bytes: SQLAlchemy then generates longer constraint and index names that the server silently truncates, so names collide and migrations cannot find them.`,
        `Remove max_identifier_length; the ${engine} dialect reads the real limit (${c.server.identifierLimit}) itself. 128 is Oracle's limit (12.2+).`,
        { maxIdentifierLength: cur.maxIdentifierLength, serverLimit: c.server.identifierLimit, dialect: c.server.dialect },
      ),
    );
  }
  return out;
}

function pooler(c: Context): Finding<PoolRuleId>[] {
  const advice = c.recommendation.pooler;
  if (!advice) return [];
  const needed = c.recommendation.needed;
  const name = advice.kind === 'pgbouncer' ? 'PgBouncer' : 'ProxySQL';
  return [
    finding(
      'pooler-recommended',
      'medium',
      `No pool size fits: each process needs ${needed?.peakPerProcess ?? '?'} connections at its peak, and the server allows ${c.recommendation.budget.perProcess} per process across ${c.recommendation.budget.pools} pools.`,
      `Put ${name} in ${advice.poolMode} mode in front: default_pool_size=${advice.defaultPoolSize}, max_client_conn=${advice.maxClientConn}; processes share its server connections (session state — SET, advisory locks, LISTEN — does not survive between transactions).`,
      {
        defaultPoolSize: advice.defaultPoolSize,
        maxClientConn: advice.maxClientConn,
        perProcessBudget: c.recommendation.budget.perProcess,
      },
    ),
  ];
}

/** Every finding about the pool, most urgent first. */
export function poolFindings(
  inputs: PoolInputs,
  server: ServerFacts,
  current: EffectivePool | null,
  recommendation: PoolRecommendation,
): Finding<PoolRuleId>[] {
  const c: Context = { inputs, server, current, recommendation };
  const cap = current?.cap;
  const out = [
    ...(cap === null || cap === undefined ? [] : [...serverLimit(c, cap), ...sizing(c, cap)]),
    ...pooler(c),
    ...settingsChecks(c),
  ];
  const rank = { critical: 3, medium: 2, low: 1 } as const;
  return out.sort((a, b) => rank[b.severity] - rank[a.severity]);
}
