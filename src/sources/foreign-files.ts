/**
 * Files given where PostgreSQL SQL is expected that are something else: a mysqldump, a SQLite
 * database, a binary. Each gets one line saying what it is and what to give instead, before the
 * PostgreSQL parser stumbles on the first backtick.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';

/** How much of a file is looked at: dump headers and the first CREATE TABLE are near the top. */
const HEAD_BYTES = 64 * 1024;

async function headOf(path: string): Promise<Buffer | null> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

/**
 * Marks of MySQL DDL that PostgreSQL never accepts: mysqldump's header comment, its versioned
 * `/*!40101 … *\/` comments, a table named in backticks, and a table option `) ENGINE=`.
 */
const MYSQL_MARKS: readonly RegExp[] = [
  /^--\s*(MySQL|MariaDB) dump\b/m,
  /\/\*!\d{5}\s/,
  /\bCREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`/i,
  /\)\s*ENGINE\s*=\s*\w+/i,
];

/** What a file given as SQL really is, when it is not SQL for PostgreSQL; null when it may be. */
function foreignContent(head: Buffer): 'sqlite' | 'mysql' | 'binary' | null {
  if (head.subarray(0, 16).equals(Buffer.from('SQLite format 3\u0000', 'latin1'))) return 'sqlite';
  if (head.includes(0)) return 'binary';
  const text = head.toString('utf8');
  return MYSQL_MARKS.some((mark) => mark.test(text)) ? 'mysql' : null;
}

/** The .sql files the loader would read: the file, or a folder's .sql files. */
async function sqlFilesOf(path: string): Promise<string[]> {
  try {
    if (!(await stat(path)).isDirectory()) return [path];
    return (await readdir(path)).filter((n) => n.endsWith('.sql')).map((n) => join(path, n));
  } catch {
    // The loader says that the path does not exist.
    return [];
  }
}

/**
 * Refuses, in one line, a path whose files are not PostgreSQL SQL (a SQLite file given on its own
 * is opened as SQLite before this; here it can only be one of a folder's .sql files).
 */
export async function refuseForeignSqlFiles(path: string): Promise<void> {
  for (const file of await sqlFilesOf(path)) {
    const head = await headOf(file);
    if (head === null) continue;
    switch (foreignContent(head)) {
      case 'mysql':
        throw new UserError(
          `${file} is MySQL/MariaDB SQL (a mysqldump or backtick DDL), which dbdoctor cannot load as PostgreSQL: load it into a MySQL or MariaDB database and give its URL (mysql://user@host:3306/db)`,
        );
      case 'sqlite':
        throw new UserError(`${file} is a SQLite database, not SQL text: give it on its own (sqlite:${file}) to audit it`);
      case 'binary':
        throw new UserError(`${file} is neither a SQLite database nor SQL text`);
      default:
        break;
    }
  }
}
