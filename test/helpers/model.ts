/** Hand-made model objects for unit tests that need no database. */
import type { ForeignKey, Index, IndexKey, SchemaModel, Table } from '../../src/model/types.js';

/** A column key for hand-made indexes in unit tests. */
export function columnKey(column: string, overrides: Partial<IndexKey> = {}): IndexKey {
  return {
    kind: 'column',
    column,
    expression: column,
    referencedColumns: [column],
    opclass: 'pg_catalog.int4_ops',
    opclassIsDefault: true,
    opfamily: 'pg_catalog.integer_ops',
    collation: null,
    collationIsDefault: true,
    ordering: { descending: false, nullsFirst: false },
    ...overrides,
  };
}

/** A hand-made index for unit tests. */
export function fakeIndex(overrides: Partial<Index> & Pick<Index, 'name' | 'definition'>): Index {
  return {
    schema: 'public',
    table: 't',
    method: 'btree',
    keys: [columnKey('a')],
    include: [],
    predicate: null,
    unique: false,
    primary: false,
    nullsNotDistinct: false,
    constraint: null,
    valid: true,
    ready: true,
    partitioned: false,
    parentIndex: null,
    referencedByForeignKeys: [],
    replicaIdentity: false,
    sizeBytes: 8192,
    tablespace: null,
    storageParameters: [],
    comment: null,
    usage: null,
    creationOrder: 1,
    ...overrides,
  };
}

/** A hand-made foreign key for unit tests: `columns` of `table` referencing `referenced`, equality in the integer family. */
export function fakeForeignKey(name: string, table: string, columns: readonly string[], referenced = 'parent'): ForeignKey {
  return {
    schema: 'public',
    name,
    table,
    columns: columns.map((column) => ({
      column,
      referencedColumn: 'id',
      equalityOpfamilies: ['pg_catalog.integer_ops'],
      collation: null,
    })),
    referencedTable: { schema: 'public', name: referenced },
    onDelete: 'NO ACTION',
    onUpdate: 'NO ACTION',
    validated: true,
    definition: `FOREIGN KEY (${columns.join(', ')}) REFERENCES ${referenced}(id)`,
  };
}

/** A hand-made table for unit tests (no columns unless given, no statistics). */
function fakeTable(name: string, overrides: Partial<Table> = {}): Table {
  return {
    schema: 'public',
    name,
    kind: 'table',
    parent: null,
    columns: [],
    rowEstimate: null,
    sizeBytes: null,
    indexesSizeBytes: null,
    usage: null,
    replicaIdentityIndex: null,
    comment: null,
    ...overrides,
  };
}

/** A hand-made PostgreSQL model for unit tests: the tables the indexes and foreign keys are on, default capabilities. */
export function fakeModel(parts: {
  indexes?: readonly Index[];
  foreignKeys?: readonly ForeignKey[];
  tables?: readonly Table[];
}): SchemaModel {
  const indexes = parts.indexes ?? [];
  const foreignKeys = parts.foreignKeys ?? [];
  const named = new Set((parts.tables ?? []).map((t) => t.name));
  const tables = [...(parts.tables ?? [])];
  for (const name of [...indexes.map((i) => i.table), ...foreignKeys.map((f) => f.table)]) {
    if (!named.has(name)) {
      named.add(name);
      tables.push(fakeTable(name));
    }
  }
  return {
    dialect: 'postgres',
    capabilities: { usageStatistics: true, sizes: true, foreignKeysAutoIndexed: false, concurrentIndexBuild: true, partialIndexes: true },
    database: {
      name: 'test',
      serverVersion: '15.0',
      serverVersionNum: 150000,
      statsResetAt: null,
      readAt: '2026-01-01 00:00:00+00',
      settings: {},
      extensions: [],
      inRecovery: false,
    },
    schemas: ['public'],
    tables,
    indexes,
    foreignKeys,
    limitations: [],
  };
}
