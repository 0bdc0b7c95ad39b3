import type { BackedConstraint, Column, Index, IndexKey, QualifiedName } from '../../model/types.js';
import { primaryKeySuffix } from '../../semantics/keys.js';
import { identifiersIn, parseCreateIndex } from './ddl-text.js';
import type { IndexColumnRow } from './rows.js';

/** The one schema of a SQLite file as the model names it (attached databases are not read). */
export const SQLITE_SCHEMA = 'main';

/** An identifier in double quotes, a double quote inside doubled. */
export function quoteSqliteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** What index mapping needs to know of a table. */
export interface SqliteTableFacts {
  readonly columns: readonly Column[];
  readonly withoutRowid: boolean;
  /** The INTEGER PRIMARY KEY column of a rowid table, else null. */
  readonly rowidAlias: string | null;
}

/** Everything mapSqliteIndexes needs besides the index rows. */
export interface SqliteIndexContext {
  readonly tables: ReadonlyMap<string, SqliteTableFacts>;
  /** Bytes per b-tree name (dbstat), when readable. */
  readonly sizes: ReadonlyMap<string, number> | null;
  /** Per index name: rows, then average rows per key prefix (sqlite_stat1). */
  readonly stat1: ReadonlyMap<string, readonly number[]>;
  /** Per `table\0index`: foreign keys that reference the table through the index. */
  readonly referencedBy: ReadonlyMap<string, readonly QualifiedName[]>;
  /** Where an index's CREATE text could not be read, in words. */
  readonly limitations: string[];
}

/** The collation a column compares with when a key names none: its declared one, else BINARY. */
function columnCollation(columns: readonly Column[], name: string | null): string {
  return columns.find((c) => c.name === name)?.collation ?? 'BINARY';
}

/** Distinct values per key prefix from sqlite_stat1: rows ÷ average rows per key of each prefix. */
function prefixDistinct(stat: readonly number[] | undefined, keyCount: number): (number | null)[] | undefined {
  if (!stat) return undefined;
  const rows = stat[0]!;
  return Array.from({ length: keyCount }, (_, i) => {
    const perKey = stat[i + 1];
    return perKey === undefined || perKey <= 0 ? null : Math.round(rows / perKey);
  });
}

/**
 * Text for an automatic index, which has no CREATE INDEX of its own (sqlite_schema.sql is NULL):
 * the constraint clause of CREATE TABLE that made it, e.g. `UNIQUE ("email" COLLATE NOCASE)`.
 */
function constraintClause(primary: boolean, keys: readonly IndexKey[]): string {
  const parts = keys.map((k) => {
    const collate = k.collation !== null && !k.collationIsDefault ? ` COLLATE ${k.collation}` : '';
    return `${quoteSqliteIdentifier(k.column ?? '')}${collate}${k.ordering?.descending ? ' DESC' : ''}`;
  });
  return `${primary ? 'PRIMARY KEY' : 'UNIQUE'} (${parts.join(', ')})`;
}

function mapKey(row: IndexColumnRow, text: string | undefined, columns: readonly Column[]): IndexKey {
  const descending = row.descending === 1;
  // Collation names are case-insensitive in SQLite; pragma_index_xinfo gives them as the CREATE INDEX wrote them.
  const collation = (row.collation ?? 'BINARY').toUpperCase();
  const common = {
    opclass: null,
    opclassIsDefault: true,
    opfamily: null,
    collation,
    ordering: { descending, nullsFirst: !descending },
  };
  if (row.cid === -2) {
    const expression = text ?? '';
    // SQLite compares identifiers without regard to case.
    const named = new Set(identifiersIn(expression).map((n) => n.toLowerCase()));
    const referencedColumns = columns.filter((c) => named.has(c.name.toLowerCase())).map((c) => c.name);
    return {
      kind: 'expression',
      column: null,
      expression,
      referencedColumns,
      ...common,
      collationIsDefault: collation.toUpperCase() === 'BINARY',
    };
  }
  const column = row.cid === -1 ? 'rowid' : (row.column_name ?? '');
  return {
    kind: 'column',
    column,
    expression: quoteSqliteIdentifier(column),
    referencedColumns: [column],
    ...common,
    collationIsDefault: collation.toUpperCase() === columnCollation(columns, column).toUpperCase(),
  };
}

/**
 * What SQLite stores after the declared keys (pragma_index_xinfo's auxiliary columns): the rowid of a
 * rowid table, which is the INTEGER PRIMARY KEY column when there is one (a rowid without such a column
 * is not a column queries name, so it is left out), or a WITHOUT ROWID table's primary-key columns.
 */
function implicitKeysOf(group: readonly IndexColumnRow[], table: SqliteTableFacts, declared: readonly IndexKey[]): IndexKey[] {
  const alias = table.rowidAlias;
  const aux = group
    .filter((r) => r.is_key === 0 && (r.cid >= 0 || (r.cid === -1 && alias !== null)))
    .map((r) => mapKey(r.cid === -1 ? { ...r, cid: 0, column_name: alias } : r, undefined, table.columns));
  return primaryKeySuffix(declared, aux);
}

