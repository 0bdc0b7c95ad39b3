import type { EvidenceValue, Finding, Severity } from '../rules/types.js';
import type { EffectivePool } from './effective.js';
import { fmt } from './math.js';
import { harmfulIdentifierLength } from './recommend.js';
import { DRIVER_SPECS } from './drivers.js';
import { sourceText } from './read-settings.js';
import { describeScale } from './sizing.js';
import type { SizeProblem } from './verdict.js';
import type { PoolInputs, PoolRecommendation, ServerFacts } from './types.js';

/** A rule id of `dbdoctor pool`, each documented in docs/rules/<id>.md. */
export type PoolRuleId =
  /** every instance at full overflow would open more connections than the server allows */
  | 'pool-exceeds-server-limit'
  /** the pool is far above what the load and the server's cores can use */
  | 'pool-oversized'
  /** the pool is below the connections the load keeps busy */
  | 'pool-undersized'
  /** no explicit bound on how long a checkout waits */
  | 'pool-timeout-missing'
  /** connections are never replaced */
  | 'pool-recycle-missing'
  /** connections are not tested before use */
  | 'pool-pre-ping-missing'
  /** max_identifier_length longer than the server keeps */
  | 'harmful-identifier-length'
  /** no pool size fits the server: put PgBouncer in transaction mode in front */
  | 'pooler-recommended';

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
        `${s.name}=${typeof s.value === 'boolean' && DRIVER_SPECS[c.inputs.driver].language === 'python' ? (s.value ? 'True' : 'False') : String(s.value)}`,
    )
    .join(', ');
}

function sizeNames(c: Context): string[] {
  switch (c.inputs.driver) {
    case 'sqlalchemy':
      return ['pool_size', 'max_overflow'];
    case 'psycopg-pool':
      return ['min_size', 'max_size'];
    case 'psycopg2':
      return ['minconn', 'maxconn'];
    case 'mysql2':
      return ['connectionLimit', 'maxIdle'];
    default: {
      const key = DRIVER_SPECS[c.inputs.driver].max.key;
      return key ? [key] : [];
    }
  }
}

function serverLimit(c: Context, cap: number, problem: Extract<SizeProblem, { kind: 'exceeds-server' }>): Finding<PoolRuleId> {
  const { budget } = c.recommendation;
  const scale = describeScale(c.inputs.deployment, 'max');
  const capText = Number.isFinite(cap) ? `${c.current?.capText} = ${cap}` : (c.current?.capText ?? 'no limit');
  const fix = c.recommendation.pooler
    ? 'connect through PgBouncer in transaction mode (see pooler-recommended)'
    : `set ${recommended(c, ...sizeNames(c)) || 'a smaller pool'}`;
  return finding(
    'pool-exceeds-server-limit',
    'critical',
    Number.isFinite(cap)
      ? `${scale} at full overflow would open ${budget.pools} × ${cap} + ${budget.other} other = ${problem.total} connections, more than the ${budget.available} the server allows.`
      : `The pool has no connection limit (${capText}), so ${scale} can open more than the ${budget.available} connections the server allows.`,
    `Connections past the limit fail with "too many clients already"; ${fix}.`,
    {
      perProcess: capText,
      pools: budget.pools,
      otherConnections: budget.other,
      wouldOpen: Number.isFinite(problem.total) ? problem.total : 'unlimited',
      available: budget.available,
      maxConnections: c.server.maxConnections,
      serverFacts: c.server.source,
    },
  );
}

function sizing(c: Context, cap: number, problem: SizeProblem): Finding<PoolRuleId> | null {
  const needed = c.recommendation.needed;
  if (!needed) return null;
  const ceiling = c.recommendation.coresCeiling;
  const coresText =
    ceiling !== null && c.server.cores
      ? `, and the server's ${c.server.cores.count} cores run about 2 × ${c.server.cores.count} + 1 = ${ceiling} queries at once`
      : '; the cores-based ceiling (2 × cores + 1 queries at once) is unknown: give --cores, or a target on this machine';
  const evidence = {
    perProcess: c.current?.capText ?? '',
    cap,
    busyOnAverage: needed.perProcess,
    model: needed.model,
    peak: needed.peakPerProcess,
    useful: needed.useful,
    coresCeiling: ceiling,
  };
  const set = `Set ${recommended(c, ...sizeNames(c))}`;
  const capText = `${c.current?.capText} = ${cap} connections per process`;
  switch (problem.kind) {
    case 'oversized':
      return finding(
        'pool-oversized',
        'medium',
        `${capText} is ${fmt(cap / problem.useful)}× what the load can use (${problem.useful} = peak ${needed.steady} + burst ${needed.useful - needed.steady})${coresText}.`,
        `${set}; connections beyond that idle on the server, each holding memory, and under a spike they queue inside the server instead of in the pool.`,
        evidence,
      );
    case 'below-average':
      return finding(
        'pool-undersized',
        'critical',
        `${capText} is below the ${fmt(needed.perProcess)} the load keeps busy on average: requests queue until they time out.`,
        `${set}.`,
        evidence,
      );
    case 'below-peak':
      return finding(
        'pool-undersized',
        'medium',
        `${capText} is below the ${needed.steady} busy at the load's peaks (99.9th percentile, ${needed.model}): requests wait for a connection at busy moments.`,
        `${set}.`,
        evidence,
      );
    case 'overflow-churn':
      return finding(
        'pool-undersized',
        'low',
        `pool_size ${problem.persistent} is below the ${fmt(needed.perProcess)} connections busy on average: overflow connections are opened and closed under normal load.`,
        `Set ${recommended(c, 'pool_size', 'max_overflow')}.`,
        evidence,
      );
    case 'exceeds-server':
      return serverLimit(c, cap, problem);
  }
}

