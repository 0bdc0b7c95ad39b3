import type { BackedConstraint, Column, Index, IndexKey, QualifiedName } from '../../model/types.js';
import { mysqlIndexDefinition, quoteMysqlIdentifier, type DefinitionKeyPart } from './definition.js';
import { countOf } from './map-tables.js';
import type { KeyPartRow } from './rows.js';
import type { MysqlFeatures, MysqlProduct } from './server.js';

/** What an index's mapping needs to know of its table. */
export interface IndexTableFacts {
  readonly engine: string | null;
  readonly columns: readonly Column[];
  /** The table's default collation: a key on a column without its own collation compares with it. */
  readonly collation: string | null;
  /** Rows the table holds by the engine's estimate; null when unknown. */
  readonly rowEstimate: number | null;
}

/** Backtick-quoted names an expression reads, kept only when they are columns of the table. */
function columnsInExpression(expression: string, columns: readonly Column[]): string[] {
  const names = new Set(columns.map((c) => c.name));
  const found: string[] = [];
  for (const match of expression.matchAll(/`((?:[^`]|``)*)`/g)) {
    const name = match[1]!.replace(/``/g, '`');
    if (names.has(name) && !found.includes(name)) found.push(name);
  }
  return found;
}

/**
 * One key. Btree keys are ordered (MySQL sorts NULL lowest: first ascending, last descending);
 * HASH, FULLTEXT and SPATIAL keys are not. SPATIAL keys report SUB_PART 32 (the bounding box
 * size), which is no prefix of the value.
 */
function mapKey(row: KeyPartRow, method: string, table: IndexTableFacts, features: MysqlFeatures): IndexKey {
  const descending = row.collation === 'D' && features.descendingKeys;
  const ordering = method === 'btree' && row.collation !== null ? { descending, nullsFirst: !descending } : null;
  const prefixLength = method === 'spatial' ? null : countOf(row.sub_part);
  const column = row.column_name;
  const columnFacts = column === null ? undefined : table.columns.find((c) => c.name === column);
  const collatable = columnFacts !== undefined && (columnFacts.typeCategory === 'string' || columnFacts.typeCategory === 'enum');
  const common = {
    opclass: null,
    opclassIsDefault: true,
    opfamily: null,
    // MySQL keys compare with the column's collation; there is no per-key COLLATE.
    collation: collatable ? (columnFacts.collation ?? table.collation) : null,
    collationIsDefault: true,
    ordering,
    ...(prefixLength !== null ? { prefixLength } : {}),
  };
  if (column === null) {
    const expression = row.expression ?? '';
    return { kind: 'expression', column: null, expression, referencedColumns: columnsInExpression(expression, table.columns), ...common };
  }
  return { kind: 'column', column, expression: quoteMysqlIdentifier(column), referencedColumns: [column], ...common };
}

/** The constraint behind an index: PRIMARY KEY, or a UNIQUE key (in MySQL every unique index is a unique constraint). */
function constraintOf(name: string, type: string | undefined, definition: string): BackedConstraint | null {
  if (type === 'PRIMARY KEY') return { name, type: 'primary', immediate: true, definition };
  if (type === 'UNIQUE') return { name, type: 'unique', immediate: true, definition };
  return null;
}

/** Everything mapIndexes needs besides the key-part rows. */
export interface IndexMappingContext {
  readonly product: MysqlProduct;
  readonly features: MysqlFeatures;
  readonly tables: ReadonlyMap<string, IndexTableFacts>;
  /** `schema\0table\0index` → CONSTRAINT_TYPE from TABLE_CONSTRAINTS. */
  readonly constraints: ReadonlyMap<string, string>;
  /** `schema\0table\0index` → foreign keys that reference the table through this index. */
  readonly referencedBy: ReadonlyMap<string, readonly QualifiedName[]>;
  /** InnoDB's persistent statistics, when readable. */
  readonly innodb: InnodbIndexStats | null;
}

