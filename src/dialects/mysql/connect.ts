import mysql from 'mysql2/promise';
import type { SchemaModel } from '../../model/types.js';
import { displayConnectionString, redactSecrets, secretsOf } from '../../util/credentials.js';
import { UserError } from '../../util/errors.js';
import { introspectMysql, type MysqlIntrospectOptions } from './introspect.js';
import type { MysqlQueryable } from './session.js';

/** A MySQL or MariaDB URL taken apart: how to connect, and how it may be shown. */
interface MysqlUrl {
  readonly config: mysql.ConnectionOptions;
  /** The database named in the URL's path, or null. */
  readonly database: string | null;
  /** The URL without password or other secrets. */
  readonly display: string;
}

/** Query parameters a MySQL URL may carry; anything else is refused rather than silently ignored. */
const KNOWN_PARAMETERS = new Set(['socket', 'ssl-mode', 'sslmode', 'password']);

/** TLS settings for `ssl-mode` (MySQL client names): DISABLED, REQUIRED (encrypt), VERIFY_CA / VERIFY_IDENTITY (verify the server). */
function sslOf(mode: string | null): mysql.SslOptions | undefined {
  if (mode === null) return undefined;
  switch (mode.toUpperCase()) {
    case 'DISABLED':
      return undefined;
    case 'REQUIRED':
      return { rejectUnauthorized: false };
    case 'VERIFY_CA':
    case 'VERIFY_IDENTITY':
      return { rejectUnauthorized: true };
    default:
      throw new UserError(`unknown ssl-mode "${mode}" (expected DISABLED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY)`);
  }
}

/**
 * Parses `mysql://user:password@host:3306/database` (or `mariadb://…`). The database is the
 * path; `?socket=/path` connects through a Unix socket, `?ssl-mode=REQUIRED|VERIFY_CA|VERIFY_IDENTITY`
 * asks for TLS.
 */
function parseMysqlUrl(text: string): MysqlUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`not a valid database URL: ${redactSecrets(text)}`);
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new UserError(`unsupported URL scheme "${url.protocol}" (expected mysql:// or mariadb://)`);
  }
  const display = displayConnectionString(text);
  for (const name of url.searchParams.keys()) {
    if (!KNOWN_PARAMETERS.has(name)) throw new UserError(`unknown parameter "${name}" in ${display} (known: socket, ssl-mode)`);
  }
  const decode = (value: string): string => {
    try {
      return decodeURIComponent(value);
    } catch {
      throw new UserError(`not a valid database URL: ${display}`);
    }
  };
  const path = decode(url.pathname.replace(/^\//, ''));
  if (path.includes('/')) throw new UserError(`the URL's path must be one database name: ${display}`);
  const socket = url.searchParams.get('socket');
  const ssl = sslOf(url.searchParams.get('ssl-mode') ?? url.searchParams.get('sslmode'));
  const config: mysql.ConnectionOptions = {
    ...(socket !== null
      ? { socketPath: socket }
      : { host: url.hostname.replace(/^\[|\]$/g, '') || 'localhost', port: Number(url.port || 3306) }),
    user: decode(url.username) || 'root',
    password: url.password !== '' ? decode(url.password) : (url.searchParams.get('password') ?? undefined),
    ...(path !== '' ? { database: path } : {}),
    ...(ssl ? { ssl } : {}),
    connectTimeout: 10_000,
    charset: 'utf8mb4',
    // Row counts and sizes can pass 2^53 only in theory; those that do arrive as strings rather than rounded.
    supportBigNumbers: true,
    dateStrings: true,
    multipleStatements: false,
  };
  return { config, database: path === '' ? null : path, display };
}

/** An open MySQL or MariaDB server, ready to be read into the model. */
export interface MysqlDatabase {
  /** The URL without credentials. */
  readonly name: string;
  /** The database of the URL's path, or null when it named none. */
  readonly database: string | null;
  /** The session itself (messages of its errors carry no credential), for apply. */
  readonly connection: MysqlQueryable;
  /** Reads the URL's database plus `schemas` (all user databases when neither names one). */
  readModel(options?: { readonly schemas?: readonly string[] } & Omit<MysqlIntrospectOptions, 'schemas'>): Promise<SchemaModel>;
  close(): Promise<void>;
}

/** Why a connection failed, in one line: the server's message, or the network error's code. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.message.replace(/\s+/g, ' ').trim();
  return message || code || 'connection failed';
}

/**
 * Connects to a MySQL or MariaDB server. Failures (unreachable server, wrong password, unknown
 * database) become one-line UserErrors without credentials.
 */
export async function openMysqlUrl(text: string): Promise<MysqlDatabase> {
  const parsed = parseMysqlUrl(text);
  const secrets = [
    ...secretsOf(text),
    ...(typeof parsed.config.password === 'string' && parsed.config.password ? [parsed.config.password] : []),
  ];
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection(parsed.config);
  } catch (error) {
    throw new UserError(redactSecrets(`could not connect to ${parsed.display}: ${reasonOf(error)}`, secrets));
  }
  // An idle connection can still emit errors (server restart); without a listener they would crash the process.
  connection.on('error', () => undefined);
  const db: MysqlQueryable = {
    query: async (sql, values) => {
      try {
        return await connection.query(sql, values);
      } catch (error) {
        if (error instanceof Error) error.message = redactSecrets(error.message, secrets);
        throw error;
      }
    },
  };
  return {
    name: parsed.display,
    database: parsed.database,
    connection: db,
    readModel: (options = {}) => {
      const schemas = [...new Set([...(parsed.database !== null ? [parsed.database] : []), ...(options.schemas ?? [])])];
      return introspectMysql(db, { ...options, schemas, database: parsed.database });
    },
    close: () => connection.end(),
  };
}