function timeoutCheck(c: Context, cur: EffectivePool): Finding<PoolRuleId> | null {
  const spec = DRIVER_SPECS[c.inputs.driver];
  const written = c.inputs.settings?.values[spec.timeout?.key ?? ''];
  if (c.inputs.driver === 'mysql2') {
    if (cur.timeout === 'set') return null;
    return finding(
      'pool-timeout-missing',
      'medium',
      `mysql2 pools have no acquire timeout: with waitForConnections${cur.timeout === 'disabled' ? '' : ' (the default)'} a checkout waits for ever.`,
      'Bound the wait yourself (a timeout around getConnection) or set queueLimit, so an exhausted pool fails fast.',
      { acquireTimeoutS: null },
    );
  }
  if (c.inputs.driver === 'psycopg2')
    return finding(
      'pool-timeout-missing',
      'low',
      'psycopg2 pools never wait for a connection: when maxconn connections are out, getconn() raises PoolError ("connection pool exhausted") at once.',
      'Size maxconn for the peak, and catch PoolError where getconn() is called (retry with a short backoff, or answer 503), or move to psycopg_pool, which queues with a timeout.',
      { acquireTimeoutS: 0 },
    );
  if (!spec.timeout || cur.timeout === 'set' || cur.timeout === 'unreadable') return null;
  const key = spec.timeout.key;
  const help = `Set ${recommended(c, key)} explicitly, below your request timeout.`;
  if (cur.timeout === 'disabled' && written)
    return finding(
      'pool-timeout-missing',
      'medium',
      `${key}=${sourceText(written)} waits for ever: when the pool is exhausted a checkout hangs until a connection frees, and the request with it.`,
      help,
      { acquireTimeoutS: null, written: sourceText(written) },
    );
  if (cur.acquireTimeoutS === null)
    return finding('pool-timeout-missing', 'medium', `${key} is not set: the default waits for ever when the pool is exhausted.`, help, {
      acquireTimeoutS: null,
    });
  return finding('pool-timeout-missing', 'low', `${key} is not set: the default ${fmt(cur.acquireTimeoutS)} s applies unseen.`, help, {
    acquireTimeoutS: cur.acquireTimeoutS,
  });
}

function recycleCheck(c: Context, cur: EffectivePool): Finding<PoolRuleId> | null {
  const spec = DRIVER_SPECS[c.inputs.driver].recycle;
  if (!spec || cur.recycleS === undefined || cur.recycle === 'unreadable') return null;
  const idle = c.server.idleSessionTimeoutS;
  const written = c.inputs.settings?.values[spec.key];
  const help = `Set ${recommended(c, spec.key) || `${spec.key} below the server's idle timeout`}.`;
  if (cur.recycleS === null) {
    const what =
      cur.recycle === 'disabled' && written ? `${spec.key}=${sourceText(written)} never replaces connections` : `${spec.key} is not set`;
    return finding(
      'pool-recycle-missing',
      'low',
      `${what}: connections live for ever, through failovers and idle cuts by firewalls.`,
      help,
      {
        recycleS: null,
        serverIdleTimeoutS: idle,
      },
    );
  }
  if (idle !== null && idle > 0 && cur.recycleS >= idle)
    return finding(
      'pool-recycle-missing',
      'medium',
      `Connections are recycled after ${fmt(cur.recycleS)} s, but the server closes idle sessions after ${fmt(idle)} s: the pool hands out connections the server already dropped.`,
      help,
      { recycleS: cur.recycleS, serverIdleTimeoutS: idle },
    );
  return null;
}

function settingsChecks(c: Context): Finding<PoolRuleId>[] {
  const cur = c.current;
  if (!cur) return [];
  const out: Array<Finding<PoolRuleId> | null> = [timeoutCheck(c, cur), recycleCheck(c, cur)];
  const prePing = DRIVER_SPECS[c.inputs.driver].prePing;
  if (cur.prePing === false && prePing) {
    out.push(
      finding(
        'pool-pre-ping-missing',
        'low',
        `${prePing.key} is off: a connection the server or network dropped is handed to a request, which then fails.`,
        `Set ${prePing.key}=True (one cheap round trip per checkout).`,
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
  return out.filter((f): f is Finding<PoolRuleId> => f !== null);
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
  problems: readonly SizeProblem[],
): Finding<PoolRuleId>[] {
  const c: Context = { inputs, server, current, recommendation };
  const cap = current?.cap;
  const sized = cap === null || cap === undefined ? [] : problems.map((p) => sizing(c, cap, p));
  const out = [...sized.filter((f): f is Finding<PoolRuleId> => f !== null), ...pooler(c), ...settingsChecks(c)];
  const rank = { critical: 3, medium: 2, low: 1 } as const;
  return out.sort((a, b) => rank[b.severity] - rank[a.severity]);
}
