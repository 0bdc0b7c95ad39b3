import { Patches } from './patches.js';
import type { Recorder } from './recorder.js';
import type { Listener, PgPoolLike, PoolState } from './types.js';

type Fn = (this: unknown, ...args: unknown[]) => unknown;
type Callback = (error: unknown, ...rest: unknown[]) => void;

interface ClientLike {
  query: Fn;
  readonly connection?: { on?(event: string, listener: (message: { parameterName?: string; parameterValue?: string }) => void): unknown };
}

/**
 * The server's `standard_conforming_strings` as each client last heard it (true: on; null: not yet).
 * Kept beside the client, not on it: a property added right after construction turns pg's Client into a
 * dictionary-mode object, and every one of pg's own property reads on it slower.
 */
const standardStrings = new WeakMap<object, boolean | null>();

/** Follows `standard_conforming_strings`, which the server reports at startup and on every change. */
function watchStringSyntax(client: ClientLike): void {
  if (standardStrings.has(client) || typeof client.connection?.on !== 'function') return;
  standardStrings.set(client, null);
  client.connection.on('parameterStatus', (message) => {
    if (message.parameterName === 'standard_conforming_strings') standardStrings.set(client, message.parameterValue === 'on');
  });
}

/** Whether a backslash escapes in the client's plain strings; undefined when not known. */
function backslashEscapes(client: unknown): boolean | undefined {
  const on = client && typeof client === 'object' ? standardStrings.get(client) : undefined;
  return on === true ? false : on === false ? true : undefined;
}

function rowsOf(result: unknown): number | null {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return null;
  const count = (result as { rowCount?: unknown }).rowCount;
  return typeof count === 'number' ? count : null;
}

function statementOf(first: unknown): string {
  if (typeof first === 'string') return first;
  const text = first && typeof first === 'object' ? (first as { text?: unknown }).text : undefined;
  return typeof text === 'string' ? text : '';
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && /timeout/i.test(error.message);
}

/** The pool's state from node-postgres' own counters. */
export function pgState(pool: PgPoolLike): PoolState {
  const total = pool.totalCount;
  const idle = pool.idleCount;
  return { idle, used: total - idle, pending: pool.waitingCount, max: pool.options?.max ?? 10 };
}

/**
 * Instruments a node-postgres pool: `connect` (wait time, checkout stack), `query` (so its
 * internal checkouts skip the stack capture) and each client's `query` (duration, slow log).
 * Returns the function that undoes it all.
 */
