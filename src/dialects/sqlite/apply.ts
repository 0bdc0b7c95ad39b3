/**
 * SQLite's side of `dbdoctor apply`. The file is opened read-write here only (audits open it
 * read-only, see open.ts). The journal is a table `dbdoctor_journal` in the file itself; each
 * statement runs in a write transaction (`BEGIN IMMEDIATE`) together with the journal update that
 * records it, so a step is either done and journaled or neither. `busy_timeout` is the lock
 * timeout: how long a statement waits for another connection's write lock.
 *
 * One apply per file at a time: SQLite's own locks are released between statements, so they cannot
 * keep a second apply out for a whole run. The run lock is an exclusive transaction held on a small
 * companion file, `<file>.dbdoctor-lock` (a SQLite file, so its locking is SQLite's own, and the
 * operating system releases it when the process dies, killed or not). It stays beside the database
 * after the run; delete it whenever no apply runs.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { liveIndexOf, type ApplyDialect, type JournalSql, type LiveIndex } from '../apply-types.js';
import { describeApplyTimeouts } from '../emitters.js';
import type { Queryable } from '../types.js';
import { UserError } from '../../util/errors.js';
import { introspectSqlite } from './introspect.js';
import { isSqliteFile } from './open.js';

const TABLE = 'dbdoctor_journal';
const NOW = `strftime('%Y-%m-%d %H:%M:%f', 'now')`;

const journal: JournalSql = {
  table: TABLE,
  setup: [
    `CREATE TABLE IF NOT EXISTS ${TABLE} (
  run_id          TEXT    NOT NULL,
  position        INTEGER NOT NULL,
  total           INTEGER NOT NULL,
  step_id         TEXT    NOT NULL,
  summary         TEXT    NOT NULL,
  step            TEXT    NOT NULL,
  status          TEXT    NOT NULL DEFAULT 'pending',
  up_done         INTEGER NOT NULL DEFAULT 0,
  down_done       INTEGER NOT NULL DEFAULT 0,
  attempts        INTEGER NOT NULL DEFAULT 0,
  error           TEXT,
  source          TEXT    NOT NULL,
  target          TEXT    NOT NULL,
  started_at      TEXT    NOT NULL DEFAULT (${NOW}),
  updated_at      TEXT    NOT NULL DEFAULT (${NOW}),
  left_definition TEXT,
  PRIMARY KEY (run_id, position)
)`,
  ],
  upgrade: [],
  existsQuery: `SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '${TABLE}'`,
  now: NOW,
  placeholders: (sql) => sql,
};

/** A SQLite file open read-write for apply. */
export interface WritableSqlite {
  readonly name: string;
  readonly db: Queryable;
  readonly dialect: ApplyDialect;
  close(): Promise<void>;
}

/** A better-sqlite3 connection as the `{ rows }` the engine reads. */
function queryable(raw: Database.Database): Queryable {
  return {
    query: (sql, params = []) => {
      try {
        const statement = raw.prepare(sql);
        if (statement.reader) return Promise.resolve({ rows: statement.all(...params) });
        statement.run(...params);
        return Promise.resolve({ rows: [] });
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

/** Takes the exclusive lock of the companion file without waiting; null when another apply holds it. */
function tryRunLock(path: string): (() => Promise<void>) | null {
  const lock = new Database(`${path}.dbdoctor-lock`, { timeout: 0 });
  try {
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw error;
  }
  return () => {
    lock.exec('COMMIT');
    lock.close();
    return Promise.resolve();
  };
}

function sqliteApply(path: string, raw: Database.Database): ApplyDialect {
  const liveIndex = (name: string): LiveIndex | null => {
    // Read as the audit reads it, so that the definition is spelt exactly as the plan's (sqlite_schema's CREATE INDEX text).
    const index = introspectSqlite(raw, { name: path }).indexes.find((i) => i.name === name);
    return index ? liveIndexOf(index) : null;
  };
  return {
    journal,
    tryLock: () => Promise.resolve(tryRunLock(path)),
    setTimeouts: (db, timeouts) =>
      db.query(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(timeouts.lockTimeoutMs))}`).then(() => undefined),
    describeTimeouts: (timeouts) => describeApplyTimeouts('sqlite', timeouts.lockTimeoutMs, timeouts.statementTimeoutMs),
    retryReason: (code) => (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' ? 'lock-timeout' : null),
    liveIndex: (_db, ref) => Promise.resolve(liveIndex(ref.name)),
    constraintExists: (_db, _schema, _table, name) => Promise.resolve(liveIndex(name)?.constraint != null),
    // Read-write was checked when the file was opened (openSqliteForApply); SQLite has no privileges beyond the file's.
    checkJournalAccess: () => Promise.resolve(),
    checkApplyPrivileges: () => Promise.resolve(),
    async atomically(db, work) {
      await db.query('BEGIN IMMEDIATE');
      try {
        const result = await work();
        await db.query('COMMIT');
        return result;
      } catch (error) {
        if (raw.inTransaction) await db.query('ROLLBACK');
        throw error;
      }
    },
  };
}

/**
 * Opens a SQLite file read-write for apply. A file (or its folder, where SQLite writes its rollback
 * journal) this process cannot write is refused in one line before anything runs.
 */
export async function openSqliteForApply(path: string): Promise<WritableSqlite> {
  try {
    if (!(await stat(path)).isFile()) throw new UserError(`${path} is not a file`);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`no such file: ${path}`);
  }
  if (!(await isSqliteFile(path)))
    throw new UserError(`${path} is not a SQLite database (it does not start with the "SQLite format 3" header)`);
  for (const [what, where] of [
    ['the file', path],
    ['its folder (SQLite writes its journal there)', dirname(path)],
  ] as const) {
    try {
      await access(where, constants.W_OK);
    } catch {
      throw new UserError(`cannot apply to ${path}: ${what} is read-only for this user; apply needs to write it`);
    }
  }
  let raw: Database.Database;
  try {
    raw = new Database(path, { fileMustExist: true });
  } catch (error) {
    throw new UserError(`cannot open SQLite database ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    name: path,
    db: queryable(raw),
    dialect: sqliteApply(path, raw),
    close: () => {
      raw.close();
      return Promise.resolve();
    },
  };
}
