import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { columnCollations, parseCreateIndex } from '../../../src/dialects/sqlite/ddl-text.js';

/** Each statement is first run by SQLite itself, so every case is DDL SQLite accepts, stored as SQLite stores it. */
function stored(tableSql: string, indexSql?: string): { table: string; index: string | null } {
  const db = new Database(':memory:');
  try {
    db.exec(tableSql);
    if (indexSql) db.exec(indexSql);
    const rows = db.prepare('SELECT type, sql FROM sqlite_schema WHERE sql IS NOT NULL').all() as { type: string; sql: string }[];
    return { table: rows.find((r) => r.type === 'table')!.sql, index: rows.find((r) => r.type === 'index')?.sql ?? null };
  } finally {
    db.close();
  }
}

const TABLE = 'CREATE TABLE t (a TEXT, b TEXT, "we""ird" TEXT, [sq] TEXT, `bt` TEXT)';

describe('CREATE INDEX text', () => {
  it('finds the WHERE clause past strings, comments and quoted names that hold the word', () => {
    const { index } = stored(
      TABLE,
      `CREATE INDEX IF NOT EXISTS main."where ix" ON t (a /* where */, "we""ird" -- where
      ) WHERE a <> 'x WHERE (' AND [sq] IS NOT NULL`,
    );
    const parsed = parseCreateIndex(index!)!;
    expect(parsed.predicate).toBe("a <> 'x WHERE (' AND [sq] IS NOT NULL");
    expect(parsed.keys.map((k) => k.expression)).toEqual(['a', '"we""ird"']);
  });

  it('splits keys at top-level commas only and takes COLLATE and DESC off each', () => {
    const { index } = stored(
      TABLE,
      'CREATE INDEX ix ON t (substr(a, 1, 3) COLLATE NOCASE DESC, coalesce(b, \',\') ASC, `bt` COLLATE "RTRIM")',
    );
    const parsed = parseCreateIndex(index!)!;
    expect(parsed.keys).toEqual([
      { expression: 'substr(a, 1, 3)', collation: 'NOCASE' },
      { expression: "coalesce(b, ',')", collation: null },
      { expression: '`bt`', collation: 'RTRIM' },
    ]);
    expect(parsed.predicate).toBeNull();
  });

  it('keeps a COLLATE inside an expression with the expression', () => {
    const { index } = stored(TABLE, 'CREATE INDEX ix ON t ((a COLLATE NOCASE) || b)');
    expect(parseCreateIndex(index!)!.keys).toEqual([{ expression: '(a COLLATE NOCASE) || b', collation: null }]);
  });
});

describe('CREATE TABLE text', () => {
  it('reads each column COLLATE, not those of table constraints or inside CHECK', () => {
    const { table } = stored(
      `CREATE TABLE c (
        id INTEGER PRIMARY KEY,
        "Email" TEXT NOT NULL COLLATE NOCASE,
        [code] TEXT CHECK (code <> 'x' COLLATE NOCASE) COLLATE RTRIM,
        plain TEXT,
        CONSTRAINT u UNIQUE (plain COLLATE NOCASE),
        CHECK (plain COLLATE BINARY <> '')
      )`,
    );
    expect(Object.fromEntries(columnCollations(table))).toEqual({ Email: 'NOCASE', code: 'RTRIM' });
  });
});
