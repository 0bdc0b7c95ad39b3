import { describeValue, DRIVER_SPECS, type DriverSpec, type SettingSpec } from './drivers.js';
import { fmt } from './math.js';
import type { PoolDriver, PoolSettings, SettingValue } from './types.js';

/**
 * Whether a setting was left to the driver's default, written with a value, written with the
 * value that disables it (`connectionTimeoutMillis: 0`, `pool_timeout=None`: waits for ever;
 * `pool_recycle=-1`: never), or written in a way that cannot be read without running the code.
 */
type SettingState = 'default' | 'set' | 'disabled' | 'unreadable';

/**
 * A pool's behaviour, whatever driver configures it: the settings as written, with each
 * driver's defaults filled in for what is unset. Numbers are null where the setting is a name,
 * an environment lookup or an expression (not readable statically).
 */
export interface EffectivePool {
  readonly driver: PoolDriver;
  /** Connections one process may open at once: null when unknown, Infinity when unlimited. */
  readonly cap: number | null;
  /** How `cap` comes about, e.g. `pool_size 50 + max_overflow 50`. */
  readonly capText: string;
  /** Connections kept open when idle (SQLAlchemy's pool_size, psycopg's min_size): null when unknown. */
  readonly persistent: number | null;
  /** Seconds a checkout waits before failing: null waits for ever. */
  readonly acquireTimeoutS: number | null;
  readonly timeout: SettingState;
  /** Seconds after which a connection is replaced: null never. Undefined: the driver has no such setting. */
  readonly recycleS: number | null | undefined;
  readonly recycle: SettingState;
  /** Whether a connection is tested before use: undefined when the driver has no such setting. */
  readonly prePing: boolean | undefined;
  readonly maxIdentifierLength: number | null;
  /** Settings whose value could not be read statically, as written. */
  readonly unreadable: readonly string[];
}

/** Reads settings by name, with the driver's defaults, and notes what it could not read. */
class Reader {
  readonly unreadable: string[] = [];
  constructor(private readonly values: { readonly [name: string]: SettingValue }) {}

  get(name: string): SettingValue | undefined {
    return this.values[name];
  }

  has(name: string): boolean {
    const v = this.values[name];
    return v !== undefined && v.kind !== 'none';
  }

  /** The number written, the fallback when unset, null when unreadable. `None`/`null` count as written. */
  number(name: string, fallback: number | null): number | null {
    const v = this.values[name];
    if (v === undefined) return fallback;
    if (v.kind === 'number') return v.value;
    if (v.kind === 'string' && /^-?\d+(\.\d+)?$/.test(v.value.trim())) return Number(v.value);
    if (v.kind === 'none') return fallback;
    this.unreadable.push(`${name}=${describeValue(v)}`);
    return null;
  }

  boolean(name: string, fallback: boolean): boolean | null {
    const v = this.values[name];
    if (v === undefined || v.kind === 'none') return fallback;
    if (v.kind === 'boolean') return v.value;
    if (v.kind === 'number') return v.value !== 0;
    if (v.kind === 'string' && /^(true|false)$/i.test(v.value)) return v.value.toLowerCase() === 'true';
    this.unreadable.push(`${name}=${describeValue(v)}`);
    return null;
  }

  text(name: string): string | null {
    const v = this.values[name];
    return v === undefined ? null : v.kind === 'name' ? v.name : v.kind === 'string' ? v.value : null;
  }

  /** A duration setting in seconds, and its state under the driver's rule for 0 / None. */
  duration(spec: SettingSpec): { seconds: number | null; state: SettingState } {
    const v = this.values[spec.key];
    if (v === undefined) return { seconds: spec.default, state: 'default' };
    if (v.kind === 'none') return spec.noneDisables ? { seconds: null, state: 'disabled' } : { seconds: spec.default, state: 'default' };
    const n = this.number(spec.key, null);
    if (n === null) return { seconds: null, state: 'unreadable' };
    if (n === 0 ? spec.zeroDisables : n < 0 && spec.negativeDisables) return { seconds: null, state: 'disabled' };
    return { seconds: n / spec.perSecond, state: 'set' };
  }
}

