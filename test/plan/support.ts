/** Helpers shared by the fix and apply tests. */
import pg from 'pg';
import type { Queryable } from '../../src/dialects/types.js';

/** Index definitions, constraint definitions and comments of the given schemas, as text rows to compare. */
export async function catalogSnapshot(db: Queryable, schemas: readonly string[]): Promise<string[]> {
  const { rows: indexes } = await db.query(
    `SELECT format('%s.%s | %s | tablespace=%s | comment=%s | constraint=%s | parent=%s',
                   n.nspname, c.relname, pg_get_indexdef(c.oid), coalesce(ts.spcname, '-'),
                   coalesce(obj_description(c.oid, 'pg_class'), '-'),
                   coalesce(con.conname || ': ' || pg_get_constraintdef(con.oid) || ' deferrable=' || con.condeferrable || ' deferred=' || con.condeferred, '-'),
                   coalesce(pn.nspname || '.' || pc.relname, '-')) AS line
       FROM pg_index x
       JOIN pg_class c ON c.oid = x.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_tablespace ts ON ts.oid = c.reltablespace
       LEFT JOIN pg_constraint con ON con.conindid = c.oid AND con.conrelid = x.indrelid AND con.contype IN ('p', 'u', 'x')
       LEFT JOIN pg_inherits inh ON inh.inhrelid = c.oid
       LEFT JOIN pg_class pc ON pc.oid = inh.inhparent
       LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace
      WHERE n.nspname = ANY ($1::text[])
      ORDER BY 1`,
    [schemas],
  );
  const { rows: constraints } = await db.query(
    `SELECT format('constraint %s.%s on %s | %s', n.nspname, con.conname, con.conrelid::regclass::text, pg_get_constraintdef(con.oid)) AS line
       FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
      WHERE n.nspname = ANY ($1::text[])
      ORDER BY 1`,
    [schemas],
  );
  return [...indexes, ...constraints].map((r) => (r as { line: string }).line);
}

/** Names of INVALID indexes in the schemas. */
export async function invalidIndexes(db: Queryable, schemas: readonly string[]): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT x.indisvalid AND n.nspname = ANY ($1::text[]) ORDER BY 1`,
    [schemas],
  );
  return rows.map((r) => (r as { name: string }).name);
}

/** A separate connection to the same database (writers, lock holders). */
export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Output sink for commands and engines. */
export function sink(): { lines: string[]; write(text: string): void; text(): string } {
  const lines: string[] = [];
  return {
    lines,
    write(text: string) {
      lines.push(text);
    },
    text() {
      return lines.join('');
    },
  };
}

export { columnKey, fakeIndex } from '../helpers/model.js';

/** Identifiers that break naive quoting: case, spaces, quotes, keywords, unicode, 63 bytes, clause words. */
export const NASTY_IDENTIFIERS: readonly string[] = [
  'plain',
  'Upper Case',
  'with space',
  'quote"inside',
  "apos'trophe",
  'select',
  'order',
  'user',
  'int',
  'values',
  'between',
  'time',
  'DEFERRABLE',
  'ünïcødé',
  '日本語の名前',
  'a WHERE b',
  'x ON ONLY y',
  'semi;colon',
  'dollar$sign',
  'col:on',
  'per%cent',
  'back\\slash',
  'new\nline',
  'a'.repeat(63),
  '€'.repeat(21),
  '9starts_with_digit',
];
