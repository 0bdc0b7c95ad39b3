import { Patches } from './patches.js';
import type { Recorder } from './recorder.js';
import type { Listener, MysqlPoolLike, PoolState } from './types.js';

type Fn = (this: unknown, ...args: unknown[]) => unknown;
type Callback = (error: unknown, ...rest: unknown[]) => void;

/**
 * mysql2's core pool. Its queues are private fields, but the only place the pool's state is
 * kept; they have been stable across mysql2 2.x and 3.x.
 */
export interface MysqlCorePool extends MysqlPoolLike {
  query: Fn;
  execute: Fn;
  readonly config: {
    readonly connectionLimit: number;
    readonly connectionConfig: { readonly host?: string; readonly port?: number; readonly database?: string };
  };
  readonly _allConnections: { readonly length: number };
  readonly _freeConnections: { readonly length: number };
  readonly _connectionQueue: { readonly length: number };
}

interface ConnectionLike {
  query: Fn;
  execute: Fn;
  release: Fn;
  destroy: Fn;
  once(event: string, listener: () => void): unknown;
  removeListener(event: string, listener: () => void): unknown;
}

/** The core pool behind a callback pool or a `mysql2/promise` pool; null when it is neither. */
export function mysqlCorePool(pool: object): MysqlCorePool | null {
  const isCore = (p: unknown): p is MysqlCorePool =>
    !!p && typeof p === 'object' && typeof (p as MysqlCorePool).getConnection === 'function' && '_allConnections' in p && 'config' in p;
  if (isCore(pool)) return pool;
  const inner = (pool as { pool?: unknown }).pool;
  return isCore(inner) ? inner : null;
}

export function mysqlState(pool: MysqlCorePool): PoolState {
  const all = pool._allConnections.length;
  const idle = pool._freeConnections.length;
  const limit = pool.config.connectionLimit;
  return { idle, used: all - idle, pending: pool._connectionQueue.length, max: limit === 0 ? Infinity : limit };
}

function rowsOf(rows: unknown): number | null {
  if (Array.isArray(rows)) return rows.length;
  const affected = rows && typeof rows === 'object' ? (rows as { affectedRows?: unknown }).affectedRows : undefined;
  return typeof affected === 'number' ? affected : null;
}

function statementOf(first: unknown): string {
  if (typeof first === 'string') return first;
  const sql = first && typeof first === 'object' ? (first as { sql?: unknown }).sql : undefined;
  return typeof sql === 'string' ? sql : '';
}

// An exhausted pool that does not wait fails with these; mysql2 has no acquire timeout of its own.
function isTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    /No connections available|Queue limit reached|ETIMEDOUT|timeout/i.test(`${error.message} ${(error as { code?: string }).code ?? ''}`)
  );
}

/** Instruments a mysql2 core pool; returns the function that undoes it all. */
export function instrumentMysql(pool: MysqlCorePool, recorder: Recorder): () => void {
  const patches = new Patches();
  let internal = false;

  // The monitor's own bookkeeping never reaches the application: a bug in it is counted, not thrown.
  const guard = (f: () => void): void => {
    try {
      f();
    } catch (failure) {
      recorder.fail('monitor', failure);
    }
  };

  const timed = (original: Fn) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const start = performance.now();
      const sql = statementOf(args[0]);
      const values = Array.isArray(args[1]) ? args[1] : (args[0] as { values?: unknown } | undefined)?.values;
      const command = original.apply(this, args) as { onResult?: unknown; once?: unknown } | undefined;
      if (command && typeof command.onResult === 'function') {
        const onResult = command.onResult as Fn;
        command.onResult = function (this: unknown, error: unknown, rows: unknown, fields: unknown) {
          guard(() => recorder.queryDone(start, performance.now(), sql, values, error, error ? null : rowsOf(rows)));
          return onResult.call(this, error, rows, fields);
        };
      } else if (command && typeof command.once === 'function') {
        (command as { once(event: string, f: () => void): void }).once('end', () =>
          guard(() => recorder.queryDone(start, performance.now(), sql, values, null, null)),
        );
      }
      return command;
    };

  const patchConnection = (conn: ConnectionLike): void => {
    if (patches.has(conn)) return;
    const { query, execute, release, destroy } = conn;
    patches.set(conn, 'query', timed(query));
    patches.set(conn, 'execute', timed(execute));
    patches.set(conn, 'release', function (this: unknown, ...args: unknown[]) {
      guard(() => recorder.released(conn, performance.now()));
      return release.apply(this, args);
    });
    patches.set(conn, 'destroy', function (this: unknown, ...args: unknown[]) {
      guard(() => recorder.released(conn, performance.now()));
      return destroy.apply(this, args);
    });
    // A connection that ends leaves the pool: forget it so references do not pile up.
    const onEnd = (): void => patches.forget(conn);
    conn.once('end', onEnd);
    patches.onRestore(conn, () => conn.removeListener('end', onEnd));
  };

  const getConnection: Fn = Reflect.get(pool, 'getConnection');
  patches.set(pool, 'getConnection', function (this: unknown, ...args: unknown[]) {
    const start = performance.now();
    const leakable = !internal;
    const stack = leakable && recorder.tracksLeaks ? new Error('connection checked out here') : undefined;
    const callback = args[0];
    return getConnection.call(pool, (error: unknown, conn: ConnectionLike | undefined) => {
      guard(() => {
        if (error || !conn) recorder.acquireFailed(isTimeout(error));
        else {
          patchConnection(conn);
          recorder.acquired(conn, start, stack, leakable);
        }
      });
      if (typeof callback === 'function') (callback as Callback)(error, conn);
    });
  });
  for (const method of ['query', 'execute'] as const) {
    const original = pool[method];
    patches.set(pool, method, function (this: unknown, ...args: unknown[]) {
      // The pool's own query/execute check out synchronously and release themselves.
      internal = true;
      try {
        return original.apply(pool, args);
      } finally {
        internal = false;
      }
    });
  }
  const onConnection: Listener = (): void => {
    recorder.connectionsCreated++;
  };
  pool.on('connection', onConnection);
  return () => {
    pool.removeListener('connection', onConnection);
    patches.restore();
  };
}