type Shape = Omit<EffectivePool, 'driver' | 'unreadable'>;

function sqlalchemy(r: Reader, spec: DriverSpec): Shape {
  const poolclass = r.text('poolclass');
  const size = r.number('pool_size', 5);
  const overflow = r.number('max_overflow', 10);
  const nullPool = poolclass !== null && /(^|\.)NullPool$/.test(poolclass);
  // QueuePool treats pool_size=0 and max_overflow=-1 as "no limit".
  const unlimited = nullPool || size === 0 || overflow === -1;
  const cap = unlimited ? Infinity : size === null || overflow === null ? null : size + overflow;
  const capText = nullPool
    ? `poolclass=${poolclass}: a new connection per checkout, no limit`
    : `pool_size ${size ?? '?'} + max_overflow ${overflow ?? '?'}${unlimited ? ' (no limit)' : ''}`;
  return {
    cap,
    capText,
    persistent: nullPool ? 0 : size,
    ...timeoutAndRecycle(r, spec),
    prePing: r.boolean('pool_pre_ping', false) ?? undefined,
    maxIdentifierLength: r.has('max_identifier_length') ? r.number('max_identifier_length', 0) : null,
  };
}

function mysql2(r: Reader): Shape {
  const limit = r.number('connectionLimit', 10);
  const waits = r.boolean('waitForConnections', true);
  return {
    cap: limit === 0 ? Infinity : limit,
    capText: `connectionLimit ${limit ?? '?'}${limit === 0 ? ' (no limit)' : ''}`,
    persistent: r.number('maxIdle', limit ?? 10),
    // mysql2 has no acquire timeout: a checkout either waits for ever or fails at once.
    acquireTimeoutS: waits === false ? 0 : null,
    timeout: waits === false ? 'set' : r.has('waitForConnections') ? 'disabled' : 'default',
    recycleS: undefined,
    recycle: 'default',
    prePing: undefined,
    maxIdentifierLength: null,
  };
}

function timeoutAndRecycle(r: Reader, spec: DriverSpec): Pick<Shape, 'acquireTimeoutS' | 'timeout' | 'recycleS' | 'recycle'> {
  const timeout = spec.timeout ? r.duration(spec.timeout) : { seconds: null, state: 'default' as const };
  const recycle = spec.recycle ? r.duration(spec.recycle) : { seconds: undefined, state: 'default' as const };
  return { acquireTimeoutS: timeout.seconds, timeout: timeout.state, recycleS: recycle.seconds, recycle: recycle.state };
}

/** node-postgres, knex, Sequelize, Prisma, psycopg_pool, Django: one maximum, maybe a minimum. */
function generic(r: Reader, spec: DriverSpec): Shape {
  const min = spec.min ? r.number(spec.min.key, spec.min.default) : 0;
  const maxDefault = spec.max.defaultIsMin ? min : spec.max.default;
  const max = spec.max.key ? r.number(spec.max.key, maxDefault) : null;
  const capText = spec.max.key
    ? `${spec.max.key} ${max === null ? '?' : fmt(max)}${r.has(spec.max.key) ? '' : max === null ? ` (${spec.max.unsetMeans ?? 'unknown'})` : ' (the default)'}`
    : (spec.max.unsetMeans ?? 'unknown');
  return {
    cap: max,
    capText,
    persistent: min,
    ...timeoutAndRecycle(r, spec),
    prePing: spec.prePing ? (r.boolean(spec.prePing.key, spec.prePing.default) ?? undefined) : undefined,
    maxIdentifierLength: null,
  };
}

/** The pool's effective behaviour under its driver's defaults. */
export function effectivePool(settings: PoolSettings): EffectivePool {
  const r = new Reader(settings.values);
  const spec = DRIVER_SPECS[settings.driver];
  const shape = settings.driver === 'sqlalchemy' ? sqlalchemy(r, spec) : settings.driver === 'mysql2' ? mysql2(r) : generic(r, spec);
  return { driver: settings.driver, ...shape, unreadable: [...new Set(r.unreadable)] };
}