/** Groups INDEX_COLUMNS_QUERY rows (ordered by table, index, seqno) into indexes. */
export function mapSqliteIndexes(rows: readonly IndexColumnRow[], context: SqliteIndexContext): Index[] {
  const groups = new Map<string, IndexColumnRow[]>();
  for (const row of rows) {
    const key = `${row.table_name}\u0000${row.index_name}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const indexes: Index[] = [];
  for (const [key, group] of groups) {
    const first = group[0]!;
    const table = context.tables.get(first.table_name);
    if (!table) continue;
    const parsed = first.sql === null ? null : parseCreateIndex(first.sql);
    if (first.sql !== null && parsed === null)
      context.limitations.push(
        `the CREATE INDEX text of ${first.index_name} could not be read: its expression keys and predicate are unknown`,
      );
    const keyRows = group.filter((r) => r.is_key === 1);
    const keys = keyRows.map((r, i) => mapKey(r, parsed?.keys[i]?.expression, table.columns));
    const primary = first.origin === 'pk';
    const automatic = first.origin === 'pk' || first.origin === 'u';
    const clustered = primary && table.withoutRowid;
    const definition = first.sql ?? constraintClause(primary, keys);
    const constraint: BackedConstraint | null = automatic
      ? { name: first.index_name, type: primary ? 'primary' : 'unique', immediate: true, definition: constraintClause(primary, keys) }
      : null;
    // A partial index whose WHERE clause could not be isolated keeps its whole text as predicate: never mistaken for a full index.
    const predicate = first.partial === 1 ? (parsed?.predicate ?? first.sql ?? '') : null;
    const stat = prefixDistinct(context.stat1.get(first.index_name), keys.length);
    const implicitKeys = clustered ? [] : implicitKeysOf(group, table, keys);
    indexes.push({
      schema: SQLITE_SCHEMA,
      name: first.index_name,
      table: first.table_name,
      method: 'btree',
      keys,
      include: [],
      predicate,
      unique: first.is_unique === 1,
      primary,
      nullsNotDistinct: false,
      constraint,
      valid: true,
      ready: true,
      partitioned: false,
      parentIndex: null,
      referencedByForeignKeys: context.referencedBy.get(key) ?? [],
      replicaIdentity: false,
      // A WITHOUT ROWID table's primary key is the table's own b-tree.
      sizeBytes: context.sizes?.get(clustered ? first.table_name : first.index_name) ?? null,
      definition,
      tablespace: null,
      storageParameters: [],
      comment: null,
      usage: null,
      creationOrder: null,
      ...(clustered ? { clustered: true } : {}),
      ...(stat ? { keyPrefixDistinct: stat } : {}),
      ...(implicitKeys.length > 0 ? { implicitKeys } : {}),
    });
  }
  return indexes;
}

/** The name the model gives the primary key of a rowid table whose INTEGER PRIMARY KEY is the rowid (it has no index of its own). */
export function rowidIndexName(table: string): string {
  return `sqlite_rowid_${table}`;
}

/**
 * The primary key of a table whose INTEGER PRIMARY KEY column is the rowid: not an index but the
 * key of the table's own b-tree, listed as a clustered primary index so that every rule sees the
 * column is unique and looked up directly. Its name (`sqlite_rowid_<table>`) is the model's; the
 * `sqlite_` prefix is reserved, so no real index can have it.
 */
export function rowidIndex(table: string, column: string, context: SqliteIndexContext, rowEstimate: number | null): Index {
  const key: IndexKey = {
    kind: 'column',
    column,
    expression: quoteSqliteIdentifier(column),
    referencedColumns: [column],
    opclass: null,
    opclassIsDefault: true,
    opfamily: null,
    collation: null,
    collationIsDefault: true,
    ordering: { descending: false, nullsFirst: true },
  };
  const name = rowidIndexName(table);
  const clause = `PRIMARY KEY (${quoteSqliteIdentifier(column)})`;
  return {
    schema: SQLITE_SCHEMA,
    name,
    table,
    method: 'btree',
    keys: [key],
    include: [],
    predicate: null,
    unique: true,
    primary: true,
    nullsNotDistinct: false,
    constraint: { name, type: 'primary', immediate: true, definition: clause },
    valid: true,
    ready: true,
    partitioned: false,
    parentIndex: null,
    referencedByForeignKeys: context.referencedBy.get(`${table}\u0000${name}`) ?? [],
    replicaIdentity: false,
    sizeBytes: context.sizes?.get(table) ?? null,
    definition: `${quoteSqliteIdentifier(column)} INTEGER PRIMARY KEY (the rowid: the table's own b-tree, no separate index)`,
    tablespace: null,
    storageParameters: [],
    comment: null,
    usage: null,
    creationOrder: null,
    clustered: true,
    ...(rowEstimate !== null ? { keyPrefixDistinct: [rowEstimate] } : {}),
  };
}
