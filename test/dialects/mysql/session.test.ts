import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import {
  featuresOf,
  introspectMysql,
  parseServerVersion,
  withReadOnlySession,
  type MysqlQueryable,
} from '../../../src/dialects/mysql/index.js';
import { connectTestServer, createMysqlDatabase, type TestMysqlDatabase } from './helpers.js';

let small: TestMysqlDatabase;
let large: TestMysqlDatabase;

/** A table with an index and a foreign key to the first table, so that every kind of object grows with the count. */
function tablesScript(count: number): string {
  const lines = ['CREATE TABLE t0 (id INT PRIMARY KEY, v INT, KEY ix_v (v)) ENGINE=InnoDB;'];
  for (let i = 1; i < count; i++) {
    lines.push(
      `CREATE TABLE t${i} (id INT PRIMARY KEY, parent_id INT, v VARCHAR(20), KEY ix_v${i} (v(5)), CONSTRAINT fk${i} FOREIGN KEY (parent_id) REFERENCES t0 (id)) ENGINE=InnoDB;`,
    );
  }
  return lines.join('\n');
}

/** Statements this session has sent (the server's own counter). */
async function questions(connection: mysql.Connection): Promise<number> {
  const [rows] = await connection.query("SHOW SESSION STATUS LIKE 'Questions'");
  return Number((rows as { Value: string }[])[0]!.Value);
}

beforeAll(async () => {
  small = await createMysqlDatabase();
  large = await createMysqlDatabase();
  await small.exec(tablesScript(1));
  await large.exec(tablesScript(50));
  await small.exec('INSERT INTO t0 VALUES (1, 1)');
});

afterAll(async () => {
  await small?.close();
  await large?.close();
});

describe('MySQL read-only session', () => {
  it('refuses writes and DDL inside the session, and gives the session back as it was', async () => {
    const [[row]] = (await small.connection.query('SELECT VERSION() AS v')) as unknown as [{ v: string }[]];
    const features = featuresOf(parseServerVersion(row!.v));
    await withReadOnlySession(small.connection, features, async (session) => {
      await expect(session.query('INSERT INTO t0 VALUES (2, 2)')).rejects.toMatchObject({
        code: 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION',
      });
      await expect(session.query('CREATE TABLE t_new (id INT)')).rejects.toMatchObject({
        code: 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION',
      });
      await expect(session.query('UPDATE t0 SET v = 3')).rejects.toMatchObject({ code: 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION' });
    });
    const [rows] = await small.connection.query('SELECT COUNT(*) AS n FROM t0');
    expect(Number((rows as { n: number }[])[0]!.n)).toBe(1);
    // Restored: the caller's connection writes again.
    await small.connection.query('INSERT INTO t0 VALUES (2, 2)');
    await small.connection.query('DELETE FROM t0 WHERE id = 2');
  });

  it('sends nothing but reads once the session is read-only', async () => {
    const sent: string[] = [];
    const recording: MysqlQueryable = {
      query: (sql, values) => {
        sent.push(sql.trim());
        return small.connection.query(sql, values);
      },
    };
    await introspectMysql(recording, { schemas: [small.name] });
    const setIndex = sent.findIndex((s) => s.startsWith('SET SESSION'));
    const during = sent.slice(setIndex + 1, -1);
    expect(sent[setIndex]).toMatch(/tx_read_only = 1|transaction_read_only = 1/);
    expect(during.length).toBeGreaterThan(5);
    for (const statement of during) expect(statement).toMatch(/^(SELECT|SHOW)\b/);
    expect(sent[sent.length - 1]).toMatch(/^SET SESSION/);
  });

  it('sends as many statements for 50 tables as for one', async () => {
    const count = async (db: TestMysqlDatabase): Promise<number> => {
      const connection = await connectTestServer(undefined, db.name);
      try {
        const before = await questions(connection);
        const model = await introspectMysql(connection, { schemas: [db.name] });
        const after = await questions(connection);
        expect(model.tables.length).toBe(db === large ? 50 : 1);
        // The SHOW that reads the counter counts itself.
        return after - before - 1;
      } finally {
        await connection.end();
      }
    };
    const one = await count(small);
    const fifty = await count(large);
    expect(fifty).toBe(one);
    expect(one).toBeLessThanOrEqual(20);
  });

  it('holds no lock after reading: DDL on the tables read proceeds while its connection stays open', async () => {
    const reader = await connectTestServer(undefined, small.name);
    const writer = await connectTestServer(undefined, small.name);
    try {
      // A writer's open transaction does not hold the audit up…
      await writer.query('START TRANSACTION');
      await writer.query('UPDATE t0 SET v = v + 1');
      const model = await introspectMysql(reader, { schemas: [small.name] });
      expect(model.tables.map((t) => t.name)).toEqual(['t0']);
      await writer.query('ROLLBACK');
      // …and the audit's connection, still open, holds no metadata lock that DDL would wait for.
      await writer.query('SET SESSION lock_wait_timeout = 1');
      await writer.query('ALTER TABLE t0 ADD COLUMN w INT');
      await writer.query('ALTER TABLE t0 DROP COLUMN w');
    } finally {
      await reader.end();
      await writer.end();
    }
  });
});
