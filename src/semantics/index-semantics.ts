/**
 * What an index can do for queries and constraints, and when one index can stand in for
 * another. Shared by duplicate-index, redundant-index and unindexed-foreign-key so that
 * they agree on every distinction: access method, expressions, operator classes, collations,
 * sort order, predicates, INCLUDE columns and uniqueness.
 */
import type { Index, IndexKey, KeyOrdering } from '../model/types.js';
import { samePredicate } from './predicate.js';

/** Access methods where an index on (a, b) also serves queries on (a) alone. */
const PREFIX_METHODS = new Set(['btree']);

/**
 * Two keys index the same values the same way (ordering aside). Operator classes of one family on
 * the same column or expression (`varchar_pattern_ops` and `text_pattern_ops` on a varchar, the
 * default `text_ops` and an explicit `varchar_ops`) support the same operators: the operators
 * belong to the family, and only a class for the key's own type can be used on it.
 */
export function sameKeyContent(a: IndexKey, b: IndexKey): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'column' ? a.column !== b.column : a.expression !== b.expression) return false;
  const sameOperators = a.opclass === b.opclass || (a.opfamily !== null && a.opfamily === b.opfamily);
  return sameOperators && a.collation === b.collation;
}

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

/** Columns whose values the index can return: key columns and INCLUDE columns. */
function storedColumns(index: Index): Set<string> {
  const columns = new Set(index.include);
  for (const k of index.keys) if (k.kind === 'column' && k.column !== null) columns.add(k.column);
  return columns;
}

/** Usable at all: an invalid or not-ready index serves nothing. */
export function isUsable(index: Index): boolean {
  return index.valid && index.ready;
}

/** Serves exactly the same queries: same method, keys, orderings (or all reversed), INCLUDE set and predicate. */
export function sameShape(a: Index, b: Index): boolean {
  if (a.schema !== b.schema || a.table !== b.table || a.method !== b.method) return false;
  if (a.keys.length !== b.keys.length || !keysArePrefix(a.keys, b.keys)) return false;
  if (!samePredicate(a.predicate, b.predicate)) return false;
  const ai = new Set(a.include);
  return ai.size === new Set(b.include).size && b.include.every((c) => ai.has(c));
}

/** Serves every query `a` serves (a left prefix of its keys, same predicate, INCLUDE columns available). */
export function servesQueriesOf(b: Index, a: Index): boolean {
  if (a.schema !== b.schema || a.table !== b.table || a.method !== b.method) return false;
  if (!samePredicate(a.predicate, b.predicate)) return false;
  if (PREFIX_METHODS.has(a.method)) {
    if (!keysArePrefix(a.keys, b.keys)) return false;
  } else if (a.keys.length !== b.keys.length || !keysArePrefix(a.keys, b.keys)) {
    return false;
  }
  if (a.include.length === 0) return true;
  const stored = storedColumns(b);
  return a.include.every((c) => stored.has(c));
}

/**
 * A cheap necessary condition for `b` to serve `a`'s queries (and so for either to make the
 * other unnecessary): the same table and method, and the same first key.
 */
export function mayServe(b: Index, a: Index): boolean {
  return a.method === b.method && b.keys.length >= a.keys.length && a.keys.length > 0 && sameKeyContent(a.keys[0]!, b.keys[0]!);
}

function enforcesImmediately(index: Index): boolean {
  return index.constraint?.immediate ?? true;
}

/** Treats NULLs as equal in uniqueness checks (NULLS NOT DISTINCT, or a primary key, whose columns cannot be NULL). */
function nullsNotDistinct(index: Index): boolean {
  return index.nullsNotDistinct || index.primary;
}

/**
 * Enforces every constraint `a` enforces. A unique `a` is only covered by a unique `b` on the
 * same keys, at least as strict about NULLs and checked at least as early; an exclusion
 * constraint is covered by nothing else.
 */
export function enforcesConstraintsOf(b: Index, a: Index): boolean {
  if (a.constraint?.type === 'exclusion') return false;
  if (!a.unique) return true;
  if (!b.unique || b.constraint?.type === 'exclusion') return false;
  if (a.keys.length !== b.keys.length) return false;
  if (nullsNotDistinct(a) && !nullsNotDistinct(b)) return false;
  if (enforcesImmediately(a) && !enforcesImmediately(b)) return false;
  return true;
}

/** Why an index cannot be dropped by itself, or null when it can. */
export function whyNotDroppable(index: Index): string | null {
  if (index.primary) return 'it is the primary key';
  if (index.parentIndex !== null) return `it is attached to the partitioned index ${index.parentIndex.schema}.${index.parentIndex.name}`;
  if (index.referencedByForeignKeys.length > 0) {
    return `foreign key ${index.referencedByForeignKeys.map((f) => f.name).join(', ')} references the table through it`;
  }
  if (index.replicaIdentity) return "it is the table's REPLICA IDENTITY";
  if (index.constraint?.type === 'exclusion') return 'it implements an exclusion constraint';
  return null;
}

/** `b` makes `a` unnecessary: it serves all of `a`'s queries and enforces all of its constraints. */
export function covers(b: Index, a: Index): boolean {
  return a !== b && isUsable(b) && servesQueriesOf(b, a) && enforcesConstraintsOf(b, a);
}

/** Groups indexes by table (schema-qualified), keeping only usable ones. */
export function usableIndexesByTable(indexes: readonly Index[]): Map<string, Index[]> {
  const byTable = new Map<string, Index[]>();
  for (const index of indexes) {
    if (!isUsable(index)) continue;
    const key = `${index.schema}\u0000${index.table}`;
    const list = byTable.get(key);
    if (list) list.push(index);
    else byTable.set(key, [index]);
  }
  return byTable;
}
