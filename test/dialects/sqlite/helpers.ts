import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** A temporary folder for database files, removed by `remove`. */
export function temporaryFolder(): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'dbdoctor-sqlite-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Creates a database file with `sql` and closes it. */
export function createSqliteFile(path: string, sql: string, options: { wal?: boolean } = {}): void {
  const db = new Database(path);
  if (options.wal) db.pragma('journal_mode = WAL');
  db.exec(sql);
  db.close();
}

/** SHA-256 of a file, or null when it does not exist: before and after an audit, for "nothing changed". */
export function fileState(path: string): string | null {
  return existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : null;
}

/** The state of a database file and every companion SQLite may create beside it. */
export function databaseState(path: string): Record<string, string | null> {
  return Object.fromEntries(['', '-wal', '-shm', '-journal'].map((suffix) => [suffix || 'db', fileState(`${path}${suffix}`)]));
}
