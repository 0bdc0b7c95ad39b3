import type { Column, ColumnStatistics, Table, TableUsage, TypeCategory } from '../../model/types.js';
import type { ColumnRow, TableRow } from './rows.js';

/**
 * information_schema.COLUMNS.DATA_TYPE → what kind of values a column holds. `tinyint(1)` stays
 * numeric although ORMs use it for booleans: it holds -128..127, and a rule that counted on two
 * values would be guessing. MariaDB's JSON is a LONGTEXT alias and reads as string.
 */
const CATEGORY_BY_DATA_TYPE: Readonly<Record<string, TypeCategory>> = {
  tinyint: 'numeric',
  smallint: 'numeric',
  mediumint: 'numeric',
  int: 'numeric',
  integer: 'numeric',
  bigint: 'numeric',
  decimal: 'numeric',
  numeric: 'numeric',
  float: 'numeric',
  double: 'numeric',
  real: 'numeric',
  bool: 'boolean',
  boolean: 'boolean',
  char: 'string',
  varchar: 'string',
  tinytext: 'string',
  text: 'string',
  mediumtext: 'string',
  longtext: 'string',
  enum: 'enum',
  date: 'datetime',
  datetime: 'datetime',
  timestamp: 'datetime',
  time: 'datetime',
  year: 'datetime',
  json: 'json',
  bit: 'bitstring',
  uuid: 'uuid',
  inet4: 'network',
  inet6: 'network',
  geometry: 'geometric',
  point: 'geometric',
  linestring: 'geometric',
  polygon: 'geometric',
  multipoint: 'geometric',
  multilinestring: 'geometric',
  multipolygon: 'geometric',
  geometrycollection: 'geometric',
  geomcollection: 'geometric',
};

/** The category of a DATA_TYPE; binary strings, BLOBs and SET are `other`. */
function mysqlTypeCategory(dataType: string): TypeCategory {
  return CATEGORY_BY_DATA_TYPE[dataType.toLowerCase()] ?? 'other';
}

/** A count from the catalog, or null. */
export function countOf(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * A column. Its collation is named only when it differs from the table's default collation (the
 * one a column gets when it names none), as the model asks.
 */
export function mapMysqlColumn(row: ColumnRow, tableCollation: string | null, statistics: ColumnStatistics | null): Column {
  return {
    name: row.column_name,
    position: Number(row.ordinal_position),
    type: row.column_type,
    notNull: row.is_nullable === 'NO',
    collation: row.collation_name !== null && row.collation_name !== tableCollation ? row.collation_name : null,
    typeCategory: mysqlTypeCategory(row.data_type),
    statistics,
  };
}

/** Engines whose tables are stored in primary-key order, so every secondary index ends with the primary key. */
const CLUSTERED_ENGINES = new Set(['innodb', 'tokudb', 'rocksdb']);

/**
 * A table. TABLE_ROWS is the engine's estimate (InnoDB samples; MyISAM counts exactly);
 * DATA_LENGTH is the heap, or for InnoDB the clustered primary key that holds the rows;
 * INDEX_LENGTH the secondary indexes.
 */
export function mapMysqlTable(row: TableRow, columns: readonly Column[], usage: TableUsage | null): Table {
  const engine = row.engine;
  return {
    schema: row.table_schema,
    name: row.table_name,
    kind: 'table',
    parent: null,
    columns,
    rowEstimate: countOf(row.table_rows),
    sizeBytes: countOf(row.data_length),
    indexesSizeBytes: countOf(row.index_length),
    usage,
    replicaIdentityIndex: null,
    comment: row.table_comment ? row.table_comment : null,
    engine,
    clusteredOnPrimaryKey: engine !== null && CLUSTERED_ENGINES.has(engine.toLowerCase()),
  };
}
