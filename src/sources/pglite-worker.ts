/**
 * PGlite in a worker thread, so a statement that never ends can be stopped. PGlite runs
 * PostgreSQL in WebAssembly on the thread that calls it and ignores statement_timeout (it has
 * no timer signals): a schema file whose default calls `pg_sleep(100)`, or a loop in a DO
 * block, would hold the process. Here each request has a deadline; past it the worker is
 * terminated and the caller gets a {@link WorkerTimeoutError}.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Queryable } from '../dialects/types.js';

/** A request took longer than its deadline; the worker (and its database) is gone. */
export class WorkerTimeoutError extends Error {
  override readonly name = 'WorkerTimeoutError';
}

/** An error PostgreSQL raised, with its SQLSTATE. */
class WorkerDatabaseError extends Error {
  override readonly name = 'WorkerDatabaseError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/*
 * The worker's code, as CommonJS run with `eval`: it has no file to find, so it runs the same
 * from the sources (tests) and from the build. It only forwards requests to PGlite.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { PGlite } = require(workerData.pglite);
  const extensions = {};
  for (const e of workerData.extensions) extensions[e.key] = require(e.path)[e.exportName];
  const db = await PGlite.create({ extensions });
  parentPort.postMessage({ id: 0 });
  parentPort.on('message', async (m) => {
    try {
      if (m.op === 'close') { await db.close(); parentPort.postMessage({ id: m.id }); return; }
      const r = m.op === 'exec' ? (await db.exec(m.sql)).at(-1) ?? { rows: [] }
        : await db.query(m.sql, m.params ?? [], m.data !== undefined ? { blob: new Blob([m.data]) } : undefined);
      parentPort.postMessage({ id: m.id, rows: r.rows });
    } catch (e) {
      parentPort.postMessage({ id: m.id, error: { message: e && e.message ? e.message : String(e), code: e && e.code } });
    }
  });
})().catch((e) => parentPort.postMessage({ id: 0, error: { message: e && e.message ? e.message : String(e) } }));
`;

interface Reply {
  readonly id: number;
  readonly rows?: unknown[];
  readonly error?: { readonly message: string; readonly code?: string };
}

/** PGlite in a worker thread; every request has a deadline. */
export class PGliteWorker implements Queryable {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      waiting?.resolve(reply);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', () => this.fail(this.failure ?? new Error('the PGlite worker stopped')));
  }

  /**
   * Starts PGlite with the given contrib extensions, by module name (`uuid_ossp`, from
   * `@electric-sql/pglite/contrib/<module>`).
   * `startupMs` bounds the start (PGlite's initdb takes seconds on a busy machine).
   */
  static async start(extensions: readonly string[], startupMs: number): Promise<PGliteWorker> {
    const require = createRequire(import.meta.url);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        pglite: require.resolve('@electric-sql/pglite'),
        extensions: extensions.map((module) => ({
          key: module,
          path: require.resolve(`@electric-sql/pglite/contrib/${module}`),
          exportName: module,
        })),
      },
    });
    const db = new PGliteWorker(worker);
    const ready = new Promise<Reply>((resolve, reject) => db.pending.set(0, { resolve, reject }));
    const reply = await db.deadline(ready, startupMs, `PGlite did not start within ${startupMs / 1000}s`);
    if (reply.error) {
      await worker.terminate();
      throw new Error(`PGlite could not start: ${reply.error.message}`);
    }
    return db;
  }

  /** Runs one statement through the simple query protocol (no parameters); the last result's rows. */
  exec(sql: string, timeoutMs: number): Promise<{ rows: unknown[] }> {
    return this.request({ op: 'exec', sql }, timeoutMs);
  }

  /** Runs `COPY … FROM '/dev/blob'` with `data` as the file's content. */
  copy(sql: string, data: string, timeoutMs: number): Promise<{ rows: unknown[] }> {
    return this.request({ op: 'query', sql, data }, timeoutMs);
  }

  /** Queryable: a query with parameters, within the deadline given at creation by {@link setQueryTimeout}. */
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> {
    return this.request({ op: 'query', sql: text, params: params ?? [] }, this.queryTimeoutMs);
  }

  private queryTimeoutMs = 60_000;

  /** The deadline of {@link query} calls. */
  setQueryTimeout(ms: number): void {
    this.queryTimeoutMs = ms;
  }

  /** Closes the database and stops the worker. */
  async close(): Promise<void> {
    if (this.failure === null) await this.request({ op: 'close' }, 10_000).catch(() => undefined);
    await this.worker.terminate();
  }

  private async request(message: Record<string, unknown>, timeoutMs: number): Promise<{ rows: unknown[] }> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.worker.postMessage({ ...message, id });
    const answer = await this.deadline(reply, timeoutMs, `did not finish within ${formatSeconds(timeoutMs)}`);
    if (answer.error) throw new WorkerDatabaseError(answer.error.message, answer.error.code);
    return { rows: answer.rows ?? [] };
  }

  private async deadline(reply: Promise<Reply>, ms: number, message: string): Promise<Reply> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new WorkerTimeoutError(message);
        this.fail(error);
        void this.worker.terminate();
        reject(error);
      }, ms);
    });
    try {
      return await Promise.race([reply, expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
