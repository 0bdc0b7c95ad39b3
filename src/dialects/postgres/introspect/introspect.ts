import type { Index, IndexUsage, SchemaModel, Table, TableUsage } from '../../../model/types.js';
import { qualifiedKey } from '../../../model/lookup.js';
import type { Queryable } from '../../types.js';
import {
  AUDIT_SETTINGS,
  COLLATIONS_QUERY,
  COLUMN_STATS_QUERY,
  COLUMNS_QUERY,
  EXTENSIONS_QUERY,
  SETTINGS_QUERY,
  DATABASE_QUERY,
  CREATED_AT_QUERY,
  EQUALITY_OPFAMILIES_QUERY,
  FOREIGN_KEYS_QUERY,
  INDEX_DEFINITIONS_QUERY,
  OTHER_RELATIONS_QUERY,
  OPCLASSES_QUERY,
  SCHEMAS_QUERY,
  TABLES_QUERY,
  TABLE_USAGE_QUERY,
  featuresFor,
  indexUsageQuery,
  indexesQuery,
} from './queries.js';
import type {
  CollationRow,
  ColumnRow,
  ColumnStatsRow,
  DatabaseRow,
  EqualityOpfamiliesRow,
  ExtensionRow,
  ForeignKeyRow,
  IndexRow,
  IndexUsageRow,
  OpclassRow,
  SettingRow,
  TableRow,
  TableUsageRow,
} from './rows.js';
import { mapColumnStatistics } from './map-stats.js';
import { assembleKeys, keyLookups } from './index-keys.js';
import { plainIndexDefinition } from './index-definition.js';
import { groupByTable, mapColumn, mapIndex, mapIndexUsage, mapTable, mapTableUsage } from './map.js';
import {
  DEFAULT_SESSION_OPTIONS,
  QueryPipeline,
  rowsOf,
  tryQueries,
  withReadOnlyTransaction,
  type ReadOnlySessionOptions,
} from './session.js';
import { readForeignKeys } from './foreign-keys.js';

/** PostgreSQL 18 added B-tree skip scan. */
const PG_SKIP_SCAN_VERSION = 180000;

/** What to read. */
export interface PostgresIntrospectOptions {
  /** Schemas to read; all user schemas when empty or absent. */
  readonly schemas?: readonly string[];
  readonly session?: ReadOnlySessionOptions;
}

/**
 * Indexes whose definition the index query did not print and that are not on plain columns
 * (see index-definition.ts) get the server's, in one more query. An index dropped since the index
 * query ran has no definition left: it keeps an empty one, like a size that could not be measured.
 */
async function withServerDefinitions(db: Queryable, indexes: readonly Index[], rows: readonly IndexRow[]): Promise<Index[]> {
  const missing = rows.filter((_, i) => indexes[i]!.definition === '').map((row) => Number(row.oid));
  if (missing.length === 0) return [...indexes];
  const printed = await rowsOf<{ oid: number; definition: string | null }>(db, INDEX_DEFINITIONS_QUERY, [missing]);
  const byOid = new Map(printed.map((r) => [Number(r.oid), r.definition ?? '']));
  return indexes.map((index, i) => (index.definition === '' ? { ...index, definition: byOid.get(Number(rows[i]!.oid)) ?? '' } : index));
}

/**
 * Reads a PostgreSQL database (12 to 18, or PGlite) into the dialect-neutral model, in one
 * read-only transaction with one query per kind of object.
 *
 * The queries are pipelined: all are sent at once and the connection runs them back to back, so
 * the server works on the next one while this process maps the rows of the one before. The
 * optional statistics queries go last, because a refusal aborts the transaction and would fail
 * every query sent after it.
 */
export async function introspectPostgres(db: Queryable, options: PostgresIntrospectOptions = {}): Promise<SchemaModel> {
  try {
    return await introspectOnce(db, options);
  } catch (error) {
    // A lock taken by other DDL between the lock check and the measurement (lock_not_available):
    // read again, and the lock is seen this time, so that relation goes unmeasured.
    if ((error as { code?: unknown } | null)?.code !== '55P03') throw error;
    return introspectOnce(db, options);
  }
}

