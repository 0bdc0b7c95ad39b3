import type { IndexUsage, SchemaModel, Table, TableUsage } from '../../model/types.js';
import { qualifiedKey } from '../../model/lookup.js';
import type { Queryable } from '../types.js';
import {
  COLUMNS_QUERY,
  DATABASE_QUERY,
  FOREIGN_KEYS_QUERY,
  SCHEMAS_QUERY,
  TABLES_QUERY,
  TABLE_USAGE_QUERY,
  featuresFor,
  indexUsageQuery,
  indexesQuery,
} from './queries.js';
import type { ColumnRow, DatabaseRow, ForeignKeyRow, IndexRow, IndexUsageRow, TableRow, TableUsageRow } from './rows.js';
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

      const tableUsageRows = (await tryQuery(tx, TABLE_USAGE_QUERY, params)) as TableUsageRow[] | null;
      const indexUsageRows = (await tryQuery(tx, indexUsageQuery(features), params)) as IndexUsageRow[] | null;
      if (tableUsageRows === null) limitations.push('table usage statistics (pg_stat_user_tables) could not be read: write and scan counts are unknown');
      if (indexUsageRows === null) limitations.push('index usage statistics (pg_stat_user_indexes) could not be read: index scan counts are unknown');

      const tableUsage = new Map<string, TableUsage>();
      for (const row of tableUsageRows ?? []) tableUsage.set(qualifiedKey({ schema: row.schema, name: row.table_name }), mapTableUsage(row));
      const indexUsage = new Map<string, IndexUsage>();
      for (const row of indexUsageRows ?? []) indexUsage.set(qualifiedKey(row), mapIndexUsage(row));

      const columnsByTable = groupByTable(columnRows);
      const tables: Table[] = tableRows.map((row) => {
        const key = qualifiedKey(row);
        return mapTable(row, (columnsByTable.get(key) ?? []).map(mapColumn), tableUsage.get(key) ?? null);
      });
      const tableByKey = new Map(tables.map((t) => [qualifiedKey(t), t]));
      const indexes = indexRows.map((row) =>
        mapIndex(row, tableByKey.get(qualifiedKey({ schema: row.schema, name: row.table_name })), indexUsage.get(qualifiedKey(row)) ?? null),
      );
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
