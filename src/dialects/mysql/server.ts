/**
 * Which server answers (MySQL or MariaDB, and which version), and what its catalog can tell
 * accordingly. MariaDB reports itself as `10.11.19-MariaDB-…`, MySQL as `8.0.36` (or with a
 * suffix such as `-log`, `-debug`, `-0ubuntu…`).
 */

/** The two products that speak the MySQL protocol. */
export type MysqlProduct = 'mysql' | 'mariadb';

/** A server's product and version. */
export interface MysqlServer {
  readonly product: MysqlProduct;
  /** `SELECT VERSION()` as the server printed it. */
  readonly version: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** major·10000 + minor·100 + patch (10.11.19 → 101119, 8.0.36 → 80036), for comparisons. */
  readonly versionNum: number;
}

/** What the catalog of a server version offers, decided once from its version. */
export interface MysqlFeatures {
  /** information_schema.STATISTICS.EXPRESSION: functional key parts (MySQL 8.0.13+). */
  readonly expressionKeys: boolean;
  /** How an index is hidden from the optimizer: IS_VISIBLE (MySQL 8) or IGNORED (MariaDB 10.6+), else null. */
  readonly visibility: 'invisible' | 'ignored' | null;
  /** Descending key parts are stored descending (MySQL 8, MariaDB 10.8+); before, DESC was parsed and ignored. */
  readonly descendingKeys: boolean;
  /** Where histograms live: information_schema.COLUMN_STATISTICS (MySQL 8) or mysql.column_stats (MariaDB). */
  readonly histograms: 'column-statistics' | 'column-stats' | null;
  /** The session variable that makes transactions read-only. */
  readonly readOnlyVariable: 'transaction_read_only' | 'tx_read_only';
  /** The session variable that bounds a statement's run time, and its unit. */
  readonly statementTimeout:
    { readonly variable: 'max_execution_time'; readonly unit: 'ms' } | { readonly variable: 'max_statement_time'; readonly unit: 's' };
  /** information_schema caches TABLES and STATISTICS figures for this many seconds unless told not to (MySQL 8). */
  readonly statsExpiryVariable: boolean;
}

/** Parses the answer of `SELECT VERSION()`. */
export function parseServerVersion(version: string): MysqlServer {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  const [major, minor, patch] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  return {
    product: /mariadb/i.test(version) ? 'mariadb' : 'mysql',
    version,
    major,
    minor,
    patch,
    versionNum: major * 10_000 + minor * 100 + patch,
  };
}

/** The catalog features of a server. */
export function featuresOf(server: MysqlServer): MysqlFeatures {
  const at = (major: number, minor: number, patch = 0): boolean => server.versionNum >= major * 10_000 + minor * 100 + patch;
  if (server.product === 'mariadb') {
    return {
      expressionKeys: false,
      visibility: at(10, 6) ? 'ignored' : null,
      descendingKeys: at(10, 8),
      histograms: 'column-stats',
      readOnlyVariable: 'tx_read_only',
      statementTimeout: { variable: 'max_statement_time', unit: 's' },
      statsExpiryVariable: false,
    };
  }
  return {
    expressionKeys: at(8, 0, 13),
    visibility: at(8, 0) ? 'invisible' : null,
    descendingKeys: at(8, 0),
    histograms: at(8, 0) ? 'column-statistics' : null,
    // tx_read_only was removed in 8.0.3; transaction_read_only exists from 5.7.20.
    readOnlyVariable: at(5, 7, 20) ? 'transaction_read_only' : 'tx_read_only',
    statementTimeout: { variable: 'max_execution_time', unit: 'ms' },
    statsExpiryVariable: at(8, 0),
  };
}

/** How the server is named in messages: "MariaDB 10.11.19" or "MySQL 8.0.36". */
export function productName(server: MysqlServer): string {
  return `${server.product === 'mariadb' ? 'MariaDB' : 'MySQL'} ${server.major}.${server.minor}.${server.patch}`;
}

/** The features of the server behind a connection (one `SELECT VERSION()`). */
export async function readFeatures(db: { query(sql: string): Promise<[unknown, unknown]> }): Promise<MysqlFeatures> {
  const [rows] = await db.query('SELECT VERSION() AS version');
  const version = (rows as { version?: unknown }[])[0]?.version;
  return featuresOf(parseServerVersion(typeof version === 'string' ? version : ''));
}
