import type { BackedConstraint, Column, ColumnStatistics, Index, IndexKey, IndexUsage, Table, TableUsage } from '../../../model/types.js';
import { qualifiedKey } from '../../../model/lookup.js';
import { typeCategoryOf } from './map-stats.js';
import type { ColumnRow, IndexKeyJson, IndexRow, IndexUsageRow, TableRow, TableUsageRow } from './rows.js';

/** pg_index.indoption bits (see pg_index.h). */
const INDOPTION_DESC = 1;
const INDOPTION_NULLS_FIRST = 2;

/** Access methods whose keys have a sort order. */
const ORDERED_METHODS = new Set(['btree']);

function num(value: number | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value);
}

function parseTextArray(value: string[] | string | null): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value;
  // Some clients leave text[] unparsed ("{a=1,b=2}"); storage parameters never contain commas or quotes that matter here.
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map((s) => s.replace(/^"|"$/g, ''));
}

/** Column names an index expression reads: every table column whose name appears as an identifier in it. */
function columnsInExpression(expression: string, columnNames: readonly string[]): string[] {
  const identifiers = new Set<string>();
  for (const match of expression.matchAll(/"((?:[^"]|"")+)"|([A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)/g)) {
    identifiers.add(match[1] !== undefined ? match[1].replace(/""/g, '"') : (match[2] ?? '').toLowerCase());
  }
  return columnNames.filter((c) => identifiers.has(c));
}

/** `indexesSizeBytes` is the sum of the table's index sizes, measured once per index by the index query. */
export function mapTable(row: TableRow, columns: readonly Column[], usage: TableUsage | null, indexesSizeBytes: number | null): Table {
  return {
    schema: row.schema,
    name: row.name,
    kind: row.relkind === 'p' ? 'partitioned' : row.relkind === 'm' ? 'materialized-view' : row.is_partition ? 'partition' : 'table',
    parent: row.parent_schema !== null && row.parent_name !== null ? { schema: row.parent_schema, name: row.parent_name } : null,
    columns,
    rowEstimate: row.row_estimate === null ? null : num(row.row_estimate),
    sizeBytes: row.size_bytes === null ? null : num(row.size_bytes),
    indexesSizeBytes,
    usage,
    replicaIdentityIndex: row.replica_identity === 'i' ? row.replica_identity_index : null,
    comment: row.comment,
  };
}

export function mapColumn(row: ColumnRow, statistics: ColumnStatistics | null): Column {
  return {
    name: row.name,
    position: num(row.position),
    type: row.type,
    notNull: row.not_null,
    collation: row.collation,
    typeCategory: typeCategoryOf(row.type_category, row.base_type_name),
    statistics,
  };
}

export function mapTableUsage(row: TableUsageRow): TableUsage {
  return {
    seqScans: num(row.seq_scan),
    seqTuplesRead: num(row.seq_tup_read),
    indexScans: num(row.idx_scan),
    indexTuplesFetched: num(row.idx_tup_fetch),
    inserts: num(row.n_tup_ins),
    updates: num(row.n_tup_upd),
    hotUpdates: num(row.n_tup_hot_upd),
    deletes: num(row.n_tup_del),
    liveTuples: num(row.n_live_tup),
    deadTuples: num(row.n_dead_tup),
    lastVacuum: row.last_vacuum,
    lastAutovacuum: row.last_autovacuum,
    lastAnalyze: row.last_analyze,
    lastAutoanalyze: row.last_autoanalyze,
  };
}

export function mapIndexUsage(row: IndexUsageRow): IndexUsage {
  return {
    scans: num(row.idx_scan),
    tuplesRead: num(row.idx_tup_read),
    tuplesFetched: num(row.idx_tup_fetch),
    lastScanAt: row.last_idx_scan,
  };
}

function mapKey(key: IndexKeyJson, method: string, columnNames: readonly string[]): IndexKey {
  const isColumn = key.attnum !== 0 && key.column !== null;
  const option = key.option ?? 0;
  return {
    kind: isColumn ? 'column' : 'expression',
    column: isColumn ? key.column : null,
    expression: key.expression,
    referencedColumns: isColumn && key.column !== null ? [key.column] : columnsInExpression(key.expression, columnNames),
    opclass: key.opclass,
    opclassIsDefault: key.opclass_default ?? true,
    opfamily: key.opfamily,
    collation: key.collation,
    collationIsDefault: key.collation_default,
    ordering: ORDERED_METHODS.has(method)
      ? { descending: (option & INDOPTION_DESC) !== 0, nullsFirst: (option & INDOPTION_NULLS_FIRST) !== 0 }
      : null,
  };
}

function mapConstraint(row: IndexRow): BackedConstraint | null {
  if (row.constraint_name === null || row.constraint_type === null) return null;
  return {
    name: row.constraint_name,
    type: row.constraint_type === 'p' ? 'primary' : row.constraint_type === 'u' ? 'unique' : 'exclusion',
    immediate: row.constraint_deferrable !== true,
    definition: row.constraint_definition ?? '',
  };
}

/** `columnNames` are the table's columns, which an expression key may read. */
export function mapIndex(
  row: IndexRow,
  definition: string,
  keys: readonly IndexKeyJson[],
  columnNames: readonly string[],
  usage: IndexUsage | null,
): Index {
  const allKeys = keys;
  const keyCount = num(row.key_count);
  return {
    schema: row.schema,
    name: row.name,
    table: row.table_name,
    method: row.method,
    keys: allKeys.slice(0, keyCount).map((k) => mapKey(k, row.method, columnNames)),
    include: allKeys.slice(keyCount).map((k) => k.column ?? k.expression),
    predicate: row.predicate,
    unique: row.is_unique,
    primary: row.is_primary,
    nullsNotDistinct: row.nulls_not_distinct,
    constraint: mapConstraint(row),
    valid: row.is_valid,
    ready: row.is_ready,
    partitioned: row.is_partitioned,
    parentIndex:
      row.parent_index_schema !== null && row.parent_index_name !== null
        ? { schema: row.parent_index_schema, name: row.parent_index_name }
        : null,
    referencedByForeignKeys: row.referencing_fks ?? [],
    replicaIdentity: row.is_replica_identity,
    sizeBytes: row.size_bytes === null ? null : num(row.size_bytes),
    definition,
    tablespace: row.tablespace,
    storageParameters: parseTextArray(row.storage_parameters),
    comment: row.comment,
    usage,
    creationOrder: num(row.oid),
  };
}

/** Groups rows by their table's qualified name. */
export function groupByTable<T extends { schema: string; table_name: string }>(rows: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const key = qualifiedKey({ schema: row.schema, name: row.table_name });
    const list = map.get(key);
    if (list) list.push(row);
    else map.set(key, [row]);
  }
  return map;
}
