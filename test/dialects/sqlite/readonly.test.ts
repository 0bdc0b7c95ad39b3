import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteFile } from '../../../src/dialects/sqlite/index.js';
import { createSqliteFile, databaseState, fileState, temporaryFolder } from './helpers.js';

const folder = temporaryFolder();
afterAll(() => folder.remove());

const SCHEMA = `
CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT);
CREATE INDEX a_v ON a (v) WHERE v IS NOT NULL;
INSERT INTO a (v) VALUES ('x'), ('y');
ANALYZE;
`;

/** Opens, reads and closes a file the way an audit does. */
async function audit(path: string) {
  const db = await openSqliteFile(path);
  try {
    return await db.readModel();
  } finally {
    await db.close();
  }
}

describe('SQLite files are read without changing a byte', () => {
  it('a rollback-journal file: same bytes, no companion file created', async () => {
    const path = join(folder.dir, 'rollback.db');
    createSqliteFile(path, SCHEMA);
    const before = databaseState(path);
    expect(before).toMatchObject({ '-wal': null, '-shm': null, '-journal': null });
    const model = await audit(path);
    expect(model.indexes.map((i) => i.name)).toContain('a_v');
    expect(databaseState(path)).toEqual(before);
  });

  it('a WAL-mode file closed cleanly: same bytes, and no -wal or -shm created', async () => {
    const path = join(folder.dir, 'wal-closed.db');
    createSqliteFile(path, SCHEMA, { wal: true });
    const before = databaseState(path);
    expect(before).toMatchObject({ '-wal': null, '-shm': null });
    const model = await audit(path);
    expect(model.database.settings.journal_mode).toBe('wal');
    expect(model.indexes.find((i) => i.name === 'a_v')!.predicate).toBe('v IS NOT NULL');
    expect(databaseState(path)).toEqual(before);
  });

  it('a WAL-mode file in use: reads what was committed to the -wal, changes neither the file nor the -wal', async () => {
    const path = join(folder.dir, 'wal-live.db');
    createSqliteFile(path, SCHEMA, { wal: true });
    const app = new Database(path);
    try {
      // The application keeps its connection open; its last commit is still only in the -wal file.
      app.pragma('wal_autocheckpoint = 0');
      app.exec('CREATE INDEX a_v_desc ON a (v DESC)');
      const before = { db: fileState(path), wal: fileState(`${path}-wal`) };
      expect(before.wal).not.toBeNull();
      const model = await audit(path);
      expect(model.indexes.map((i) => i.name)).toContain('a_v_desc');
      expect({ db: fileState(path), wal: fileState(`${path}-wal`) }).toEqual(before);
    } finally {
      app.close();
    }
  });

  it('sends as many statements for 50 tables as for one', async () => {
    const count = async (tables: number): Promise<number> => {
      const path = join(folder.dir, `count-${tables}.db`);
      const script = ['CREATE TABLE t0 (id INTEGER PRIMARY KEY, v TEXT UNIQUE);'];
      for (let i = 1; i < tables; i++) {
        script.push(`CREATE TABLE t${i} (id INTEGER PRIMARY KEY, p INTEGER REFERENCES t0 (id), v TEXT COLLATE NOCASE);`);
        script.push(`CREATE INDEX t${i}_v ON t${i} (lower(v)) WHERE v IS NOT NULL;`);
      }
      createSqliteFile(path, `${script.join('\n')} ANALYZE;`);
      const statements: string[] = [];
      const db = await openSqliteFile(path, { verbose: (sql) => statements.push(sql) });
      const before = statements.length;
      const model = await db.readModel();
      await db.close();
      expect(model.tables).toHaveLength(tables);
      return statements.length - before;
    };
    const one = await count(1);
    expect(await count(50)).toBe(one);
    // The counter sees the catalog queries (one per kind of object, a few more for the file, sqlite_stat1 and sizes).
    expect(one).toBeGreaterThanOrEqual(5);
    expect(one).toBeLessThanOrEqual(10);
  });
});
