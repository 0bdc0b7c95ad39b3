import type Database from 'better-sqlite3';
import type { Column, QualifiedName, SchemaModel, Table } from '../../model/types.js';
import { columnCollations } from './ddl-text.js';
import { SQLITE_SCHEMA, mapSqliteIndexes, rowidIndex, rowidIndexName, type SqliteTableFacts } from './map-indexes.js';
import { foreignKeysByParentIndex, mapSqliteColumn, mapSqliteForeignKeys, rowidAliasOf } from './map-tables.js';
import {
  COLUMNS_QUERY,
  DATABASE_QUERY,
  FOREIGN_KEYS_QUERY,
  INDEX_COLUMNS_QUERY,
  RELATIONS_QUERY,
  SIZES_QUERY,
  STAT1_QUERY,
} from './queries.js';
import type { ColumnRow, DatabaseRow, ForeignKeyRow, IndexColumnRow, RelationRow, SizeRow, Stat1Row } from './rows.js';

/** What to read, and how the file was opened. */
export interface SqliteIntrospectOptions {
  /** How the file is named in the model (the path as the user gave it). */
  readonly name: string;
  /** The file's journal mode from its header (byte 18: 1 rollback journal, 2 WAL). */
  readonly journalMode?: 'wal' | 'rollback';
}

