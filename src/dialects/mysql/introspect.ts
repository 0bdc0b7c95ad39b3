import type { ColumnStatistics, Index, SchemaModel, Table } from '../../model/types.js';
import { primaryKeySuffix } from '../../semantics/keys.js';
import { UserError } from '../../util/errors.js';
import { mariadbColumnStatistics, mysqlHistogramStatistics } from './histograms.js';
import { foreignKeysByReferencedIndex, mapForeignKeys } from './map-foreign-keys.js';
import { indexKey, mapIndexes, type IndexTableFacts, type InnodbIndexStats } from './map-indexes.js';
import { countOf, mapMysqlColumn, mapMysqlTable } from './map-tables.js';
import {
  ALL_SCHEMAS_QUERY,
  AUDIT_VARIABLES,
  COLUMNS_QUERY,
  COLUMN_STATS_QUERY,
  CONSTRAINTS_QUERY,
  FOREIGN_KEYS_QUERY,
  HISTOGRAMS_QUERY,
  INNODB_INDEX_STATS_QUERY,
  NAMED_SCHEMAS_QUERY,
  SERVER_QUERY,
  STATUS_QUERY,
  SYSTEM_SCHEMAS,
  TABLES_QUERY,
  VARIABLES_QUERY,
  keyPartsQuery,
} from './queries.js';
import type {
  ColumnRow,
  ColumnStatsRow,
  ConstraintRow,
  ForeignKeyRow,
  HistogramRow,
  InnodbIndexStatRow,
  KeyPartRow,
  ServerRow,
  TableRow,
  VariableRow,
} from './rows.js';
import { featuresOf, parseServerVersion, productName, type MysqlFeatures, type MysqlServer } from './server.js';
import {
  DEFAULT_MYSQL_SESSION_OPTIONS,
  rowsOf,
  tryRows,
  withReadOnlySession,
  type MysqlQueryable,
  type MysqlSessionOptions,
} from './session.js';
import { countersWindow, readMysqlUsage } from './usage.js';

/**
 * InnoDB stores the primary key's columns at the end of every secondary index (the row's address),
 * so `(a)` there is `(a, id)`: recorded as the index's implicit keys. Only where the table is
 * clustered on a declared primary key (the `clustered` PRIMARY index).
 */
function withInnodbImplicitKeys(indexes: Index[]): void {
  const primaries = new Map(indexes.filter((i) => i.clustered === true).map((i) => [`${i.schema}\u0000${i.table}`, i]));
  indexes.forEach((index, n) => {
    const primary = primaries.get(`${index.schema}\u0000${index.table}`);
    if (!primary || index === primary || index.method !== 'btree') return;
    const implicit = primaryKeySuffix(index.keys, primary.keys);
    if (implicit.length > 0) indexes[n] = { ...index, implicitKeys: implicit };
  });
}

/** What to read. */
export interface MysqlIntrospectOptions {
  /** Databases (schemas) to read; all user databases when empty or absent. */
  readonly schemas?: readonly string[];
  /** The database the connection was opened for, shown as the model's database name. */
  readonly database?: string | null;
  readonly session?: MysqlSessionOptions;
}

/**
 * Reads MySQL (5.7, 8.x) or MariaDB (10.x, 11.x) databases into the dialect-neutral model, with
 * a fixed number of queries whatever the number of tables: one per kind of object over all the
 * databases read, plus a few for the server's version, settings and optional statistics.
 */
export async function introspectMysql(db: MysqlQueryable, options: MysqlIntrospectOptions = {}): Promise<SchemaModel> {
  const [serverRow] = await rowsOf<ServerRow>(db, SERVER_QUERY);
  if (!serverRow) throw new Error('the server returned no version');
  const server = parseServerVersion(serverRow.version);
  const features = featuresOf(server);
  return withReadOnlySession(
    db,
    features,
    (session) => readModel(session, server, features, new Date(Date.parse(serverRow.read_at)).toISOString(), options),
    options.session ?? DEFAULT_MYSQL_SESSION_OPTIONS,
  );
}

/** The databases to read: those named (each must exist), else every user database. */
async function schemasToRead(db: MysqlQueryable, requested: readonly string[]): Promise<string[]> {
  if (requested.length === 0) {
    return (await rowsOf<{ name: string }>(db, ALL_SCHEMAS_QUERY, [[...SYSTEM_SCHEMAS]])).map((r) => r.name);
  }
  const found = new Set((await rowsOf<{ name: string }>(db, NAMED_SCHEMAS_QUERY, [[...requested]])).map((r) => r.name));
  const missing = requested.filter((s) => !found.has(s));
  if (missing.length > 0) throw new UserError(`no database named ${missing.map((m) => `"${m}"`).join(', ')} on this server`);
  return [...requested];
}

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/**
 * InnoDB's persistent statistics by index: bytes (pages × page size) and distinct values per key
 * prefix. A partitioned table's partitions (`t#P#p0`) are summed: sizes add up, and so do
 * distinct counts, which makes them an upper bound for the whole table.
 */
