import { qualifiedKey } from '../../../model/lookup.js';
import type { ColumnRow, CollationRow, IndexKeyJson, IndexRow, OpclassRow, TableRow } from './rows.js';

/** Operator classes and collations by oid, and each table's columns by attnum. */
export interface KeyLookups {
  readonly opclasses: ReadonlyMap<number, OpclassRow>;
  readonly collations: ReadonlyMap<number, string>;
  /** Keyed by qualifiedKey of the table, then attnum. */
  readonly columns: ReadonlyMap<string, ReadonlyMap<number, ColumnRow>>;
  /** Keyed by qualifiedKey of the table: `schema.name` quoted as PostgreSQL quotes it. */
  readonly quotedTables: ReadonlyMap<string, string>;
}

/** The database's default collation ("default", oid 100): an expression key with it, or none, uses its type's own. */
const DEFAULT_COLLATION_OID = 100;

/** Builds the lookups from the rows of the opclass, collation, table and column queries. */
export function keyLookups(
  opclasses: readonly OpclassRow[],
  collations: readonly CollationRow[],
  tables: readonly TableRow[],
  columnsByTable: ReadonlyMap<string, readonly ColumnRow[]>,
): KeyLookups {
  const columns = new Map<string, Map<number, ColumnRow>>();
  for (const [table, rows] of columnsByTable) columns.set(table, new Map(rows.map((r) => [Number(r.position), r])));
  return {
    opclasses: new Map(opclasses.map((o) => [Number(o.oid), o])),
    collations: new Map(collations.map((c) => [Number(c.oid), c.name])),
    columns,
    quotedTables: new Map(tables.map((t) => [qualifiedKey(t), t.quoted_name])),
  };
}

/**
 * The keys of one index (key columns, then INCLUDE columns), from pg_index's per-position
 * arrays. indclass, indcollation and indoption cover key columns only, so INCLUDE positions get
 * no opclass, collation or ordering. A key's collation is "default" when it is the column's own
 * (for a column) or none/the database default (for an expression).
 */
export function assembleKeys(row: IndexRow, tableKey: string, lookups: KeyLookups): IndexKeyJson[] {
  const tableColumns = lookups.columns.get(tableKey);
  return row.key_attnums.map((rawAttnum, i) => {
    const attnum = Number(rawAttnum);
    const column = attnum > 0 ? tableColumns?.get(attnum) : undefined;
    const isKey = i < row.key_opclasses.length;
    const opclass = isKey ? lookups.opclasses.get(Number(row.key_opclasses[i])) : undefined;
    const collationOid = isKey ? Number(row.key_collations[i] ?? 0) : null;
    const collationIsDefault =
      collationOid === null
        ? true
        : column !== undefined
          ? collationOid === Number(column.collation_oid)
          : collationOid === 0 || collationOid === DEFAULT_COLLATION_OID;
    return {
      attnum,
      column: column?.name ?? null,
      expression: column !== undefined ? column.quoted_name : (row.key_expressions?.[i] ?? ''),
      opclass: opclass?.name ?? null,
      opclass_default: opclass ? opclass.is_default : null,
      opfamily: opclass?.family ?? null,
      collation: collationOid ? (lookups.collations.get(collationOid) ?? null) : null,
      collation_default: collationIsDefault,
      option: isKey ? Number(row.key_options[i] ?? 0) : null,
    };
  });
}
