import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import type { Queryable } from '../../src/dialects/types.js';

/** Connection settings of the local test server; override with DBDOCTOR_TEST_PG. */
export const TEST_SERVER_URL = process.env.DBDOCTOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A database the test owns, with the SQL helpers the tests need. */
export interface TestDatabase {
  readonly kind: 'server' | 'pglite';
  readonly db: Queryable;
  /** Runs several statements separated by semicolons. */
  exec(sql: string): Promise<void>;
  /** Connection URL for a server database (null for PGlite). */
  readonly url: string | null;
  close(): Promise<void>;
}

let counter = 0;

/** Creates a fresh, uniquely named database on the local server and drops it on close. */
export async function createServerDatabase(): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  const name = `dbdoctor_test_${process.pid}_${Date.now()}_${counter++}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return {
    kind: 'server',
    db: client,
    url: url.toString(),
    exec: async (sql) => {
      await client.query(sql);
    },
    close: async () => {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Creates an in-memory PGlite database. */
export async function createPgliteDatabase(): Promise<TestDatabase> {
  const lite = new PGlite();
  await lite.waitReady;
  return {
    kind: 'pglite',
    db: lite,
    url: null,
    exec: async (sql) => {
      await lite.exec(sql);
    },
    close: async () => {
      await lite.close();
    },
  };
}

/** Both engines, for tests that must hold on a real server and on PGlite alike. */
export const ENGINES = [
  { name: 'postgres server', create: createServerDatabase },
  { name: 'pglite', create: createPgliteDatabase },
] as const;

/**
 * Waits until this database's usage counters stop moving: PostgreSQL 15+ flushes a backend's
 * counters up to a second after its transaction, and before 15 the statistics collector applies
 * them asynchronously, so two reads right after writes can differ. Polls (a fresh snapshot each
 * time) until two reads agree; gives up after ten seconds.
 */
export async function settledStatistics(db: { query(text: string): Promise<{ rows: unknown[] }> }): Promise<void> {
  const read = async (): Promise<string> => {
    await db.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await db.query(
      `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del + seq_scan + coalesce(idx_scan, 0) + n_live_tup), 0)::text AS t,
              (SELECT coalesce(sum(idx_scan + idx_tup_read), 0)::text FROM pg_stat_user_indexes) AS i
         FROM pg_stat_user_tables`,
    );
    return JSON.stringify(rows);
  };
  let last = await read();
  for (let i = 0; i < 15; i++) {
    // Longer than PGSTAT_STAT_INTERVAL (500 ms), the most a backend before 15 holds its counters back.
    await new Promise((r) => setTimeout(r, 700));
    const now = await read();
    if (now === last) return;
    last = now;
  }
}
