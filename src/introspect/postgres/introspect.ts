import type { IndexUsage, SchemaModel, Table, TableUsage } from '../../model/types.js';
import { qualifiedKey } from '../../model/lookup.js';
import type { Queryable } from '../types.js';
import {
  AUDIT_SETTINGS,
  COLLATIONS_QUERY,
  COLUMN_STATS_QUERY,
  COLUMNS_QUERY,
  EXTENSIONS_QUERY,
  SETTINGS_QUERY,
  DATABASE_QUERY,
  FOREIGN_KEYS_QUERY,
  OPCLASSES_QUERY,
  SCHEMAS_QUERY,
  TABLES_QUERY,
  TABLE_USAGE_QUERY,
  featuresFor,
  indexUsageQuery,
  indexesQuery,
} from './queries.js';
import type { CollationRow, ColumnRow, ColumnStatsRow, OpclassRow, DatabaseRow, ExtensionRow, SettingRow, ForeignKeyRow, IndexRow, IndexUsageRow, TableRow, TableUsageRow } from './rows.js';
import { mapColumnStatistics } from './map-stats.js';
import { assembleKeys, keyLookups } from './index-keys.js';
import { groupByTable, mapColumn, mapForeignKey, mapIndex, mapIndexUsage, mapTable, mapTableUsage } from './map.js';
import { DEFAULT_SESSION_OPTIONS, tryQuery, withReadOnlyTransaction, type ReadOnlySessionOptions } from './session.js';

/** What to read. */
export interface PostgresIntrospectOptions {
  /** Schemas to read; all user schemas when empty or absent. */
  readonly schemas?: readonly string[];
  readonly session?: ReadOnlySessionOptions;
}

async function rowsOf<T>(db: Queryable, text: string, params: unknown[]): Promise<T[]> {
  const { rows } = await db.query(text, params);
  return rows as T[];
}

/**
 * Reads a PostgreSQL database (12 to 18, or PGlite) into the dialect-neutral model, in one
 * read-only transaction with one query per kind of object.
 */
export async function introspectPostgres(db: Queryable, options: PostgresIntrospectOptions = {}): Promise<SchemaModel> {
  const schemaFilter = options.schemas && options.schemas.length > 0 ? [...options.schemas] : null;
  const params = [schemaFilter];
  return withReadOnlyTransaction(
    db,
    async (tx) => {
      const [database] = await rowsOf<DatabaseRow>(tx, DATABASE_QUERY, []);
      if (!database) throw new Error('the server returned no database information');
      const features = featuresFor(Number(database.server_version_num));
      const limitations: string[] = [];

      const schemas = (await rowsOf<{ name: string }>(tx, SCHEMAS_QUERY, params)).map((r) => r.name);
      const tableRows = await rowsOf<TableRow>(tx, TABLES_QUERY, params);
      const columnRows = await rowsOf<ColumnRow>(tx, COLUMNS_QUERY, params);
      const indexRows = await rowsOf<IndexRow>(tx, indexesQuery(features), params);
      const fkRows = await rowsOf<ForeignKeyRow>(tx, FOREIGN_KEYS_QUERY, params);
      const opclassRows = await rowsOf<OpclassRow>(tx, OPCLASSES_QUERY, []);
      const collationRows = await rowsOf<CollationRow>(tx, COLLATIONS_QUERY, []);
      const settingRows = await rowsOf<SettingRow>(tx, SETTINGS_QUERY, [[...AUDIT_SETTINGS]]);
      const extensionRows = await rowsOf<ExtensionRow>(tx, EXTENSIONS_QUERY, []);
      const columnStatsRows = (await tryQuery(tx, COLUMN_STATS_QUERY, params)) as ColumnStatsRow[] | null;
      if (columnStatsRows === null) limitations.push('column statistics (pg_stats) could not be read: value distributions are unknown');

      const tableUsageRows = (await tryQuery(tx, TABLE_USAGE_QUERY, params)) as TableUsageRow[] | null;
      const indexUsageRows = (await tryQuery(tx, indexUsageQuery(features), params)) as IndexUsageRow[] | null;
      if (tableUsageRows === null) limitations.push('table usage statistics (pg_stat_user_tables) could not be read: write and scan counts are unknown');
      if (indexUsageRows === null) limitations.push('index usage statistics (pg_stat_user_indexes) could not be read: index scan counts are unknown');

      const tableUsage = new Map<string, TableUsage>();
      for (const row of tableUsageRows ?? []) tableUsage.set(qualifiedKey({ schema: row.schema, name: row.table_name }), mapTableUsage(row));
      const indexUsage = new Map<string, IndexUsage>();
      for (const row of indexUsageRows ?? []) indexUsage.set(qualifiedKey(row), mapIndexUsage(row));

      const statsByColumn = new Map<string, ColumnStatsRow>();
      for (const row of columnStatsRows ?? []) statsByColumn.set(`${qualifiedKey({ schema: row.schema, name: row.table_name })}\u0000${row.name}`, row);
      // Summed here rather than with pg_indexes_size, which would open every index a second time.
      const indexSizeByTable = new Map<string, number | null>();
      for (const row of indexRows) {
        const key = qualifiedKey({ schema: row.schema, name: row.table_name });
        const sum = indexSizeByTable.has(key) ? indexSizeByTable.get(key)! : 0;
        indexSizeByTable.set(key, sum === null || row.size_bytes === null ? null : sum + Number(row.size_bytes));
      }
      const columnsByTable = groupByTable(columnRows);
      const tables: Table[] = tableRows.map((row) => {
        const key = qualifiedKey(row);
        const rowEstimate = row.row_estimate === null ? null : Number(row.row_estimate);
        const columns = (columnsByTable.get(key) ?? []).map((column) => {
          const stats = statsByColumn.get(`${key}\u0000${column.name}`);
          return mapColumn(column, stats ? mapColumnStatistics(stats, rowEstimate) : null);
        });
        return mapTable(row, columns, tableUsage.get(key) ?? null, indexSizeByTable.has(key) ? indexSizeByTable.get(key)! : 0);
      });
      const tableByKey = new Map(tables.map((t) => [qualifiedKey(t), t]));
      const lookups = keyLookups(opclassRows, collationRows, columnsByTable);
      const indexes = indexRows.map((row) => {
        const tableKey = qualifiedKey({ schema: row.schema, name: row.table_name });
        return mapIndex(row, assembleKeys(row, tableKey, lookups), tableByKey.get(tableKey), indexUsage.get(qualifiedKey(row)) ?? null);
      });
      if (tableRows.some((t) => t.size_bytes === null) || indexRows.some((i) => i.size_bytes === null)) {
        limitations.push('some relation sizes could not be measured (dropped while reading, or not visible)');
      }

      return {
        dialect: 'postgres',
        capabilities: {
          usageStatistics: tableUsageRows !== null && indexUsageRows !== null,
          sizes: true,
          foreignKeysAutoIndexed: false,
          concurrentIndexBuild: true,
          partialIndexes: true,
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
        },
        schemas,
        tables,
        indexes,
        foreignKeys: fkRows.map(mapForeignKey),
        limitations,
      } satisfies SchemaModel;
    },
    options.session ?? DEFAULT_SESSION_OPTIONS,
  );
}