/** InnoDB's persistent index statistics (mysql.innodb_index_stats), by `schema\0table\0index`. */
export interface InnodbIndexStats {
  readonly sizes: ReadonlyMap<string, number>;
  /** Distinct values of each key prefix (n_diff_pfx01, …), including the primary-key columns InnoDB appends. */
  readonly distinct: ReadonlyMap<string, readonly number[]>;
}

/**
 * Distinct values per key prefix. InnoDB's own counts (n_diff_pfxNN) where it keeps them:
 * STATISTICS.CARDINALITY of an InnoDB index is not one, as InnoDB reports each prefix twice as
 * selective as it measured (so that the optimizer favours indexes), capped at the row count. Other
 * engines' CARDINALITY is their estimate (MyISAM: exact after ANALYZE; null where none is kept).
 */
function prefixDistinct(
  parts: readonly KeyPartRow[],
  key: string,
  innodb: boolean,
  stats: InnodbIndexStats | null,
  rowEstimate: number | null,
): (number | null)[] {
  const counts = innodb ? parts.map((_, i) => stats?.distinct.get(key)?.[i] ?? null) : parts.map((p) => countOf(p.cardinality));
  // No distinct value in a table with rows: statistics taken while the table was empty (InnoDB
  // recalculates them in the background after a bulk load; MyISAM before its first ANALYZE).
  // Unknown, not "one value".
  return counts.map((n) => (n === 0 && rowEstimate !== null && rowEstimate > 0 ? null : n));
}

/** The map key of an index: index names are unique per table in MySQL, not per schema. */
export function indexKey(schema: string, table: string, index: string): string {
  return `${schema}\u0000${table}\u0000${index}`;
}

/** Groups STATISTICS rows (already in SEQ_IN_INDEX order) into indexes. */
export function mapIndexes(rows: readonly KeyPartRow[], context: IndexMappingContext): Index[] {
  const groups = new Map<string, KeyPartRow[]>();
  for (const row of rows) {
    const key = indexKey(row.table_schema, row.table_name, row.index_name);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const indexes: Index[] = [];
  for (const [key, parts] of groups) {
    const first = parts[0]!;
    const table = context.tables.get(`${first.table_schema}\u0000${first.table_name}`);
    if (!table) continue;
    const method = first.index_type.toLowerCase();
    const primary = first.index_name === 'PRIMARY';
    const unique = Number(first.non_unique) === 0;
    const visible = !(first.ignored === 'YES' || first.is_visible === 'NO');
    const keys = parts.map((p) => mapKey(p, method, table, context.features));
    const definition = mysqlIndexDefinition(
      {
        name: first.index_name,
        primary,
        unique,
        method,
        parts: keys.map((k): DefinitionKeyPart => ({
          column: k.column,
          expression: k.kind === 'expression' ? k.expression : null,
          prefixLength: k.prefixLength ?? null,
          descending: k.ordering?.descending ?? false,
        })),
        comment: first.index_comment || null,
        visible,
        engine: table.engine,
      },
      context.product,
    );
    const constraintType = context.constraints.get(key) ?? (primary ? 'PRIMARY KEY' : undefined);
    const innodb = (table.engine ?? '').toLowerCase() === 'innodb';
    const index: Index = {
      schema: first.table_schema,
      name: first.index_name,
      table: first.table_name,
      method,
      keys,
      include: [],
      predicate: null,
      unique,
      primary,
      nullsNotDistinct: false,
      constraint: unique ? constraintOf(first.index_name, constraintType, definition) : null,
      valid: true,
      ready: true,
      partitioned: false,
      parentIndex: null,
      referencedByForeignKeys: context.referencedBy.get(key) ?? [],
      replicaIdentity: false,
      sizeBytes: context.innodb?.sizes.get(key) ?? null,
      definition,
      tablespace: null,
      storageParameters: [],
      comment: first.index_comment || null,
      usage: null,
      creationOrder: null,
      keyPrefixDistinct: prefixDistinct(parts, key, innodb, context.innodb, table.rowEstimate),
      ...(primary && innodb ? { clustered: true } : {}),
      ...(context.features.visibility !== null ? { visible } : {}),
    };
    indexes.push(index);
  }
  return indexes;
}
