import type { Finding } from '../rules/types.js';
import type { PoolRuleId } from './findings.js';

/** The connection pools dbdoctor knows the settings of. */
export type PoolDriver =
  'sqlalchemy' | 'psycopg-pool' | 'psycopg2' | 'django' | 'node-postgres' | 'mysql2' | 'knex' | 'sequelize' | 'prisma';

/** Every driver, in the order help texts list them. */
export const POOL_DRIVERS: readonly PoolDriver[] = [
  'sqlalchemy',
  'psycopg-pool',
  'psycopg2',
  'django',
  'node-postgres',
  'mysql2',
  'knex',
  'sequelize',
  'prisma',
];

/** The server kinds a pool can point at. */
export type Dialect = 'postgresql' | 'mysql';

/**
 * A setting's value as written in the source, read without running it. `name` is a simple or
 * dotted name (`DATABASE_URL`, `settings.POOL_SIZE`); `expression` is anything else, kept as text.
 */
export type SettingValue =
  | { readonly kind: 'number'; readonly value: number; readonly text: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'name'; readonly name: string }
  /** An environment lookup (`os.getenv("POOL_SIZE", "20")`, `process.env.POOL_MAX ?? 10`): unknown until run. */
  | {
      readonly kind: 'env';
      readonly variable: string;
      readonly fallback: string | null;
      readonly text: string;
      /** Read from a database URL's query (django-environ's `?conn_max_age=`), not written in the code. */
      readonly inUrl?: true;
    }
  | { readonly kind: 'expression'; readonly text: string };

/** Where a pool's settings were read from. */
interface SettingsSource {
  readonly kind: 'python' | 'json' | 'javascript' | 'config' | 'flags' | 'url';
  /** The file, as the user named it. */
  readonly file?: string;
  /** 1-based line of the call or object. */
  readonly line?: number;
  /** What was read: `create_engine(...)`, `new Pool({...})`. */
  readonly what?: string;
}

/** A pool's settings as the application configures them. */
export interface PoolSettings {
  readonly driver: PoolDriver;
  /** Keyword arguments or option properties, by their name in that driver. */
  readonly values: { readonly [name: string]: SettingValue };
  /** Positional arguments (the URL of `create_engine`), as source text. */
  readonly positional: readonly string[];
  readonly source: SettingsSource;
}

/** How many copies of the application run, each with its own pool. */
export interface Deployment {
  /** Instances (hosts, containers, pods); `min < max` when autoscaled. */
  readonly instances: { readonly min: number; readonly max: number };
  /** Processes (workers) per instance, each with a pool. */
  readonly processes: number;
  /** Connections other clients hold (migrations, cron jobs, consoles, replicas' tools). */
  readonly otherConnections: number;
}

/** The load, as average queries in flight across the whole deployment. */
export type Load =
  | {
      readonly kind: 'concurrency';
      readonly inFlight: number;
      readonly expression: string;
      /** `N × fraction` with fraction ≤ 1: N callers, each busy that fraction of the time (at most N in flight). */
      readonly callers?: number;
      readonly fraction?: number;
    }
  | {
      readonly kind: 'littles-law';
      readonly inFlight: number;
      readonly requestsPerSecond: number;
      readonly queriesPerRequest: number;
      readonly queryMs: number;
    };

/** Connections open on the server, grouped. */
export interface ConnectionGroup {
  readonly application: string;
  readonly state: string;
  readonly count: number;
}

/** What a pooler in front of the server looks like from a client. */
export interface PoolerEvidence {
  readonly detected: boolean;
  /** `pgbouncer`, `pgpool`, `proxysql`, `a proxy`: null when nothing was seen. */
  readonly kind: string | null;
  readonly evidence: readonly string[];
}

/** Facts about the server, read from it, given as flags, or assumed from its defaults. */
export interface ServerFacts {
  readonly source: 'server' | 'flags' | 'assumed';
  readonly dialect: Dialect;
  /** The server as it may be shown (no password). */
  readonly name?: string;
  readonly version?: string;
  readonly maxConnections: number;
  readonly superuserReserved: number;
  /** PostgreSQL 16's `reserved_connections` (roles with pg_use_reserved_connections). */
  readonly reserved: number;
  /** Longest identifier the server keeps, in bytes. */
  readonly identifierLimit: number;
  /** The server closes idle sessions after this many seconds (null: never, or unknown). */
  readonly idleSessionTimeoutS: number | null;
  /** Client connections open now, excluding dbdoctor's own (null: not read). */
  readonly connections: readonly ConnectionGroup[] | null;
  readonly pooler: PoolerEvidence | null;
  readonly cores: { readonly count: number; readonly source: 'flag' | 'local machine' } | null;
}

/** Everything the analysis starts from. */
export interface PoolInputs {
  /** The pool as configured; null when only the deployment was given. */
  readonly settings: PoolSettings | null;
  /** The driver recommendations are written for. */
  readonly driver: PoolDriver;
  readonly deployment: Deployment;
  readonly load: Load | null;
  /** The application's `application_name`, to tell its connections from others'. */
  readonly applicationName?: string;
}

/** One recommended setting. `value: null` means "remove it". */
export interface RecommendedSetting {
  readonly name: string;
  readonly value: number | boolean | string | null;
  /** The current value as written (source text), or null when unset. */
  readonly current: string | null;
  /** Why this value: the arithmetic or the reason, one line. */
  readonly why: string;
}

/** Pooler settings (PgBouncer; ProxySQL for MySQL), when no pool size fits the server. */
export interface PoolerAdvice {
  readonly kind: 'pgbouncer' | 'proxysql';
  readonly poolMode: 'transaction';
  readonly defaultPoolSize: number;
  readonly maxClientConn: number;
  readonly why: readonly string[];
}

/** What dbdoctor recommends, with the arithmetic behind it. */
export interface PoolRecommendation {
  readonly driver: PoolDriver;
  /** Connections the load keeps busy: null when no load was given. */
  readonly needed: {
    /** Average queries in flight across the deployment. */
    readonly inFlight: number;
    /** Average busy connections per process, exact (never rounded before the percentile). */
    readonly perProcess: number;
    /** The distribution of busy connections per process: `Poisson, mean 0.45`, `Binomial(26, 0.6)`. */
    readonly model: string;
    /** The 99.9th percentile of busy connections per process. */
    readonly peakPerProcess: number;
    /** Connections per process to keep: the peak, within the cores ceiling. */
    readonly steady: number;
    /** Connections per process worth having: steady plus the burst. */
    readonly useful: number;
  } | null;
  /** Whether the current pool fits the load and the server; `unknown` when its size could not be read. */
  readonly fit: {
    readonly status: 'fits' | 'does-not-fit' | 'unknown' | 'not-checked';
    readonly why: string;
  };
  /** Connections the server lets this application open. */
  readonly budget: {
    readonly available: number;
    readonly other: number;
    readonly pools: number;
    readonly perProcess: number;
  };
  /** Busy connections the server's cores can serve at once (2 × cores + 1). */
  readonly coresCeiling: number | null;
  readonly settings: readonly RecommendedSetting[];
  /** The arithmetic, one step a line. */
  readonly arithmetic: readonly string[];
  /** The configuration to paste. */
  readonly snippet: string;
  readonly pooler: PoolerAdvice | null;
}

/** The result of `dbdoctor pool`: what every reporter renders. */
export interface PoolReport {
  readonly version: 1;
  readonly kind: 'pool';
  readonly inputs: PoolInputs;
  readonly server: ServerFacts;
  readonly recommendation: PoolRecommendation;
  readonly findings: readonly Finding<PoolRuleId>[];
}
