import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaModel } from '../../../src/model/types.js';
import { introspectMysql } from '../../../src/dialects/mysql/index.js';
import { createMysqlDatabase, type TestMysqlDatabase } from './helpers.js';
import { startThrowawayMariadb, type ThrowawayMariadb } from './throwaway-mariadb.js';

describe('MySQL usage statistics with performance_schema OFF (the local server)', () => {
  let db: TestMysqlDatabase;
  let model: SchemaModel;

  beforeAll(async () => {
    db = await createMysqlDatabase();
    await db.exec('CREATE TABLE t (id INT PRIMARY KEY, a INT, KEY ix_a (a)) ENGINE=InnoDB');
    model = await introspectMysql(db.connection, { schemas: [db.name] });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('says usage is unknown rather than zero', async () => {
    const [rows] = await db.connection.query("SHOW GLOBAL VARIABLES LIKE 'performance_schema'");
    // The precondition of this test: the local server runs without performance_schema (it is not restarted to change that).
    expect((rows as { Value: string }[])[0]!.Value).toBe('OFF');
    expect(model.capabilities.usageStatistics).toBe(false);
    expect(model.indexes.every((i) => i.usage === null)).toBe(true);
    expect(model.tables.every((t) => t.usage === null)).toBe(true);
    expect(model.limitations.some((l) => l.startsWith('performance_schema is OFF on this server'))).toBe(true);
  });
});

describe('MySQL usage statistics with performance_schema ON (a throwaway MariaDB)', () => {
  let server: ThrowawayMariadb;
  let db: TestMysqlDatabase;
  let model: SchemaModel;
  const rows = 100;
  const lookups = 3;
  const rangeRows = 10;
  const updated = 5;
  const deleted = 2;

  beforeAll(async () => {
    server = await startThrowawayMariadb(['performance_schema=ON']);
    db = await createMysqlDatabase(server.url);
    // Objects are matched against setup_objects when a table is first opened: exclude `hidden` before creating it.
    await db.connection.query(
      "INSERT INTO performance_schema.setup_objects (OBJECT_TYPE, OBJECT_SCHEMA, OBJECT_NAME, ENABLED, TIMED) VALUES ('TABLE', ?, 'hidden', 'NO', 'NO')",
      [db.name],
    );
    await db.exec(`
      CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, KEY ix_a (a), KEY ix_b (b)) ENGINE=InnoDB;
      CREATE TABLE hidden (id INT PRIMARY KEY) ENGINE=InnoDB;
    `);
    await db.connection.query(`INSERT INTO t SELECT seq, seq, seq FROM seq_1_to_${rows}`);
    await db.connection.query('INSERT INTO hidden VALUES (1)');
    await db.connection.query('SELECT * FROM hidden');
    for (let i = 0; i < lookups; i++) await db.connection.query('SELECT * FROM t FORCE INDEX (ix_a) WHERE a = 5');
    await db.connection.query(`SELECT * FROM t FORCE INDEX (ix_a) WHERE a BETWEEN 10 AND ${10 + rangeRows - 1}`);
    // A full scan: every row read without an index.
    await db.connection.query('SELECT * FROM t IGNORE INDEX (PRIMARY, ix_a, ix_b) WHERE b > 0');
    model = await introspectMysql(db.connection, { schemas: [db.name] });
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  it('counts rows read through each index, zero for an index never read', () => {
    const usage = (name: string) => model.indexes.find((i) => i.table === 't' && i.name === name)!.usage;
    expect(model.capabilities.usageStatistics).toBe(true);
    expect(usage('ix_a')).toMatchObject({ scans: lookups * 1 + rangeRows, tuplesRead: lookups + rangeRows, countsRows: true });
    expect(usage('ix_b')).toMatchObject({ scans: 0, countsRows: true });
    expect(usage('PRIMARY')).toMatchObject({ scans: 0 });
  });

  it('counts rows read by table scans and through indexes, and rows written, per table', async () => {
    const t = model.tables.find((x) => x.name === 't')!;
    expect(t.usage).toMatchObject({
      seqTuplesRead: rows,
      indexTuplesFetched: lookups + rangeRows,
      inserts: rows,
      updates: 0,
      deletes: 0,
      hotUpdates: 0,
      countsRows: true,
    });
    // Writes come after the first model: the rows they read through PRIMARY would blur the read counts above.
    await db.connection.query(`UPDATE t SET b = b + 1 WHERE id <= ${updated}`);
    await db.connection.query(`DELETE FROM t WHERE id > ${rows - deleted}`);
    const after = await introspectMysql(db.connection, { schemas: [db.name] });
    expect(after.tables.find((x) => x.name === 't')!.usage).toMatchObject({ inserts: rows, updates: updated, deletes: deleted });
  });

  it('leaves usage unknown for a table performance_schema does not count, and says so', () => {
    expect(model.tables.find((t) => t.name === 'hidden')!.usage).toBeNull();
    expect(model.indexes.find((i) => i.table === 'hidden')!.usage).toBeNull();
    expect(model.limitations).toContain(
      `performance_schema does not count I/O of 1 table (setup_objects): their usage is unknown (${db.name}.hidden)`,
    );
    expect(model.limitations.some((l) => l.includes('counts rows read and written since the server started'))).toBe(true);
  });
});