function all<T>(db: Database.Database, sql: string): T[] {
  return db.prepare(sql).all() as T[];
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

/** sqlite_stat1 rows as numbers: the row count, then the average rows per key prefix (flags such as `unordered` dropped). */
function stat1Numbers(stat: string): number[] {
  const numbers: number[] = [];
  for (const word of stat.trim().split(/\s+/)) {
    if (!/^\d+$/.test(word)) break;
    numbers.push(Number(word));
  }
  return numbers;
}

/** "3.53.2" → 3053002, as SQLITE_VERSION_NUMBER. */
function versionNumber(version: string): number {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  return major * 1_000_000 + minor * 1_000 + patch;
}

/**
 * Reads a SQLite database into the dialect-neutral model with one query per kind of object
 * (sqlite_schema joined with pragma_table_xinfo, pragma_index_list, pragma_index_xinfo and
 * pragma_foreign_key_list), plus sqlite_stat1 and dbstat when present. The connection must be
 * open read-only (see openSqliteFile); nothing here writes.
 */
export function introspectSqlite(db: Database.Database, options: SqliteIntrospectOptions): SchemaModel {
  const readAt = new Date().toISOString();
  const limitations: string[] = [];
  const info = all<DatabaseRow>(db, DATABASE_QUERY)[0]!;
  const relations = all<RelationRow>(db, RELATIONS_QUERY);
  const columnRows = all<ColumnRow>(db, COLUMNS_QUERY);
  const indexRows = all<IndexColumnRow>(db, INDEX_COLUMNS_QUERY);
  const foreignKeyRows = all<ForeignKeyRow>(db, FOREIGN_KEYS_QUERY);
  const stat1Rows = info.has_stat1 === 1 ? all<Stat1Row>(db, STAT1_QUERY) : null;
  let sizes: Map<string, number> | null = null;
  try {
    sizes = new Map(all<SizeRow>(db, SIZES_QUERY).map((r) => [r.name, Number(r.bytes)]));
  } catch (error) {
    limitations.push(`object sizes could not be read (dbstat: ${error instanceof Error ? error.message : String(error)})`);
  }

  const tableRelations = relations.filter((r) => r.type === 'table');
  const columnsByTable = groupBy(columnRows, (c) => c.table_name);
  const primaryKeyIndexTables = new Set(indexRows.filter((r) => r.origin === 'pk').map((r) => r.table_name));
  const stat1 = new Map<string, number[]>();
  const rowEstimates = new Map<string, number>();
  for (const row of stat1Rows ?? []) {
    const numbers = stat1Numbers(row.stat);
    if (numbers.length === 0) continue;
    rowEstimates.set(row.tbl, numbers[0]!);
    if (row.idx !== null) stat1.set(row.idx, numbers);
  }

  const columns = new Map<string, Column[]>();
  const facts = new Map<string, SqliteTableFacts>();
  const primaryKeys = new Map<string, string[]>();
  for (const relation of tableRelations) {
    const rows = columnsByTable.get(relation.name) ?? [];
    const collations = relation.sql === null ? new Map<string, string>() : columnCollations(relation.sql);
    const lowerCollations = new Map([...collations].map(([k, v]) => [k.toLowerCase(), v]));
    const mapped = rows.map((r) => mapSqliteColumn(r, lowerCollations.get(r.name.toLowerCase())));
    columns.set(relation.name, mapped);
    const withoutRowid = relation.wr === 1;
    facts.set(relation.name, {
      columns: mapped,
      withoutRowid,
      rowidAlias: withoutRowid ? null : rowidAliasOf(rows, primaryKeyIndexTables.has(relation.name)),
    });
    primaryKeys.set(
      relation.name,
      rows
        .filter((r) => r.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((r) => r.name),
    );
  }

  const rowidAliases = new Map([...facts].map(([table, f]) => [table, f.rowidAlias]));
  const foreignKeys = mapSqliteForeignKeys(foreignKeyRows, { columns, primaryKeys, rowidAliases }, limitations);
  const indexGroups = groupBy(indexRows, (r) => `${r.table_name}\u0000${r.index_name}`);
  const candidates = [
    ...[...indexGroups.values()].map((g) => ({
      table: g[0]!.table_name,
      name: g[0]!.index_name,
      unique: g[0]!.is_unique === 1,
      partial: g[0]!.partial === 1,
      columns: g.filter((r) => r.is_key === 1 && r.cid >= 0).map((r) => r.column_name ?? ''),
    })),
    ...[...facts]
      .filter(([, f]) => f.rowidAlias !== null)
      .map(([table, f]) => ({ table, name: rowidIndexName(table), unique: true, partial: false, columns: [f.rowidAlias!] })),
  ];
  const context = { tables: facts, sizes, stat1, referencedBy: foreignKeysByParentIndex(foreignKeys, candidates), limitations };
  const indexes = [
    ...[...facts]
      .filter(([, f]) => f.rowidAlias !== null)
      .map(([table, f]) => rowidIndex(table, f.rowidAlias!, context, rowEstimates.get(table) ?? null)),
    ...mapSqliteIndexes(indexRows, context),
  ];

  const tables: Table[] = tableRelations.map((relation) => {
    const f = facts.get(relation.name)!;
    const own = indexes.filter((i) => i.table === relation.name && i.clustered !== true);
    const indexesSize = sizes === null || own.some((i) => i.sizeBytes === null) ? null : own.reduce((sum, i) => sum + i.sizeBytes!, 0);
    return {
      schema: SQLITE_SCHEMA,
      name: relation.name,
      kind: 'table',
      parent: null,
      columns: f.columns,
      rowEstimate: rowEstimates.get(relation.name) ?? null,
      sizeBytes: sizes?.get(relation.name) ?? null,
      indexesSizeBytes: indexesSize,
      usage: null,
      replicaIdentityIndex: null,
      comment: null,
      // Rows are stored by the primary key in a WITHOUT ROWID table, and by the rowid, which an INTEGER PRIMARY KEY is.
      clusteredOnPrimaryKey: f.withoutRowid || f.rowidAlias !== null,
      ...(f.withoutRowid ? {} : { rowidAlias: f.rowidAlias }),
    };
  });

  limitations.push(
    'SQLite keeps no usage statistics: whether an index is used is unknown (give the queries the application runs to judge it)',
  );
  if (stat1Rows === null) {
    limitations.push('ANALYZE has not been run (no sqlite_stat1): row counts and distinct-value estimates are unknown');
  } else {
    const missing = tables.filter((t) => t.rowEstimate === null).map((t) => t.name);
    if (missing.length > 0)
      limitations.push(
        `sqlite_stat1 has no row for ${missing.join(', ')} (empty when ANALYZE ran, or created since): their row counts are unknown`,
      );
  }
  limitations.push('SQLite keeps no per-column statistics: value distributions are unknown beyond the per-index averages of sqlite_stat1');

  const otherRelations: QualifiedName[] = relations.filter((r) => r.type !== 'table').map((r) => ({ schema: SQLITE_SCHEMA, name: r.name }));
  return {
    dialect: 'sqlite',
    capabilities: {
      usageStatistics: false,
      sizes: sizes !== null,
      foreignKeysAutoIndexed: false,
      concurrentIndexBuild: false,
      partialIndexes: true,
      serverSettings: true,
      foreignKeyNeedsIndex: false,
      partialIndexesServeForeignKeys: false,
      indexVisibility: null,
      primaryKeyFromIndex: false,
      partitioningPlan: false,
      constraintIndexesDroppable: false,
      onlineIndexBuild: null,
      indexNamespace: 'schema',
    },
    database: {
      name: options.name,
      // The library reading the file, not the one the application links: the file format is the same.
      serverVersion: info.version,
      serverVersionNum: versionNumber(info.version),
      statsResetAt: null,
      readAt,
      settings: {
        page_size: String(info.page_size),
        page_count: String(info.page_count),
        freelist_count: String(info.freelist_count),
        encoding: info.encoding,
        user_version: String(info.user_version),
        application_id: String(info.application_id),
        auto_vacuum: String(info.auto_vacuum),
        ...(options.journalMode ? { journal_mode: options.journalMode } : {}),
      },
      extensions: [],
      inRecovery: false,
    },
    schemas: [SQLITE_SCHEMA],
    tables,
    indexes,
    foreignKeys,
    otherRelations,
    limitations,
  };
}
