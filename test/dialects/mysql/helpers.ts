/**
 * A fresh database on the local MariaDB (127.0.0.1:3306, root, no password; override with
 * DBDOCTOR_TEST_MYSQL) per test file, dropped at the end.
 */
import mysql from 'mysql2/promise';

/** Connection URL of the test server, without a database. */
export const TEST_MYSQL_URL = process.env.DBDOCTOR_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306';

/** A database the test owns. */
export interface TestMysqlDatabase {
  readonly name: string;
  /** URL of the database (TEST_MYSQL_URL plus the database path). */
  readonly url: string;
  /** A connection with the database selected, for setting up and for reading back. */
  readonly connection: mysql.Connection;
  /** Runs statements one by one (`;` at line ends separates them). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

/** Opens a connection to the test server (optionally for one database). */
export async function connectTestServer(serverUrl: string = TEST_MYSQL_URL, database?: string): Promise<mysql.Connection> {
  const url = new URL(serverUrl);
  return mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    ...(database ? { database } : {}),
    supportBigNumbers: true,
    dateStrings: true,
  });
}

/** Splits a script at semicolons that end a line (the test scripts put no `;\n` inside literals). */
function statementsOf(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.trim().replace(/;$/, ''))
    .filter((s) => s.length > 0);
}

/** Creates a uniquely named database on the test server (or `serverUrl`). */
export async function createMysqlDatabase(serverUrl: string = TEST_MYSQL_URL, prefix = 'dbdoctor_test'): Promise<TestMysqlDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now()}_${counter++}`;
  const admin = await connectTestServer(serverUrl);
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  const connection = await connectTestServer(serverUrl, name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    connection,
    exec: async (sql) => {
      for (const statement of statementsOf(sql)) await connection.query(statement);
    },
    close: async () => {
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}
