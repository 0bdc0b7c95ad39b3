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
