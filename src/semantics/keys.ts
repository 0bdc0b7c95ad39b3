/**
 * Index keys: when two keys index the same values the same way, when one key list is a left
 * prefix of another (btree), and how a key reads to a person.
 */
import type { Index, IndexKey, KeyOrdering } from '../model/types.js';

/**
 * Two keys index the same values the same way (ordering aside): the same column or expression,
 * the same prefix length (MySQL `name(10)` indexes only the first 10 characters, so it is a
 * different key from the whole column), operators of one family, and the same collation.
 * Operator classes of one family on the same column or expression (`varchar_pattern_ops` and
 * `text_pattern_ops` on a varchar, the default `text_ops` and an explicit `varchar_ops`) support
 * the same operators: the operators belong to the family, and only a class for the key's own type
 * can be used on it.
 */
export function sameKeyContent(a: IndexKey, b: IndexKey): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'column' ? a.column !== b.column : a.expression !== b.expression) return false;
  if ((a.prefixLength ?? null) !== (b.prefixLength ?? null)) return false;
  const sameOperators = a.opclass === b.opclass || (a.opfamily !== null && a.opfamily === b.opfamily);
  return sameOperators && a.collation === b.collation;
}

/** Same sort order, or (with `reversed`) exactly the opposite order of both direction and NULLS placement. */
function sameOrdering(a: KeyOrdering | null, b: KeyOrdering | null, reversed: boolean): boolean {
  if (a === null || b === null) return a === b;
  return reversed
    ? a.descending !== b.descending && a.nullsFirst !== b.nullsFirst
    : a.descending === b.descending && a.nullsFirst === b.nullsFirst;
}

/**
 * True when `keys` equal the first keys of `of`. For ordered methods the sort orders must
 * match all the same way, or all reversed: a btree is scanned backward to give the reverse
 * order of every key at once, never of some keys only.
 */
export function keysArePrefix(keys: readonly IndexKey[], of: readonly IndexKey[]): boolean {
  if (keys.length > of.length) return false;
  for (let i = 0; i < keys.length; i++) if (!sameKeyContent(keys[i]!, of[i]!)) return false;
  const forward = keys.every((k, i) => sameOrdering(k.ordering, of[i]!.ordering, false));
  const backward = keys.every((k, i) => sameOrdering(k.ordering, of[i]!.ordering, true));
  return forward || backward;
}

/**
 * The keys an index stores, in order: its declared keys, then those the engine appends (an
 * InnoDB secondary index ends with the primary key's columns, so `(a)` there is `(a, id)`).
 */
export function storedKeys(index: Index): readonly IndexKey[] {
  const implicit = index.implicitKeys;
  return implicit === undefined || implicit.length === 0 ? index.keys : [...index.keys, ...implicit];
}

/**
 * The keys a clustered engine appends to a secondary index (InnoDB; SQLite appends the rowid, or a
 * WITHOUT ROWID table's primary key): the primary key's columns the index does not already hold whole.
 * A column held only as a prefix (`name(10)`) is appended in full all the same.
 */
export function primaryKeySuffix(declared: readonly IndexKey[], primaryKeys: readonly IndexKey[]): IndexKey[] {
  const whole = new Set(declared.filter((k) => k.kind === 'column' && k.prefixLength === undefined).map((k) => k.column));
  return primaryKeys.filter((k) => k.kind === 'column' && !whole.has(k.column));
}

/** A key as a person reads it: the column name, or the expression, with a MySQL prefix length. */
function keyLabel(key: IndexKey): string {
  const base = key.column ?? key.expression;
  return key.prefixLength !== undefined ? `${base}(${key.prefixLength})` : base;
}

/** Every key of an index as a person reads it. */
export function keyLabels(index: { readonly keys: readonly IndexKey[] }): string[] {
  return index.keys.map(keyLabel);
}
