import type { KeyLookups } from './index-keys.js';
import type { IndexRow } from './rows.js';

/** pg_index.indoption bits (see pg_index.h). */
const INDOPTION_DESC = 1;
const INDOPTION_NULLS_FIRST = 2;

/**
 * The text `pg_get_indexdef(oid)` gives for an index on plain columns, put together from the
 * catalog rows already read, or null when the index has anything whose printed form depends on
 * the server (an expression, a predicate, storage parameters, a non-default operator class or
 * collation, opclass options): those are printed by the server (INDEX_DEFINITIONS_QUERY).
 *
 * Follows pg_get_indexdef_worker (ruleutils.c): `CREATE [UNIQUE] INDEX name ON [ONLY]
 * schema.table USING method (key [DESC] [NULLS FIRST|LAST], …) [INCLUDE (…)] [NULLS NOT DISTINCT]`.
 * A key's operator class is left out exactly when it is the default for the column's type,
 * i.e. a default opclass declared for that very type (or a domain's base type); anything looser
 * (binary-coercible types, polymorphic opclasses) goes to the server.
 */
export function plainIndexDefinition(row: IndexRow, tableKey: string, lookups: KeyLookups): string | null {
  if (row.predicate !== null || row.storage_parameters !== null) return null;
  const ordered = row.method === 'btree';
  if (!ordered && row.method !== 'hash') return null;
  const columns = lookups.columns.get(tableKey);
  const table = lookups.quotedTables.get(tableKey);
  if (!columns || table === undefined) return null;
  const keyCount = Number(row.key_count);
  const keys: string[] = [];
  const include: string[] = [];
  for (let i = 0; i < row.key_attnums.length; i++) {
    const column = columns.get(Number(row.key_attnums[i]));
    if (!column) return null;
    if (i >= keyCount) {
      include.push(column.quoted_name);
      continue;
    }
    const opclass = lookups.opclasses.get(Number(row.key_opclasses[i]));
    if (!opclass || !opclass.is_default || opclass.may_have_options || Number(opclass.input_type) !== Number(column.base_type_oid))
      return null;
    const collation = Number(row.key_collations[i] ?? 0);
    if (collation !== 0 && collation !== Number(column.collation_oid)) return null;
    const option = Number(row.key_options[i] ?? 0);
    let key = column.quoted_name;
    if (ordered) {
      if (option & INDOPTION_DESC) key += option & INDOPTION_NULLS_FIRST ? ' DESC' : ' DESC NULLS LAST';
      else if (option & INDOPTION_NULLS_FIRST) key += ' NULLS FIRST';
    }
    keys.push(key);
  }
  // pg_get_indexdef(oid) prints ONLY for every partitioned index (its `inherits` argument is false).
  const only = row.is_partitioned ? 'ONLY ' : '';
  return (
    `CREATE ${row.is_unique ? 'UNIQUE ' : ''}INDEX ${row.quoted_name} ON ${only}${table} USING ${row.method} (${keys.join(', ')})` +
    (include.length > 0 ? ` INCLUDE (${include.join(', ')})` : '') +
    (row.nulls_not_distinct ? ' NULLS NOT DISTINCT' : '')
  );
}
