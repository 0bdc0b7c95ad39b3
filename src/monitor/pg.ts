import { Patches } from './patches.js';
import type { Recorder } from './recorder.js';
import type { Listener, PgPoolLike, PoolState } from './types.js';

type Fn = (this: unknown, ...args: unknown[]) => unknown;
type Callback = (error: unknown, ...rest: unknown[]) => void;

interface ClientLike {
  query: Fn;
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

  const patchClient = (client: ClientLike): void => {
    if (patches.has(client)) return;
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
          recorder.queryDone(start, sql, values, error, rowsOf(result));
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
          recorder.queryDone(start, sql, values, error, rowsOf(result));
          (callback as Callback)(error, result);
        };
        return original.apply(this, args);
      }
      const result = original.apply(this, args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        // A side branch: the caller's promise still rejects for the caller.
        (result as Promise<unknown>).then(
          (value) => recorder.queryDone(start, sql, values, null, rowsOf(value)),
          (error: unknown) => recorder.queryDone(start, sql, values, error, null),
        );
      } else if (result && typeof (result as { once?: unknown }).once === 'function') {
        (result as { once(event: string, f: () => void): void }).once('end', () => recorder.queryDone(start, sql, values, null, null));
      }
      return result;
    });
  };

  const acquired = (client: unknown, start: number, stack: Error | undefined, leakable: boolean): void => {
    if (client && typeof client === 'object') {
      patchClient(client as ClientLike);
      recorder.acquired(client, start, stack, leakable);
    }
  };

  patches.set(pool, 'connect', function (this: unknown, callback?: unknown) {
    const start = performance.now();
    // Only explicit checkouts can leak; pool.query releases its own.
    const leakable = !insidePoolQuery;
    const stack = leakable && recorder.tracksLeaks ? new Error('connection checked out here') : undefined;
    if (typeof callback === 'function') {
      return originalConnect.call(pool, (error: unknown, client: unknown, done: unknown) => {
        if (error) recorder.acquireFailed(isTimeout(error));
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
        recorder.acquireFailed(isTimeout(error));
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

  const onRelease = (_error: unknown, client: object): void => recorder.released(client);
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