function innodbIndexStats(rows: readonly InnodbIndexStatRow[], pageSize: number): InnodbIndexStats {
  const sizes = new Map<string, number>();
  const distinct = new Map<string, number[]>();
  for (const row of rows) {
    const table = row.table_name.replace(/#p#.*$/is, '');
    const key = indexKey(row.database_name, table, row.index_name);
    const value = countOf(row.stat_value) ?? 0;
    if (row.stat_name === 'size') {
      sizes.set(key, (sizes.get(key) ?? 0) + value * pageSize);
      continue;
    }
    const prefix = Number(row.stat_name.slice('n_diff_pfx'.length)) - 1;
    const list = distinct.get(key) ?? [];
    list[prefix] = (list[prefix] ?? 0) + value;
    distinct.set(key, list);
  }
  return { sizes, distinct };
}

/** Column statistics by `schema\0table\0column`, from whichever store the server has. */
async function readColumnStatistics(
  db: MysqlQueryable,
  features: MysqlFeatures,
  schemas: readonly string[],
  rowEstimates: ReadonlyMap<string, number | null>,
  limitations: string[],
): Promise<Map<string, ColumnStatistics>> {
  const stats = new Map<string, ColumnStatistics>();
  if (features.histograms === 'column-statistics') {
    const answer = await tryRows<HistogramRow>(db, HISTOGRAMS_QUERY, [schemas]);
    if (answer.rows === null)
      limitations.push(`column histograms (information_schema.COLUMN_STATISTICS) could not be read: ${answer.refused}`);
    for (const row of answer.rows ?? []) {
      const s = mysqlHistogramStatistics(row.histogram);
      if (s) stats.set(`${row.schema_name}\u0000${row.table_name}\u0000${row.column_name}`, s);
    }
  } else if (features.histograms === 'column-stats') {
    const answer = await tryRows<ColumnStatsRow>(db, COLUMN_STATS_QUERY, [schemas]);
    if (answer.rows === null) limitations.push(`column statistics (mysql.column_stats) could not be read: ${answer.refused}`);
    for (const row of answer.rows ?? []) {
      const s = mariadbColumnStatistics(row, rowEstimates.get(`${row.db_name}\u0000${row.table_name}`) ?? null);
      if (s) stats.set(`${row.db_name}\u0000${row.table_name}\u0000${row.column_name}`, s);
    }
  }
  return stats;
}

async function readModel(
  db: MysqlQueryable,
  server: MysqlServer,
  features: MysqlFeatures,
  readAt: string,
  options: MysqlIntrospectOptions,
): Promise<SchemaModel> {
  const schemas = await schemasToRead(db, options.schemas ?? []);
  const limitations: string[] = [];
  const params = [schemas.length > 0 ? schemas : ['']];
  const [variableRows, statusRows, tableRows, columnRows, keyPartRows, constraintRows, foreignKeyRows, sizeAnswer] = await Promise.all([
    rowsOf<VariableRow>(db, VARIABLES_QUERY, [[...AUDIT_VARIABLES]]),
    rowsOf<VariableRow>(db, STATUS_QUERY),
    rowsOf<TableRow>(db, TABLES_QUERY, params),
    rowsOf<ColumnRow>(db, COLUMNS_QUERY, params),
    rowsOf<KeyPartRow>(db, keyPartsQuery(features), params),
    rowsOf<ConstraintRow>(db, CONSTRAINTS_QUERY, params),
    rowsOf<ForeignKeyRow>(db, FOREIGN_KEYS_QUERY, params),
    tryRows<InnodbIndexStatRow>(db, INNODB_INDEX_STATS_QUERY, params),
  ]);
  const settings = Object.fromEntries(variableRows.map((r) => [r.Variable_name.toLowerCase(), r.Value ?? '']));
  const status = new Map(statusRows.map((r) => [r.Variable_name.toLowerCase(), Number(r.Value ?? 0)]));

  for (const t of tableRows) {
    if (t.engine === null)
      limitations.push(`table ${t.table_schema}.${t.table_name} could not be read: ${t.table_comment || 'no engine reported'}`);
  }
  const rowEstimates = new Map(tableRows.map((t) => [`${t.table_schema}\u0000${t.table_name}`, countOf(t.table_rows)]));
  const [columnStats, usage] = await Promise.all([
    readColumnStatistics(db, features, params[0]!, rowEstimates, limitations),
    readMysqlUsage(db, params[0]!, {
      performanceSchema: settings.performance_schema,
      lost: [...status].filter(([name]) => name.endsWith('_lost')).reduce((sum, [, n]) => sum + n, 0),
      tables: new Map(
        tableRows.map((t) => [
          `${t.table_schema}\u0000${t.table_name}`,
          { schema: t.table_schema, name: t.table_name, rowEstimate: countOf(t.table_rows) },
        ]),
      ),
    }),
  ]);
  limitations.push(...usage.limitations);
  if (features.histograms === null) limitations.push(`${productName(server)} keeps no column histograms: value distributions are unknown`);
  else if (columnStats.size === 0 && tableRows.length > 0) {
    limitations.push(
      server.product === 'mariadb'
        ? 'no column statistics (mysql.column_stats is empty for these tables): value distributions are unknown; ANALYZE TABLE … PERSISTENT FOR ALL collects them'
        : 'no column histograms (information_schema.COLUMN_STATISTICS is empty for these tables): value distributions are unknown; ANALYZE TABLE … UPDATE HISTOGRAM ON … collects them',
    );
  }
  if (sizeAnswer.rows === null) {
    limitations.push(
      `InnoDB index statistics (mysql.innodb_index_stats) could not be read: index sizes and distinct counts are unknown (${sizeAnswer.refused})`,
    );
  }
  const innodb = sizeAnswer.rows === null ? null : innodbIndexStats(sizeAnswer.rows, Number(settings.innodb_page_size ?? 16384));

  const columnsByTable = groupBy(columnRows, (c) => `${c.table_schema}\u0000${c.table_name}`);
  const tables: Table[] = tableRows.map((row) => {
    const key = `${row.table_schema}\u0000${row.table_name}`;
    const columns = (columnsByTable.get(key) ?? []).map((c) =>
      mapMysqlColumn(c, row.table_collation, columnStats.get(`${key}\u0000${c.column_name}`) ?? null),
    );
    return mapMysqlTable(row, columns, usage.tables.get(key) ?? null);
  });
  const facts = new Map<string, IndexTableFacts>(
    tables.map((t, i) => [
      `${t.schema}\u0000${t.name}`,
      { engine: t.engine ?? null, columns: t.columns, collation: tableRows[i]!.table_collation, rowEstimate: t.rowEstimate },
    ]),
  );
  const indexes: Index[] = mapIndexes(keyPartRows, {
    product: server.product,
    features,
    tables: facts,
    constraints: new Map(constraintRows.map((c) => [indexKey(c.table_schema, c.table_name, c.constraint_name), c.constraint_type])),
    referencedBy: foreignKeysByReferencedIndex(foreignKeyRows),
    innodb,
  }).map((index) => ({
    ...index,
    usage: usage.readable ? (usage.indexes.get(indexKey(index.schema, index.table, index.name)) ?? null) : null,
  }));
  withInnodbImplicitKeys(indexes);
  // Rows are stored in the primary key's order only where there is one (InnoDB without one clusters on a hidden row id).
  const clustered = new Set(indexes.filter((i) => i.clustered === true).map((i) => `${i.schema}\u0000${i.table}`));
  const finalTables = tables.map((t) => ({
    ...t,
    clusteredOnPrimaryKey: t.clusteredOnPrimaryKey === true && clustered.has(`${t.schema}\u0000${t.name}`),
  }));

  const uptime = status.get('uptime');
  const tablesChanged = tableRows.map((t) => ({
    schema: t.table_schema,
    name: t.table_name,
    changedSecondsAgo: countOf(t.changed_seconds_ago),
  }));
  const window = uptime === undefined || !usage.readable ? null : countersWindow(tablesChanged, uptime);
  if (window?.limitation) limitations.push(window.limitation);
  const countedFor = window?.secondsAgo ?? uptime;
  const statsResetAt = countedFor === undefined ? null : new Date(Date.parse(readAt) - countedFor * 1000).toISOString();
  return {
    dialect: 'mysql',
    capabilities: {
      usageStatistics: usage.readable,
      sizes: true,
      // MySQL keeps foreign keys only in InnoDB (MyISAM parses and drops them), and InnoDB indexes them itself.
      foreignKeysAutoIndexed: true,
      concurrentIndexBuild: false,
      partialIndexes: false,
      serverSettings: true,
      foreignKeyNeedsIndex: true,
      partialIndexesServeForeignKeys: false,
      // MySQL counts 64 characters; 64 bytes is the bound that holds for any character set.
      identifierMaxBytes: 64,
      indexVisibility: features.visibility,
      primaryKeyFromIndex: false,
      partitioningPlan: false,
      constraintIndexesDroppable: true,
      onlineIndexBuild: 'inplace-lock-none',
      indexNamespace: 'table',
    },
    database: {
      name: options.database ?? (schemas.length === 1 ? schemas[0]! : null),
      serverVersion: server.version,
      serverVersionNum: server.versionNum,
      statsResetAt,
      readAt,
      settings,
      extensions: [],
      inRecovery: false,
    },
    schemas,
    tables: finalTables,
    indexes,
    foreignKeys: mapForeignKeys(foreignKeyRows, facts, server.product),
    limitations,
  };
}
