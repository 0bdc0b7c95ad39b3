import { Patches } from './patches.js';
import type { Recorder } from './recorder.js';
import type { Listener, PgPoolLike, PoolState } from './types.js';

type Fn = (this: unknown, ...args: unknown[]) => unknown;
type Callback = (error: unknown, ...rest: unknown[]) => void;

interface ClientLike {
  query: Fn;
  readonly connection?: { on?(event: string, listener: (message: { parameterName?: string; parameterValue?: string }) => void): unknown };
}

/** The server's `standard_conforming_strings` as the client last heard it (true: on); absent when unknown. */
const STANDARD_STRINGS = Symbol('dbdoctor.monitor.standardConformingStrings');
type Watched = { [STANDARD_STRINGS]?: boolean | null };

/** Follows `standard_conforming_strings`, which the server reports at startup and on every change. */
function watchStringSyntax(client: ClientLike & Watched): void {
  if (STANDARD_STRINGS in client || typeof client.connection?.on !== 'function') return;
  client[STANDARD_STRINGS] = null;
  client.connection.on('parameterStatus', (message) => {
    if (message.parameterName === 'standard_conforming_strings') client[STANDARD_STRINGS] = message.parameterValue === 'on';
  });
}

/** Whether a backslash escapes in the client's plain strings; undefined when not known. */
function backslashEscapes(client: unknown): boolean | undefined {
  const on = (client as Watched | null)?.[STANDARD_STRINGS];
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
  const originalConnect = pool.connect as Fn;
  const originalQuery = pool.query as Fn;
  let insidePoolQuery = false;

  // The monitor's own bookkeeping never reaches the application: a bug in it is counted, not thrown.
  const done = (client: unknown, start: number, sql: string, values: unknown, error: unknown, result: unknown): void => {
    try {
      recorder.queryDone(start, sql, values, error, error ? null : rowsOf(result), backslashEscapes(client));
    } catch (failure) {
      recorder.fail('monitor', failure);
    }
  };

  // A mark on the client, read on every checkout: one property load where a Map lookup hashes the object.
  const patched = Symbol('dbdoctor.monitor.patched');
  const patchClient = (client: ClientLike & { [patched]?: true }): void => {
    if (client[patched]) return;
    client[patched] = true;
    patches.onRestore(client, () => delete client[patched]);
    watchStringSyntax(client);
    const original = client.query;
    patches.set(client, 'query', function (this: unknown, config?: unknown, second?: unknown, third?: unknown) {
      const start = performance.now();
      const sql = typeof config === 'string' ? config : statementOf(config);
      const values = Array.isArray(second)
        ? second
        : typeof config === 'object' && config !== null
          ? (config as { values?: unknown }).values
          : undefined;
      // pool.query's own call, (text, values, callback): the hot path, without touching `arguments`.
      if (arguments.length === 3 && typeof third === 'function') {
        return original.call(this, config, second, (error: unknown, result: unknown) => {
          done(this, start, sql, values, error, result);
          (third as Callback)(error, result);
        });
      }
      // Any other form: pass exactly the arguments given, the callback (if last) wrapped.
      // eslint-disable-next-line prefer-rest-params
      const args = Array.prototype.slice.call(arguments) as unknown[];
      const last = args.length - 1;
      const callback = args[last];
      if (last > 0 && typeof callback === 'function') {
        args[last] = (error: unknown, result: unknown) => {
          done(this, start, sql, values, error, result);
          (callback as Callback)(error, result);
        };
        return original.apply(this, args);
      }
      const result = original.apply(this, args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        // A side branch: the caller's promise still rejects for the caller.
        (result as Promise<unknown>).then(
          (value) => done(this, start, sql, values, null, value),
          (error: unknown) => done(this, start, sql, values, error, null),
        );
      } else if (result && typeof (result as { once?: unknown }).once === 'function') {
        (result as { once(event: string, f: () => void): void }).once('end', () => done(this, start, sql, values, null, null));
      }
      return result;
    });
  };

  const acquired = (client: unknown, start: number, stack: Error | undefined, leakable: boolean): void => {
    if (!client || typeof client !== 'object') return;
    try {
      patchClient(client as ClientLike);
      recorder.acquired(client, start, stack, leakable);
    } catch (failure) {
      recorder.fail('monitor', failure);
    }
  };
  const acquireFailed = (error: unknown): void => {
    try {
      recorder.acquireFailed(isTimeout(error));
    } catch (failure) {
      recorder.fail('monitor', failure);
    }
  };

  // Clients made from now on are watched from their first message, so the server's string syntax is known.
  const OriginalClient = pool.Client;
  if (typeof OriginalClient === 'function') {
    const WatchedClient = function (this: unknown, ...args: unknown[]): object {
      const client = Reflect.construct(OriginalClient, args, new.target ?? WatchedClient) as ClientLike;
      watchStringSyntax(client);
      return client;
    } as unknown as Fn & { prototype: object };
    Object.setPrototypeOf(WatchedClient, OriginalClient);
    WatchedClient.prototype = OriginalClient.prototype;
    patches.set(pool, 'Client', WatchedClient);
  }

  patches.set(pool, 'connect', function (this: unknown, callback?: unknown) {
    const start = performance.now();
    // Only explicit checkouts can leak; pool.query releases its own.
    const leakable = !insidePoolQuery;
    const stack = leakable && recorder.tracksLeaks ? new Error('connection checked out here') : undefined;
    if (typeof callback === 'function') {
      return originalConnect.call(pool, (error: unknown, client: unknown, done: unknown) => {
        if (error) acquireFailed(error);
        else acquired(client, start, stack, leakable);
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
      recorder.released(client);
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
    pool.removeListener('release', onRelease as Listener);
    pool.removeListener('connect', onConnect);
    pool.removeListener('remove', onRemove as Listener);
    patches.restore();
  };
}
