import type { Column, Index, IndexKey, SchemaModel, Table } from '../../src/model/types.js';

/** A column with only the facts the workload analysis reads. */
function column(name: string, position: number): Column {
  return { name, position, type: 'text', notNull: false, collation: null, typeCategory: 'string', statistics: null };
}

/** A table of the given columns, in schema `public` unless `schema.table` is given. */
function table(qualified: string, columns: readonly string[]): Table {
  const [schema, name] = qualified.includes('.') ? (qualified.split('.') as [string, string]) : ['public', qualified];
  return {
    schema,
    name,
    kind: 'table',
    parent: null,
    columns: columns.map((c, i) => column(c, i + 1)),
    rowEstimate: null,
    sizeBytes: null,
    indexesSizeBytes: null,
    usage: null,
    replicaIdentityIndex: null,
    comment: null,
  };
}

/** A btree key on a column (ascending) or, when `expression` is given, on an expression. */
export function key(
  columnOrExpression: string,
  options: { descending?: boolean; nullsFirst?: boolean; expression?: boolean; opclass?: string } = {},
): IndexKey {
  const isExpression = options.expression === true;
  const descending = options.descending ?? false;
  return {
    kind: isExpression ? 'expression' : 'column',
    column: isExpression ? null : columnOrExpression,
    expression: columnOrExpression,
    referencedColumns: isExpression ? [] : [columnOrExpression],
    opclass: options.opclass ?? null,
    opclassIsDefault: options.opclass === undefined,
    opfamily: null,
    collation: null,
    collationIsDefault: true,
    ordering: { descending, nullsFirst: options.nullsFirst ?? descending },
  };
}

/** An index on `public.<table>` unless the table is qualified. */
export function index(
  name: string,
  on: string,
  keys: readonly (string | IndexKey)[],
  options: { predicate?: string; method?: string; valid?: boolean } = {},
): Index {
  const [schema, tableName] = on.includes('.') ? (on.split('.') as [string, string]) : ['public', on];
  return {
    schema,
    name,
    table: tableName,
    method: options.method ?? 'btree',
    keys: keys.map((k) => (typeof k === 'string' ? key(k) : k)),
    include: [],
    predicate: options.predicate ?? null,
    unique: false,
    primary: false,
    nullsNotDistinct: false,
    constraint: null,
    valid: options.valid ?? true,
    ready: true,
    partitioned: false,
    parentIndex: null,
    referencedByForeignKeys: [],
    replicaIdentity: false,
    sizeBytes: null,
    definition: `CREATE INDEX ${name} ON ${schema}.${tableName}`,
    tablespace: null,
    storageParameters: [],
    comment: null,
    usage: null,
    creationOrder: null,
  };
}

/** A model of the given tables and indexes. */
function model(tables: readonly Table[], indexes: readonly Index[] = []): SchemaModel {
  return {
    dialect: 'postgres',
    capabilities: { usageStatistics: false, sizes: false, foreignKeysAutoIndexed: false, concurrentIndexBuild: true, partialIndexes: true },
    database: {
      name: 'test',
      serverVersion: '15.0',
      serverVersionNum: 150000,
      statsResetAt: null,
      readAt: '2026-01-01T00:00:00Z',
      settings: {},
      extensions: [],
      inRecovery: false,
    },
    schemas: [...new Set(tables.map((t) => t.schema))],
    tables,
    indexes,
    foreignKeys: [],
    limitations: [],
  };
}

/** The application the tests query: users, orders, order items, an audit schema. */
export const SHOP = model([
  table('users', ['id', 'email', 'status', 'created_at', 'deleted_at', 'is_active', 'org_id']),
  table('orders', ['id', 'user_id', 'status', 'created_at', 'total', 'deleted_at']),
  table('order_items', ['id', 'order_id', 'product_id', 'quantity']),
  table('products', ['id', 'sku', 'name', 'category']),
  table('audit.events', ['id', 'user_id', 'kind', 'created_at']),
]);
