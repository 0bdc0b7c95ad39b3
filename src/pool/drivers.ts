/**
 * What dbdoctor knows of each pool it reads: the names of its settings, their units, their
 * defaults, and which written values disable them (a 0 timeout waits for ever). The defaults are
 * the libraries' documented ones.
 */
import { sourceText } from './read-settings.js';
import type { PoolDriver, SettingValue } from './types.js';

/** A duration setting: its name, its unit and what 0, negative or None means. */
export interface SettingSpec {
  readonly key: string;
  /** Units per second: 1000 for milliseconds. */
  readonly perSecond: number;
  /** Seconds when unset; null: for ever / never. */
  readonly default: number | null;
  readonly zeroDisables?: boolean;
  readonly negativeDisables?: boolean;
  readonly noneDisables?: boolean;
}

/** A driver's settings, by role. */
export interface DriverSpec {
  readonly label: string;
  readonly language: 'python' | 'javascript';
  /** The per-process connection cap. `key: null` when the driver has none (Django: one per thread). */
  readonly max: {
    readonly key: string | null;
    readonly default: number | null;
    readonly defaultIsMin?: boolean;
    readonly unsetMeans?: string;
  };
  readonly min?: { readonly key: string; readonly default: number };
  readonly timeout?: SettingSpec;
  readonly recycle?: SettingSpec;
  readonly idle?: SettingSpec;
  readonly prePing?: { readonly key: string; readonly default: boolean };
}

/** Every driver's settings. SQLAlchemy's and mysql2's caps are computed in effective.ts. */
export const DRIVER_SPECS: { readonly [D in PoolDriver]: DriverSpec } = {
  sqlalchemy: {
    label: 'SQLAlchemy',
    language: 'python',
    max: { key: 'pool_size', default: 5 },
    timeout: { key: 'pool_timeout', perSecond: 1, default: 30, noneDisables: true },
    recycle: { key: 'pool_recycle', perSecond: 1, default: null, negativeDisables: true },
    prePing: { key: 'pool_pre_ping', default: false },
  },
  'psycopg-pool': {
    label: 'psycopg_pool',
    language: 'python',
    min: { key: 'min_size', default: 4 },
    max: { key: 'max_size', default: 4, defaultIsMin: true },
    timeout: { key: 'timeout', perSecond: 1, default: 30 },
    recycle: { key: 'max_lifetime', perSecond: 1, default: 3600 },
    idle: { key: 'max_idle', perSecond: 1, default: 600 },
  },
  // psycopg2.pool (SimpleConnectionPool, ThreadedConnectionPool): minconn and maxconn are required;
  // getconn() never waits (it raises PoolError when maxconn connections are out), and putconn()
  // closes a returned connection once minconn are kept idle (psycopg2 docs, "psycopg2.pool").
  psycopg2: {
    label: 'psycopg2.pool',
    language: 'python',
    min: { key: 'minconn', default: 0 },
    max: { key: 'maxconn', default: null, unsetMeans: 'a required argument of the pool' },
  },
  django: {
    label: 'Django',
    language: 'python',
    max: { key: null, default: null, unsetMeans: 'one connection per worker thread' },
    // CONN_MAX_AGE=None keeps connections for ever; 0 (the default) closes them after each request.
    recycle: { key: 'CONN_MAX_AGE', perSecond: 1, default: 0, noneDisables: true },
    prePing: { key: 'CONN_HEALTH_CHECKS', default: false },
  },
  'node-postgres': {
    label: 'node-postgres',
    language: 'javascript',
    max: { key: 'max', default: 10 },
    min: { key: 'min', default: 0 },
    timeout: { key: 'connectionTimeoutMillis', perSecond: 1000, default: null, zeroDisables: true },
    recycle: { key: 'maxLifetimeSeconds', perSecond: 1, default: null, zeroDisables: true },
    idle: { key: 'idleTimeoutMillis', perSecond: 1000, default: 10, zeroDisables: true },
  },
  mysql2: {
    label: 'mysql2',
    language: 'javascript',
    max: { key: 'connectionLimit', default: 10 },
    idle: { key: 'idleTimeout', perSecond: 1000, default: 60 },
  },
  knex: {
    label: 'knex',
    language: 'javascript',
    max: { key: 'max', default: 10 },
    min: { key: 'min', default: 2 },
    // knex's acquireConnectionTimeout (60 s) applies unless the pool sets its own.
    timeout: { key: 'acquireTimeoutMillis', perSecond: 1000, default: 60 },
    idle: { key: 'idleTimeoutMillis', perSecond: 1000, default: 30 },
  },
  sequelize: {
    label: 'Sequelize',
    language: 'javascript',
    max: { key: 'max', default: 5 },
    min: { key: 'min', default: 0 },
    timeout: { key: 'acquire', perSecond: 1000, default: 60 },
    idle: { key: 'idle', perSecond: 1000, default: 10 },
  },
  prisma: {
    label: 'Prisma',
    language: 'javascript',
    max: { key: 'connection_limit', default: null, unsetMeans: "Prisma's default, 2 × the application host's CPUs + 1" },
    timeout: { key: 'pool_timeout', perSecond: 1, default: 10, zeroDisables: true },
  },
};

/** A value as written, with where an environment lookup reads from. */
export function describeValue(value: SettingValue): string {
  if (value.kind !== 'env') return sourceText(value);
  return `${value.text} (reads $${value.variable} at run time${value.fallback === null ? '' : `, ${value.fallback} when unset`})`;
}
