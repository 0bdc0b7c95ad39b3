import { sourceText } from './read-settings.js';
import type { PoolDriver, PoolSettings, SettingValue } from './types.js';

/**
 * A pool's behaviour, whatever driver configures it: the settings as written, with each
 * driver's defaults filled in for what is unset. Numbers are null where the setting is a name
 * or an expression (not readable statically).
 */
export interface EffectivePool {
  readonly driver: PoolDriver;
  /** Connections one process may open at once: null when unknown, Infinity when unlimited. */
  readonly cap: number | null;
  /** How `cap` comes about, e.g. `pool_size 50 + max_overflow 50`. */
  readonly capText: string;
  /** Connections kept open when idle (SQLAlchemy's pool_size): null when unknown. */
  readonly persistent: number | null;
  /** Seconds a checkout waits before failing: null waits forever. */
  readonly acquireTimeoutS: number | null;
  readonly timeoutSet: boolean;
  /** Seconds after which a connection is replaced: null never. Undefined: the driver has no such setting. */
  readonly recycleS: number | null | undefined;
  readonly recycleSet: boolean;
  /** Whether a connection is tested before use: undefined when the driver has no such setting. */
  readonly prePing: boolean | undefined;
  readonly maxIdentifierLength: number | null;
  /** Settings whose value could not be read statically. */
  readonly unreadable: readonly string[];
}

interface Reader {
  has(name: string): boolean;
  number(name: string, fallback: number): number | null;
  boolean(name: string, fallback: boolean): boolean | null;
  text(name: string): string | null;
  readonly unreadable: string[];
}

function reader(values: { readonly [name: string]: SettingValue }): Reader {
  const unreadable: string[] = [];
  const get = (name: string): SettingValue | undefined => values[name];
  return {
    unreadable,
    has: (name) => get(name) !== undefined && get(name)?.kind !== 'none',
    number(name, fallback) {
      const v = get(name);
      if (v === undefined || v.kind === 'none') return fallback;
      if (v.kind === 'number') return v.value;
      if (v.kind === 'string' && /^-?\d+(\.\d+)?$/.test(v.value.trim())) return Number(v.value);
      unreadable.push(`${name}=${sourceText(v)}`);
      return null;
    },
    boolean(name, fallback) {
      const v = get(name);
      if (v === undefined || v.kind === 'none') return fallback;
      if (v.kind === 'boolean') return v.value;
      if (v.kind === 'number') return v.value !== 0;
      unreadable.push(`${name}=${sourceText(v)}`);
      return null;
    },
    text(name) {
      const v = get(name);
      return v === undefined ? null : v.kind === 'name' ? v.name : v.kind === 'string' ? v.value : sourceText(v);
    },
  };
}

function sqlalchemy(r: Reader): Omit<EffectivePool, 'driver' | 'unreadable'> {
  const poolclass = r.text('poolclass');
  const size = r.number('pool_size', 5);
  const overflow = r.number('max_overflow', 10);
  const timeout = r.number('pool_timeout', 30);
  const recycle = r.number('pool_recycle', -1);
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
    acquireTimeoutS: timeout,
    timeoutSet: r.has('pool_timeout'),
    recycleS: recycle === null ? null : recycle < 0 ? null : recycle,
    recycleSet: r.has('pool_recycle') && recycle !== null && recycle >= 0,
    prePing: r.boolean('pool_pre_ping', false) ?? undefined,
    maxIdentifierLength: r.has('max_identifier_length') ? r.number('max_identifier_length', 0) : null,
  };
}

function nodePostgres(r: Reader): Omit<EffectivePool, 'driver' | 'unreadable'> {
  const max = r.number('max', 10);
  const timeoutMs = r.number('connectionTimeoutMillis', 0);
  const lifetime = r.number('maxLifetimeSeconds', 0);
  return {
    cap: max,
    capText: `max ${max ?? '?'}`,
    persistent: r.number('min', 0),
    acquireTimeoutS: timeoutMs === null || timeoutMs <= 0 ? null : timeoutMs / 1000,
    timeoutSet: timeoutMs !== null && timeoutMs > 0,
    recycleS: lifetime === null || lifetime <= 0 ? null : lifetime,
    recycleSet: lifetime !== null && lifetime > 0,
    prePing: undefined,
    maxIdentifierLength: null,
  };
}

function mysql2(r: Reader): Omit<EffectivePool, 'driver' | 'unreadable'> {
  const limit = r.number('connectionLimit', 10);
  const waits = r.boolean('waitForConnections', true);
  return {
    cap: limit === 0 ? Infinity : limit,
    capText: `connectionLimit ${limit ?? '?'}${limit === 0 ? ' (no limit)' : ''}`,
    persistent: r.number('maxIdle', limit ?? 10),
    // mysql2 has no acquire timeout: a checkout either waits for ever or fails at once.
    acquireTimeoutS: waits === false ? 0 : null,
    timeoutSet: waits === false,
    recycleS: undefined,
    recycleSet: false,
    prePing: undefined,
    maxIdentifierLength: null,
  };
}

/** The pool's effective behaviour under its driver's defaults. */
export function effectivePool(settings: PoolSettings): EffectivePool {
  const r = reader(settings.values);
  const shape = settings.driver === 'sqlalchemy' ? sqlalchemy(r) : settings.driver === 'node-postgres' ? nodePostgres(r) : mysql2(r);
  return { driver: settings.driver, ...shape, unreadable: [...new Set(r.unreadable)] };
}