export function instrumentPg(pool: PgPoolLike, recorder: Recorder): () => void {
  const patches = new Patches();
  const originalConnect: Fn = Reflect.get(pool, 'connect');
  const originalQuery: Fn = Reflect.get(pool, 'query');
  let insidePoolQuery = false;

  // The monitor's own bookkeeping never reaches the application: a bug in it is counted, not thrown.
  recorder.backslashEscapesOf = backslashEscapes;
  const done = (client: unknown, start: number, end: number, sql: string, values: unknown, error: unknown, result: unknown): void => {
    try {
      recorder.queryDone(start, end, sql, values, error, error ? null : rowsOf(result), client);
    } catch (failure) {
      recorder.fail('monitor', failure);
    }
  };

  let active = true;
  /*
   * Clock readings shared by events that happen together, so pool.query costs three readings of the
   * clock instead of five (each costs ~50 ns, most of the monitor's cost): pg-pool's query sends its
   * statement synchronously in the callback that hands it the connection, so the query starts when
   * the checkout ends; and it releases the connection first thing in the query's callback, so the
   * release happens when the query ends. Set only around those two calls of pg-pool's own code;
   * a checkout the application makes itself (`pool.connect()`) reads the clock at each event.
   */
  let internalCheckoutAt = -1;
  let internalQueryEndAt = -1;
  /** The instrumented `query`, calling `originalOf(client)`; after stop() it only passes through. */
  const instrumentedQuery = (originalOf: (client: unknown) => Fn): Fn =>
    function (this: unknown, config?: unknown, second?: unknown, third?: unknown) {
      const original = originalOf(this);
      // eslint-disable-next-line prefer-rest-params
      if (!active) return original.apply(this, arguments as unknown as unknown[]);
      const internal = internalCheckoutAt >= 0;
      const start = internal ? internalCheckoutAt : performance.now();
      internalCheckoutAt = -1;
      const sql = typeof config === 'string' ? config : statementOf(config);
      const values = Array.isArray(second)
        ? second
        : typeof config === 'object' && config !== null
          ? (config as { values?: unknown }).values
          : undefined;
      // pool.query's own call, (text, values, callback): the hot path, without touching `arguments`.
      if (arguments.length === 3 && typeof third === 'function') {
        return original.call(this, config, second, (error: unknown, result: unknown) => {
          const end = performance.now();
          done(this, start, end, sql, values, error, result);
          if (!internal) return (third as Callback)(error, result);
          internalQueryEndAt = end;
          try {
            (third as Callback)(error, result);
          } finally {
            internalQueryEndAt = -1;
          }
        });
      }
      // Any other form: pass exactly the arguments given, the callback (if last) wrapped.
      // eslint-disable-next-line prefer-rest-params
      const args = Array.prototype.slice.call(arguments) as unknown[];
      const last = args.length - 1;
      const callback = args[last];
      if (last > 0 && typeof callback === 'function') {
        args[last] = (error: unknown, result: unknown) => {
          done(this, start, performance.now(), sql, values, error, result);
          (callback as Callback)(error, result);
        };
        return original.apply(this, args);
      }
      const result = original.apply(this, args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        // A side branch: the caller's promise still rejects for the caller.
        (result as Promise<unknown>).then(
          (value) => done(this, start, performance.now(), sql, values, null, value),
          (error: unknown) => done(this, start, performance.now(), sql, values, error, null),
        );
      } else if (result && typeof (result as { once?: unknown }).once === 'function') {
        (result as { once(event: string, f: () => void): void }).once('end', () =>
          done(this, start, performance.now(), sql, values, null, null),
        );
      }
      return result;
    };

  /*
   * Clients the pool makes from now on are instances of a subclass whose prototype carries the
   * instrumented `query`: nothing is added to the client itself. (Assigning an own `query` to a pg
   * Client turns it into a dictionary-mode object, which slows pg's own code on every query.) They are
   * also watched from their first message, so the server's string syntax is known.
   */
  const OriginalClient = pool.Client;
  let watchedPrototype: object | null = null;
  if (typeof OriginalClient === 'function') {
    const base = OriginalClient.prototype as { query?: Fn };
    const WatchedClient = function (this: unknown, ...args: unknown[]): object {
      const client = Reflect.construct(OriginalClient, args, new.target ?? WatchedClient) as ClientLike;
      watchStringSyntax(client);
      return client;
    } as unknown as Fn & { prototype: object };
    Object.setPrototypeOf(WatchedClient, OriginalClient);
    // The base's query is read at each call, so a later wrapper on pg's prototype (a tracer) still runs.
    WatchedClient.prototype = Object.create(base, {
      query: { value: instrumentedQuery(() => base.query as Fn), writable: true, configurable: true },
    }) as object;
    watchedPrototype = WatchedClient.prototype;
    patches.set(pool, 'Client', WatchedClient);
  }

  // A client that was open before the monitor gets an own `query`, put back by stop(); one made by this
  // monitor's subclass (or a later monitor's, which extends it) already runs the instrumented query.
  const patched = new WeakSet<object>();
  const patchClient = (client: ClientLike): void => {
    if ((watchedPrototype && Object.prototype.isPrototypeOf.call(watchedPrototype, client)) || patched.has(client)) return;
    patched.add(client);
    patches.onRestore(client, () => patched.delete(client));
    watchStringSyntax(client);
    const original = client.query;
    patches.set(
      client,
      'query',
      instrumentedQuery(() => original),
    );
  };

  /** Records a checkout; returns the clock reading taken, or -1. */
  const acquired = (client: unknown, start: number, stack: Error | undefined, leakable: boolean): number => {
    if (!client || typeof client !== 'object') return -1;
    try {
      patchClient(client as ClientLike);
      return recorder.acquired(client, start, stack, leakable);
    } catch (failure) {
      recorder.fail('monitor', failure);
      return -1;
    }
  };
  const acquireFailed = (error: unknown): void => {
    try {
      recorder.acquireFailed(isTimeout(error));
    } catch (failure) {
      recorder.fail('monitor', failure);
    }
  };

  patches.set(pool, 'connect', function (this: unknown, callback?: unknown) {
    const start = performance.now();
    // Only explicit checkouts can leak; pool.query releases its own.
    const leakable = !insidePoolQuery;
    const stack = leakable && recorder.tracksLeaks ? new Error('connection checked out here') : undefined;
    if (typeof callback === 'function') {
      return originalConnect.call(pool, (error: unknown, client: unknown, done: unknown) => {
        if (error) acquireFailed(error);
        else {
          const at = acquired(client, start, stack, leakable);
          // pool.query's own checkout: its statement is sent within this call (see internalCheckoutAt).
          if (!leakable) {
            internalCheckoutAt = at;
            try {
              (callback as Callback)(error, client, done);
            } finally {
              internalCheckoutAt = -1;
            }
            return;
          }
        }
        (callback as Callback)(error, client, done);
      });
    }
    return (originalConnect.call(pool) as Promise<unknown>).then(
      (client) => {
        acquired(client, start, stack, leakable);
        return client;
      },
      (error: unknown) => {
        acquireFailed(error);
        throw error;
      },
    );
  });
  patches.set(pool, 'query', function (this: unknown) {
    // pg-pool's query calls this.connect synchronously; the flag marks that checkout as internal.
    insidePoolQuery = true;
    try {
      // eslint-disable-next-line prefer-rest-params
      return originalQuery.apply(pool, arguments as unknown as unknown[]);
    } finally {
      insidePoolQuery = false;
    }
  });

  const onRelease = (_error: unknown, client: object): void => {
    try {
      // Within an internal query's callback, pg-pool's release comes first: the query's end is its time.
      const at = internalQueryEndAt >= 0 ? internalQueryEndAt : performance.now();
      internalQueryEndAt = -1;
      recorder.released(client, at);
    } catch (failure) {
      recorder.fail('monitor', failure);
    }
  };
  const onConnect: Listener = (): void => {
    recorder.connectionsCreated++;
  };
  // A removed client is closed: forget it, so a long-running pool does not pile up references.
  const onRemove = (client: object): void => patches.forget(client);
  pool.on('release', onRelease as Listener);
  pool.on('connect', onConnect);
  pool.on('remove', onRemove as Listener);
  return () => {
    active = false;
    pool.removeListener('release', onRelease as Listener);
    pool.removeListener('connect', onConnect);
    pool.removeListener('remove', onRemove as Listener);
    patches.restore();
  };
}
