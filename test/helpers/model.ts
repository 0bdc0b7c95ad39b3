/** Hand-made model objects for unit tests that need no database. */
import type { Index, IndexKey } from '../../src/model/types.js';

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
