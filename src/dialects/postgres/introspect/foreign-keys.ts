import { qualifiedKey } from '../../../model/lookup.js';
import type { ForeignKey, ForeignKeyColumn } from '../../../model/types.js';
import type { Queryable } from '../../types.js';
import type { KeyLookups } from './index-keys.js';
import { REFERENCED_COLUMNS_QUERY } from './queries.js';
import type { EqualityOpfamiliesRow, ForeignKeyRow, ReferencedColumnRow } from './rows.js';
import { rowsOf } from './session.js';

const REFERENTIAL_ACTIONS: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

/**
 * The foreign keys of the tables in scope, from the rows of FOREIGN_KEYS_QUERY and
 * EQUALITY_OPFAMILIES_QUERY. Referencing columns and their collations come from the rows already
 * read (`lookups`); the column names of a referenced table outside the scope take one more query,
 * only when there is such a table. Call once nothing else is in flight.
 */
export async function readForeignKeys(
  db: Queryable,
  rows: readonly ForeignKeyRow[],
  opfamilyRows: readonly EqualityOpfamiliesRow[],
  lookups: KeyLookups,
): Promise<ForeignKey[]> {
  const opfamilies = new Map(opfamilyRows.map((r) => [Number(r.operator), [...r.opfamilies].sort()]));

  const outOfScope = [...new Set(rows.filter((r) => !lookups.columns.has(referencedKey(r))).map((r) => Number(r.referenced_oid)))];
  const referencedColumns = new Map<number, Map<number, string>>();
  if (outOfScope.length > 0) {
    for (const c of await rowsOf<ReferencedColumnRow>(db, REFERENCED_COLUMNS_QUERY, [outOfScope])) {
      const table = Number(c.table_oid);
      if (!referencedColumns.has(table)) referencedColumns.set(table, new Map());
      referencedColumns.get(table)!.set(Number(c.position), c.name);
    }
  }

  return rows.map((row) => {
    const own = lookups.columns.get(qualifiedKey({ schema: row.schema, name: row.table_name }));
    const referenced = lookups.columns.get(referencedKey(row));
    const columns = row.key_attnums.map((attnum, i): ForeignKeyColumn => {
      const column = own?.get(Number(attnum));
      const referencedAttnum = Number(row.referenced_attnums[i]);
      const collationOid = Number(column?.collation_oid ?? 0);
      return {
        column: column?.name ?? '',
        referencedColumn:
          referenced?.get(referencedAttnum)?.name ?? referencedColumns.get(Number(row.referenced_oid))?.get(referencedAttnum) ?? '',
        equalityOpfamilies: opfamilies.get(Number(row.equality_operators[i])) ?? [],
        collation: collationOid === 0 ? null : (lookups.collations.get(collationOid) ?? null),
      };
    });
    return {
      schema: row.schema,
      name: row.name,
      table: row.table_name,
      columns,
      referencedTable: { schema: row.referenced_schema, name: row.referenced_table },
      onDelete: REFERENTIAL_ACTIONS[row.on_delete] ?? row.on_delete,
      onUpdate: REFERENTIAL_ACTIONS[row.on_update] ?? row.on_update,
      validated: row.validated,
      definition: row.definition,
    };
  });
}

function referencedKey(row: ForeignKeyRow): string {
  return qualifiedKey({ schema: row.referenced_schema, name: row.referenced_table });
}
