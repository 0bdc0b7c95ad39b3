/**
 * Which indexes serve a foreign key: the lookup the database runs on the referencing table when
 * a referenced row is deleted or its key updated (`WHERE fkcol = $1 …`), and what an engine
 * that needs an index for every foreign key (InnoDB) keeps alive.
 */
import type { Capabilities, ForeignKey, Index, SchemaModel } from '../model/types.js';
import { isUsable } from './coverage.js';
import { storedKeys } from './keys.js';
import { impliedByEqualityOn } from './predicate.js';

/** Methods whose index serves the referential lookup `fkcol = $1`. */
const EQUALITY_METHODS = new Set(['btree', 'hash']);

/**
 * Serves the referential lookup of `fk`: usable, a btree (or a one-column hash), its leading keys
 * are exactly the foreign-key columns in any order, each on the whole column (not a prefix), in
 * an operator family holding the check's equality operator and with the column's collation; a
 * partial index only where the dialect lets one serve the check and its predicate follows from
 * those equalities.
 */
export function servesForeignKey(index: Index, fk: ForeignKey, capabilities?: Capabilities): boolean {
  if (index.schema !== fk.schema || index.table !== fk.table) return false;
  if (!isUsable(index) || !EQUALITY_METHODS.has(index.method)) return false;
  if (index.method === 'hash' && fk.columns.length !== 1) return false;
  const n = fk.columns.length;
  if (index.keys.length < n) return false;
  const leading = index.keys.slice(0, n);
  for (const fkColumn of fk.columns) {
    const key = leading.find((k) => k.kind === 'column' && k.column === fkColumn.column);
    if (!key || key.prefixLength !== undefined) return false;
    if (key.opfamily !== null && !fkColumn.equalityOpfamilies.includes(key.opfamily)) return false;
    const compared = fkColumn.checkCollation ?? fkColumn.collation;
    if (key.collation !== null && compared !== null && key.collation.toUpperCase() !== compared.toUpperCase()) return false;
  }
  if (index.predicate === null) return true;
  if (capabilities?.partialIndexesServeForeignKeys === false) return false;
  return impliedByEqualityOn(
    index.predicate,
    fk.columns.map((c) => c.column),
  );
}

/**
 * Satisfies an engine that needs an index for every foreign key (InnoDB): a btree whose stored keys
 * (declared, then the primary-key columns InnoDB appends) begin with the foreign key's columns in
 * their order, each whole (a prefix `code(5)` does not count).
 */
export function keepsForeignKeyIndexed(index: Index, fk: ForeignKey): boolean {
  if (index.schema !== fk.schema || index.table !== fk.table || index.method !== 'btree') return false;
  const keys = storedKeys(index);
  return (
    keys.length >= fk.columns.length &&
    fk.columns.every((c, i) => keys[i]!.kind === 'column' && keys[i]!.column === c.column && keys[i]!.prefixLength === undefined)
  );
}

/**
 * The foreign keys that would be left without the index their engine needs if `index` went and
 * `remaining` (the other indexes of its table that stay) did not: empty where the engine needs none.
 */
export function foreignKeysOrphanedBy(index: Index, remaining: readonly Index[], model: SchemaModel): ForeignKey[] {
  if (model.capabilities.foreignKeyNeedsIndex !== true) return [];
  return model.foreignKeys.filter(
    (fk) => keepsForeignKeyIndexed(index, fk) && !remaining.some((other) => other !== index && keepsForeignKeyIndexed(other, fk)),
  );
}

/** The foreign keys of its table an index keeps indexed (InnoDB), for saying which index serves them once another goes. */
export function foreignKeysKeptBy(index: Index, model: SchemaModel): ForeignKey[] {
  if (model.capabilities.foreignKeyNeedsIndex !== true) return [];
  return model.foreignKeys.filter((fk) => keepsForeignKeyIndexed(index, fk));
}

/**
 * The foreign keys whose referential check only `index` serves among `indexes` (the indexes of its
 * table that stay): dropping it would leave each to a sequential scan of the referencing table.
 */
export function foreignKeyChecksOnlyServedBy(index: Index, indexes: readonly Index[], model: SchemaModel): ForeignKey[] {
  return model.foreignKeys.filter(
    (fk) =>
      servesForeignKey(index, fk, model.capabilities) &&
      !indexes.some((other) => other !== index && servesForeignKey(other, fk, model.capabilities)),
  );
}
