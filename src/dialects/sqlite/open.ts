import { existsSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import Database from 'better-sqlite3';
import type { SchemaModel } from '../../model/types.js';
import { UserError } from '../../util/errors.js';
import { introspectSqlite } from './introspect.js';

/** The first 16 bytes of every SQLite 3 database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\u0000', 'latin1');

/** The first `length` bytes of a file, or null when it cannot be read (a folder, no permission). */
async function headOf(path: string, length: number): Promise<Buffer | null> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

/** Whether a file is a SQLite database, by its 16-byte header (not its name). */
export async function isSqliteFile(path: string): Promise<boolean> {
  const head = await headOf(path, SQLITE_HEADER.length);
  return head !== null && head.equals(SQLITE_HEADER);
}

/**
 * The path of a `sqlite:` target: `sqlite:app.db` and `sqlite:./data/app.db` are relative,
 * `sqlite:///srv/app.db` is absolute. Percent-escapes are decoded in the `sqlite://` form.
 */
export function sqlitePathOf(target: string): string {
  const rest = target.replace(/^sqlite:/i, '');
  if (!rest.startsWith('//')) return rest;
  const afterSlashes = rest.slice(2);
  if (!afterSlashes.startsWith('/')) {
    throw new UserError(`sqlite URLs have no host: write sqlite:///absolute/path or sqlite:relative/path (got ${target})`);
  }
  let path: string;
  try {
    path = decodeURIComponent(afterSlashes);
  } catch {
    throw new UserError(`not a valid sqlite URL: ${target}`);
  }
  return path.replace(/^\/+/, '/');
}

/** An open SQLite file, ready to be read into the model. */
export interface SqliteDatabase {
  /** The path as the user gave it. */
  readonly name: string;
  readModel(): Promise<SchemaModel>;
  close(): Promise<void>;
}

/** How to open the file. */
export interface OpenSqliteOptions {
  /** Called with every statement SQLite runs (better-sqlite3's `verbose`); for counting queries. */
  readonly verbose?: (sql: string) => void;
}

/** The bytes of a WAL-mode file as a rollback-mode image, for an in-memory copy (a memory database cannot be in WAL mode). */
function asRollbackImage(bytes: Buffer): Buffer {
  bytes[18] = 1;
  bytes[19] = 1;
  return bytes;
}

/**
 * Opens a SQLite file so that it cannot change: read-only (SQLITE_OPEN_READONLY, the file must
 * exist) and `PRAGMA query_only`, so no statement can write.
 *
 * A WAL-mode file gets special care: opening it read-only makes SQLite create its `-wal` and `-shm`
 * companions when they are not there (and leave them behind). When no `-wal` file exists, every
 * committed change is in the main file, so dbdoctor reads a copy of it in memory instead and
 * creates nothing. When `-wal` and `-shm` exist (a database in use), it reads through them as any
 * reader does, which is the only way to see what was committed since the last checkpoint.
 */
export async function openSqliteFile(path: string, options: OpenSqliteOptions = {}): Promise<SqliteDatabase> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new UserError(`${path} is a folder, not a SQLite database file`);
    size = info.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`no such file: ${path}`);
  }
  const head = await headOf(path, 100);
  if (head === null || head.length < SQLITE_HEADER.length || !head.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER)) {
    throw new UserError(`${path} is not a SQLite database (it does not start with the "SQLite format 3" header)`);
  }
  const wal = head.length >= 20 && head[18] === 2;
  const walFile = existsSync(`${path}-wal`);
  const shmFile = existsSync(`${path}-shm`);
  if (wal && walFile && !shmFile) {
    throw new UserError(
      `${path} has a -wal file but no -shm file (it was not closed cleanly): open it once with the application or sqlite3, or audit a copy`,
    );
  }
  const verbose = options.verbose ? { verbose: (message?: unknown) => options.verbose!(String(message)) } : {};
  let db: Database.Database;
  try {
    if (wal && !walFile) {
      if (size > 2 ** 31 - 1) {
        throw new UserError(
          `${path} is a WAL-mode database larger than 2 GiB with no -wal file: reading it without creating ${path}-wal and ${path}-shm needs a copy in memory; open it with the application first, or audit a copy`,
        );
      }
      db = new Database(asRollbackImage(await readFile(path)), { readonly: true, ...verbose });
    } else {
      db = new Database(path, { readonly: true, fileMustExist: true, ...verbose });
    }
    db.pragma('query_only = ON');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read SQLite database ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    name: path,
    readModel: () => {
      try {
        return Promise.resolve(introspectSqlite(db, { name: path, journalMode: wal ? 'wal' : 'rollback' }));
      } catch (error) {
        // A schema this SQLite cannot parse (double-quoted string literals, an unknown collation or module) is the file's problem, not a bug.
        if (error instanceof Database.SqliteError)
          return Promise.reject(new UserError(`cannot read SQLite database ${path}: ${error.message}`));
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
