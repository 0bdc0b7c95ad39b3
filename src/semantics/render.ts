/**
 * Writing an index key back exactly as the database would read it: column or expression, prefix
 * length, collation, operator class, direction and NULLS placement, each only where it differs
 * from what the database assumes anyway. The dialect supplies its quoting and which clauses it has.
 */
import type { KeySyntax } from '../model/actions.js';
import type { IndexKey } from '../model/types.js';

export type { KeySyntax } from '../model/actions.js';

/** `DESC`, `NULLS FIRST` … as the database prints them: nothing for its default order (ascending, NULLs last, or first when descending). */
function orderingSql(key: IndexKey, syntax: KeySyntax): string {
  if (key.ordering === null) return '';
  const { descending, nullsFirst } = key.ordering;
  const direction = descending ? ' DESC' : '';
  if (!syntax.nullsOrdering || nullsFirst === descending) return direction;
  return `${direction}${nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`;
}

/** One key of a `CREATE INDEX` key list. */
function renderKey(key: IndexKey, syntax: KeySyntax): string {
  const base = key.kind === 'column' && key.column !== null ? syntax.quoteIdent(key.column) : `(${key.expression})`;
  const prefix = key.prefixLength !== undefined ? `(${key.prefixLength})` : '';
  const collate = syntax.keyCollations && key.collation !== null && !key.collationIsDefault ? ` COLLATE ${key.collation}` : '';
  const opclass = syntax.operatorClasses && key.opclass !== null && !key.opclassIsDefault ? ` ${key.opclass}` : '';
  return `${base}${prefix}${collate}${opclass}${orderingSql(key, syntax)}`;
}

/** The key list of a `CREATE INDEX`, without the parentheses. */
export function renderKeys(keys: readonly IndexKey[], syntax: KeySyntax): string {
  return keys.map((k) => renderKey(k, syntax)).join(', ');
}