async function introspectOnce(db: Queryable, options: PostgresIntrospectOptions): Promise<SchemaModel> {
  const schemaFilter = options.schemas && options.schemas.length > 0 ? [...options.schemas] : null;
  const params = [schemaFilter];
  return withReadOnlyTransaction(
    db,
    async (tx) => {
      const [database] = await rowsOf<DatabaseRow>(tx, DATABASE_QUERY, []);
      if (!database) throw new Error('the server returned no database information');
      // The database's creation time dates statistics that were never reset; only some roles may read it.
      const createdAt = database.can_stat_file
        ? ((await rowsOf<{ created_at: string | null }>(tx, CREATED_AT_QUERY, [database.database_oid]))[0]?.created_at ?? null)
        : null;
      const limitations: string[] = [];
      const pipeline = new QueryPipeline(tx);
      try {
        return await readModel(tx, pipeline, { ...database, created_at: createdAt }, params, limitations);
      } finally {
        // Should mapping fail, nothing may still be running when the transaction is rolled back.
        await pipeline.settled();
      }
    },
    options.session ?? DEFAULT_SESSION_OPTIONS,
  );
}

/** The catalog queries of one audit, sent through `pipeline`, and the model built from their rows. */
async function readModel(
  tx: Queryable,
  pipeline: QueryPipeline,
  database: DatabaseRow,
  params: unknown[],
  limitations: string[],
): Promise<SchemaModel> {
  const features = featuresFor(Number(database.server_version_num));
  // One batch: in one message where the connection allows it (see QueryPipeline.sendAll).
  const main = pipeline.sendAll([
    [SCHEMAS_QUERY, params],
    [SETTINGS_QUERY, [[...AUDIT_SETTINGS]]],
    [EXTENSIONS_QUERY, []],
    [OPCLASSES_QUERY, []],
    [COLLATIONS_QUERY, []],
    [TABLES_QUERY, params],
    [COLUMNS_QUERY, params],
    [indexesQuery(features), params],
    [FOREIGN_KEYS_QUERY, params],
    [EQUALITY_OPFAMILIES_QUERY, []],
    [OTHER_RELATIONS_QUERY, params],
  ]);
  const pendingOptional = tryQueries(pipeline, tx, [
    [COLUMN_STATS_QUERY, params],
    [TABLE_USAGE_QUERY, params],
    [indexUsageQuery(features), params],
  ]);
  pendingOptional.catch(() => undefined);

  const [
    schemaRows,
    settingRows,
    extensionRows,
    opclassRows,
    collationRows,
    tableRows,
    columnRows,
    indexRows,
    foreignKeyRows,
    opfamilyRows,
    otherRelations,
  ] = (await main) as [
    { name: string }[],
    SettingRow[],
    ExtensionRow[],
    OpclassRow[],
    CollationRow[],
    TableRow[],
    ColumnRow[],
    IndexRow[],
    ForeignKeyRow[],
    EqualityOpfamiliesRow[],
    { schema: string; name: string }[],
  ];
  const schemas = schemaRows.map((r) => r.name);
  const columnsByTable = groupByTable(columnRows);
  const lookups = keyLookups(opclassRows, collationRows, tableRows, columnsByTable);

  // Mapped while the server runs the statistics queries; usage is joined last.
  const columnNames = new Map([...columnsByTable].map(([key, columns]) => [key, columns.map((c) => c.name)]));
  const indexesWithoutUsage = indexRows.map((row) => {
    const tableKey = qualifiedKey({ schema: row.schema, name: row.table_name });
    const definition = row.definition ?? plainIndexDefinition(row, tableKey, lookups) ?? '';
    return mapIndex(row, definition, assembleKeys(row, tableKey, lookups), columnNames.get(tableKey) ?? [], null);
  });
  // Summed here rather than with pg_indexes_size, which would open every index a second time.
  const indexSizeByTable = new Map<string, number | null>();
  for (const row of indexRows) {
    const key = qualifiedKey({ schema: row.schema, name: row.table_name });
    const sum = indexSizeByTable.has(key) ? indexSizeByTable.get(key)! : 0;
    indexSizeByTable.set(key, sum === null || row.size_bytes === null ? null : sum + Number(row.size_bytes));
  }
  const locked = [
    ...tableRows.filter((t) => t.size_locked).map((t) => `${t.schema}.${t.name}`),
    ...indexRows.filter((i) => i.size_locked).map((i) => `${i.schema}.${i.name}`),
  ];
  if (locked.length > 0) {
    limitations.push(
      `sizes unknown for ${locked.join(', ')}: another session holds (or waits for) an ACCESS EXCLUSIVE lock on ${locked.length === 1 ? 'it' : 'them'}, and measuring would wait behind it`,
    );
  }
  if (tableRows.some((t) => t.size_bytes === null && !t.size_locked) || indexRows.some((i) => i.size_bytes === null && !i.size_locked)) {
    limitations.push('some relation sizes could not be measured (dropped while reading, or not visible)');
  }

  const [columnStatsRows, tableUsageRows, indexUsageRows] = (await pendingOptional) as [
    ColumnStatsRow[] | null,
    TableUsageRow[] | null,
    IndexUsageRow[] | null,
  ];
  if (columnStatsRows === null) limitations.push('column statistics (pg_stats) could not be read: value distributions are unknown');
  if (tableUsageRows === null)
    limitations.push('table usage statistics (pg_stat_user_tables) could not be read: write and scan counts are unknown');
  if (indexUsageRows === null)
    limitations.push('index usage statistics (pg_stat_user_indexes) could not be read: index scan counts are unknown');

  // Nothing is in flight any more: the queries that depend on what was read can go now.
  const foreignKeys = await readForeignKeys(tx, foreignKeyRows, opfamilyRows, lookups);
  const indexUsage = new Map<string, IndexUsage>();
  for (const row of indexUsageRows ?? []) indexUsage.set(qualifiedKey(row), mapIndexUsage(row));
  const indexes = await withServerDefinitions(tx, indexesWithoutUsage, indexRows);
  // Set in place rather than copied: these objects were made here, a moment ago, and nothing else holds them yet.
  for (const index of indexes) (index as { usage: IndexUsage | null }).usage = indexUsage.get(qualifiedKey(index)) ?? null;

  const tableUsage = new Map<string, TableUsage>();
  for (const row of tableUsageRows ?? []) tableUsage.set(qualifiedKey({ schema: row.schema, name: row.table_name }), mapTableUsage(row));
  const statsByColumn = new Map<string, ColumnStatsRow>();
  for (const row of columnStatsRows ?? [])
    statsByColumn.set(`${qualifiedKey({ schema: row.schema, name: row.table_name })}\u0000${row.name}`, row);
  const tables: Table[] = tableRows.map((row) => {
    const key = qualifiedKey(row);
    const rowEstimate = row.row_estimate === null ? null : Number(row.row_estimate);
    const columns = (columnsByTable.get(key) ?? []).map((column) => {
      const stats = statsByColumn.get(`${key}\u0000${column.name}`);
      return mapColumn(column, stats ? mapColumnStatistics(stats, rowEstimate) : null);
    });
    return mapTable(row, columns, tableUsage.get(key) ?? null, indexSizeByTable.has(key) ? indexSizeByTable.get(key)! : 0);
  });

  return {
    dialect: 'postgres',
    capabilities: {
      usageStatistics: tableUsageRows !== null && indexUsageRows !== null,
      sizes: true,
      foreignKeysAutoIndexed: false,
      concurrentIndexBuild: true,
      partialIndexes: true,
      btreeSkipScan: Number(database.server_version_num) >= PG_SKIP_SCAN_VERSION,
    },
    database: {
      name: database.name,
      serverVersion: database.server_version,
      serverVersionNum: Number(database.server_version_num),
      statsResetAt: database.stats_reset,
      readAt: database.read_at,
      settings: Object.fromEntries(settingRows.map((r) => [r.name, r.setting])),
      extensions: extensionRows.map((r) => ({ name: r.name, version: r.version, schema: r.schema })),
      inRecovery: database.in_recovery,
      defaultCollation: database.default_collation,
      createdAt: database.created_at ?? null,
      clusterStatsSince: database.cluster_stats_since,
    },
    schemas,
    tables,
    indexes,
    foreignKeys,
    otherRelations: otherRelations.map((r) => ({ schema: r.schema, name: r.name })),
    limitations,
  } satisfies SchemaModel;
}
