/**
 * One fresh database per rule-tester case, on the engines that are not PostgreSQL: a database of
 * its own on a MariaDB server (the local one, or a throwaway one), or a SQLite file of its own in a
 * temporary folder. Each knows how to run a case's SQL, how to run a fix's statements the way a
 * migration would, and how to read back the catalog that a fix and its way back must restore.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Fix } from '../../src/rules/types.js';
import { createMysqlDatabase, type TestMysqlDatabase } from '../dialects/mysql/helpers.js';
import { temporaryFolder } from '../dialects/sqlite/helpers.js';

/** The engines the dialect rule tester runs on. */
export type Dialect = 'mysql' | 'sqlite';

/** A database that one case owns. */
export interface CaseDatabase {
  /** The schema findings name: the MariaDB database, or `main` for SQLite. */
  readonly schema: string;
  /** What `dbdoctor audit` is given: the database's URL, or the file's path. */
  readonly target: string;
  /** Runs a case's SQL (MariaDB: statements ending a line with `;`, one by one; SQLite: one script). */
  exec(sql: string): Promise<void>;
  /** Runs a fix's statements, the way a migration of this engine would, naming the failing one. */
  apply(fix: Fix, statements: readonly string[], label: string): Promise<void>;
  /** Index and foreign-key definitions of the database, one string each, sorted. */
  catalog(): Promise<string[]>;
  close(): Promise<void>;
}

function failed(label: string, statement: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`fix.${label} statement failed: ${statement}\n${reason}`, { cause: error });
}

/**
 * Index key parts as information_schema.STATISTICS lists them (everything but CARDINALITY, which
 * ANALYZE moves), and foreign keys with their columns, from the case's database.
 */
const MYSQL_CATALOG = `
SELECT CONCAT_WS(' ', 'index', TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, COALESCE(SUB_PART, '-'),
                 COALESCE(COLLATION, '-'), NULLABLE, INDEX_TYPE, IGNORED, CONCAT('"', INDEX_COMMENT, '"')) AS item
  FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?
UNION ALL
SELECT CONCAT_WS(' ', 'foreign key', TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION, COLUMN_NAME,
                 REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME) AS item
  FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY item`;

function mysqlCase(db: TestMysqlDatabase): CaseDatabase {
  return {
    schema: db.name,
    target: db.url,
    exec: (sql) => db.exec(sql),
    // MariaDB commits DDL statement by statement: a migration runs them in order, as here.
    apply: async (_fix, statements, label) => {
      for (const s of statements) await db.connection.query(s).catch((error: unknown) => Promise.reject(failed(label, s, error)));
    },
    catalog: async () => {
      const [rows] = await db.connection.query(MYSQL_CATALOG, [db.name, db.name]);
      return (rows as { item: string }[]).map((r) => r.item);
    },
    close: () => db.close(),
  };
}

/** A fresh database on the MariaDB server at `serverUrl`. */
export async function createMysqlCase(serverUrl: string): Promise<CaseDatabase> {
  return mysqlCase(await createMysqlDatabase(serverUrl, 'dbdoctor_rule'));
}

/**
 * Every object's definition in sqlite_schema (not its root page, which a rebuilt index changes)
 * and every index's key parts as pragma_index_xinfo gives them, automatic indexes included.
 */
const SQLITE_CATALOG = `
SELECT 'object ' || type || ' ' || name || ' on ' || tbl_name || ': ' || coalesce(sql, '(automatic)') AS item
  FROM sqlite_schema WHERE name NOT LIKE 'sqlite_stat%'
UNION ALL
SELECT 'index ' || l.name || ' on ' || m.name || ' unique=' || l."unique" || ' origin=' || l.origin || ' partial=' || l.partial
       || ' part ' || x.seqno || ' ' || coalesce(x.name, '<expression>') || ' desc=' || x.desc || ' coll=' || x.coll || ' key=' || x.key
  FROM sqlite_schema m, pragma_index_list(m.name) l, pragma_index_xinfo(l.name) x
 WHERE m.type = 'table'
UNION ALL
SELECT 'foreign key ' || m.name || ' ' || f.id || ' ' || f.seq || ' ' || f."from" || ' -> ' || f."table" || ' ' || coalesce(f."to", '(key)')
  FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
 WHERE m.type = 'table'
ORDER BY item`;

/** A fresh SQLite file in a temporary folder of its own, removed on close. */
export function createSqliteCase(): Promise<CaseDatabase> {
  const folder = temporaryFolder();
  const path = join(folder.dir, 'case.sqlite');
  // Each step opens the file and closes it again, so that the audit reads it as a user's file at rest.
  const withFile = <T>(run: (db: Database.Database) => T): T => {
    const db = new Database(path);
    try {
      return run(db);
    } finally {
      db.close();
    }
  };
  return Promise.resolve({
    schema: 'main',
    target: path,
    exec: (sql) => Promise.resolve(withFile((db) => void db.exec(sql))),
    apply: (fix, statements, label) =>
      Promise.resolve(
        withFile((db) => {
          const run = (): void => {
            for (const s of statements) {
              try {
                db.exec(s);
              } catch (error) {
                throw failed(label, s, error);
              }
            }
          };
          // SQLite runs DDL in transactions: a fix that allows it runs as one, as the migrations do.
          if (fix.transactional === false) run();
          else db.transaction(run)();
        }),
      ),
    catalog: () => Promise.resolve(withFile((db) => (db.prepare(SQLITE_CATALOG).all() as { item: string }[]).map((r) => r.item))),
    close: () => Promise.resolve(folder.remove()),
  });
}
