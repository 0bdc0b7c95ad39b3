/**
 * When one index can stand in for another: the same queries served (access method, keys with
 * their operator classes, collations, prefix lengths and sort order, INCLUDE columns,
 * predicate), the same constraints enforced (uniqueness, NULLS NOT DISTINCT, deferrability),
 * and whether an index can be dropped by itself at all. Every rule, the fix planner and the
 * reports ask these questions here, so they never disagree.
 */
import type { Capabilities, Index } from '../model/types.js';
import { keysArePrefix, sameKeyContent, storedKeys } from './keys.js';
import { samePredicate } from './predicate.js';

/** Access methods where an index on (a, b) also serves queries on (a) alone. */
const PREFIX_METHODS = new Set(['btree']);

/** Whether the access method orders its keys (btree): only then is a left prefix usable by itself. */
function servesLeftPrefix(method: string): boolean {
  return PREFIX_METHODS.has(method);
}

/** Usable by queries: an invalid, not-ready or invisible (MySQL INVISIBLE, MariaDB IGNORED) index serves nothing. */
export function isUsable(index: Index): boolean {
  return index.valid && index.ready && index.visible !== false;
}

/** Columns whose values the index can return: key columns (declared and implicit) and INCLUDE columns. */
function storedColumns(index: Index): Set<string> {
  const columns = new Set(index.include);
  for (const k of storedKeys(index)) if (k.kind === 'column' && k.column !== null) columns.add(k.column);
  return columns;
}

function sameIncludeSet(a: Index, b: Index): boolean {
  const ai = new Set(a.include);
  return ai.size === new Set(b.include).size && b.include.every((c) => ai.has(c));
}

/** Serves exactly the same queries: same method, stored keys, orderings (or all reversed), INCLUDE set and predicate. */
export function sameShape(a: Index, b: Index): boolean {
  if (a.schema !== b.schema || a.table !== b.table || a.method !== b.method) return false;
  const ak = storedKeys(a);
  const bk = storedKeys(b);
  if (ak.length !== bk.length || !keysArePrefix(ak, bk)) return false;
  return samePredicate(a.predicate, b.predicate) && sameIncludeSet(a, b);
}

/**
 * `b` serves every query `a` serves: `a`'s keys a left prefix of `b`'s stored keys (btree), the same
 * predicate, `a`'s INCLUDE columns available. For a left prefix `a`'s declared keys count: the
 * primary-key columns InnoDB appends to `(a)` only order rows within one value of `a`, and `(a, b)`
 * stores them too (the same judgement pt-duplicate-key-checker and sys.schema_redundant_indexes make).
 */
function servesQueriesOf(b: Index, a: Index): boolean {
  if (a.schema !== b.schema || a.table !== b.table || a.method !== b.method) return false;
  if (!samePredicate(a.predicate, b.predicate)) return false;
  const ak = storedKeys(a);
  const bk = storedKeys(b);
  if (servesLeftPrefix(a.method)) {
    if (!keysArePrefix(ak, bk) && !keysArePrefix(a.keys, bk)) return false;
  } else if (ak.length !== bk.length || !keysArePrefix(ak, bk)) {
    return false;
  }
  if (a.include.length === 0) return true;
  const stored = storedColumns(b);
  return a.include.every((c) => stored.has(c));
}

/**
 * A cheap necessary condition for `b` to serve `a`'s queries (and so for either to make the
 * other unnecessary): the same method, at least as many keys, and the same first key.
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
 * same declared keys, at least as strict about NULLs and checked at least as early; an
 * exclusion constraint is covered by nothing else.
 */
function enforcesConstraintsOf(b: Index, a: Index): boolean {
  if (a.constraint?.type === 'exclusion') return false;
  if (!a.unique) return true;
  if (!b.unique || b.constraint?.type === 'exclusion') return false;
  if (a.keys.length !== b.keys.length) return false;
  if (nullsNotDistinct(a) && !nullsNotDistinct(b)) return false;
  if (enforcesImmediately(a) && !enforcesImmediately(b)) return false;
  return true;
}

/** `b` makes `a` unnecessary: usable, it serves all of `a`'s queries and enforces all of its constraints. */
export function covers(b: Index, a: Index): boolean {
  return a !== b && isUsable(b) && servesQueriesOf(b, a) && enforcesConstraintsOf(b, a);
}

/** Why an index cannot be dropped by itself, or null when it can. */
export function whyNotDroppable(index: Index, capabilities?: Capabilities): string | null {
  if (index.primary) return 'it is the primary key';
  if (index.parentIndex !== null) return `it is attached to the partitioned index ${index.parentIndex.schema}.${index.parentIndex.name}`;
  if (index.referencedByForeignKeys.length > 0) {
    return `foreign key ${index.referencedByForeignKeys.map((f) => f.name).join(', ')} references the table through it`;
  }
  if (index.replicaIdentity) return "it is the table's REPLICA IDENTITY";
  if (index.constraint?.type === 'exclusion') return 'it implements an exclusion constraint';
  if (index.constraint && capabilities?.constraintIndexesDroppable === false) {
    return `it implements the constraint ${index.constraint.name}, which cannot be dropped without rebuilding the table`;
  }
  return null;
}

/** `schema\0table`, the key {@link usableIndexesByTable} uses. */
export function tableKey(schema: string, table: string): string {
  return `${schema}\u0000${table}`;
}

/** Groups indexes by table (schema-qualified, {@link tableKey}), keeping only usable ones. */
export function usableIndexesByTable(indexes: readonly Index[]): Map<string, Index[]> {
  const byTable = new Map<string, Index[]>();
  for (const index of indexes) {
    if (!isUsable(index)) continue;
    const key = tableKey(index.schema, index.table);
    const list = byTable.get(key);
    if (list) list.push(index);
    else byTable.set(key, [index]);
  }
  return byTable;
}
