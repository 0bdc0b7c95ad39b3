/**
 * Which index could serve which query, by the rules of the access methods (B-tree left-prefix
 * rules, hash equality), partial-index predicate implication and expression-key matching.
 * Pure functions over the model and the workload; the parser must be loaded (readWorkload does
 * it, or call loadParser) because index expressions and predicates are parsed to compare them.
 */
import type { Index, IndexKey } from '../model/types.js';
import { canonicalExpression } from '../sql/expression.js';
import { sameTable } from '../sql/resolve.js';
import type { ColumnUse, ColumnUseGroup, QueryPattern } from '../model/workload.js';
import { isUsable } from './coverage.js';
import { predicateImpliedBy } from './predicate-implication.js';

/** How well one index serves one AND-group of a query. */
export interface IndexMatch {
  /**
   * Leading keys the group's conditions constrain: keys with an equality, IN, IS NULL or join
   * condition, then at most one key with a range, LIKE-prefix or IS NOT NULL condition.
   */
  readonly usableKeys: number;
  /** Of `usableKeys`, the leading keys constrained by equality-like conditions (equality, IN, IS NULL, join). */
  readonly equalityKeys: number;
  /** The index returns rows in the group's ORDER BY order (scanned forward or backward), so no sort is needed. */
  readonly usesOrder: boolean;
  /**
   * Leading keys the group uses at all: the constrained ones, or, when the index also gives the
   * ORDER BY, the equality-fixed keys followed by the ORDER BY keys (`(a, b)` serves
   * `WHERE a = $1 ORDER BY b` with both keys). What makes a composite's later keys worth having.
   */
  readonly keysUsed: number;
  /** The index has no predicate, or the group's conditions imply it; a partial index is unusable otherwise. */
  readonly predicateImplied: boolean;
  /** The index could serve the group: valid, predicate implied, and it constrains a key or provides the order. */
  readonly serves: boolean;
  /** The group's uses the index serves (conditions on its usable keys, and the ORDER BY when `usesOrder`). */
  readonly servedUses: readonly ColumnUse[];
}

/** An index that could serve a group of a query. */
export interface IndexCandidate {
  readonly index: Index;
  readonly group: ColumnUseGroup;
  readonly match: IndexMatch;
}

/** Options for {@link matchIndex}. */
export interface MatchOptions {
  /** Count join keys as equality (a nested-loop inner index scan); default true. */
  readonly joinsAsEquality?: boolean;
  /**
   * The database's default collation sorts bytewise (C or POSIX), so that a key in the default
   * collation serves `LIKE 'abc%'` (PostgreSQL: pg_database.datcollate); default false.
   */
  readonly defaultCollationIsC?: boolean;
}

/**
 * Canonical forms of index expressions already parsed: a pure function of the text, kept because
 * the same expression is matched against every query of its table. Bounded, so a long-running
 * process (the library in an application) does not grow it without end.
 */
const expressionMemo = new Map<string, string | null>();
const MEMO_LIMIT = 10_000;

function canonicalKey(key: IndexKey): string | null {
  let canonical = expressionMemo.get(key.expression);
  if (canonical === undefined) {
    canonical = canonicalExpression(key.expression);
    if (expressionMemo.size >= MEMO_LIMIT) expressionMemo.clear();
    expressionMemo.set(key.expression, canonical);
  }
  return canonical;
}

/** True when the use is on what the key indexes: the same column, or the same expression. */
function keyMatchesUse(key: IndexKey, use: ColumnUse): boolean {
  if (key.kind === 'column') return use.expression === undefined && key.column === use.column;
  return use.expression !== undefined && canonicalKey(key) === use.expression;
}

function equalityLike(use: ColumnUse, joins: boolean): boolean {
  return use.kind === 'equality' || use.kind === 'in' || use.kind === 'is-null' || (joins && use.kind === 'join');
}

/**
 * `LIKE 'abc%'` can use a B-tree key only where the key sorts bytewise: a pattern operator class
 * (`text_pattern_ops`), the C, POSIX or ucs_basic collation, or the database default collation
 * when that is C; in any other collation the planner cannot turn the prefix into a range.
 */
function likeCapable(key: IndexKey, defaultCollationIsC = false): boolean {
  if (/pattern_ops$/.test(key.opclass ?? '')) return true;
  if (/"?(C|POSIX|ucs_basic)"?$/.test(key.collation ?? '')) return true;
  return defaultCollationIsC && (key.collation === null || key.collationIsDefault);
}

function rangeLike(use: ColumnUse, key: IndexKey, defaultCollationIsC: boolean): boolean {
  return use.kind === 'range' || use.kind === 'is-not-null' || (use.kind === 'like-prefix' && likeCapable(key, defaultCollationIsC));
}

/** Does a B-tree with these keys return rows in the ORDER BY order, given the keys fixed by equality? */
function providesOrder(index: Index, orderBy: readonly ColumnUse[], fixed: number): boolean {
  if (orderBy.length === 0 || index.method !== 'btree') return false;
  let k = 0;
  let direction: 'forward' | 'backward' | null = null;
  for (const use of orderBy) {
    // Keys pinned to one value by equality do not disturb the order of the keys after them.
    while (k < fixed && index.keys[k] && !keyMatchesUse(index.keys[k] as IndexKey, use)) k++;
    const key = index.keys[k];
    // A prefix key (MySQL `name(10)`) holds only the start of each value: it cannot give their order.
    if (!key?.ordering || key.prefixLength !== undefined || !keyMatchesUse(key, use)) return false;
    const descending = use.descending ?? false;
    const nullsFirst = use.nullsFirst ?? descending;
    const here =
      key.ordering.descending === descending && key.ordering.nullsFirst === nullsFirst
        ? 'forward'
        : key.ordering.descending !== descending && key.ordering.nullsFirst !== nullsFirst
          ? 'backward'
          : null;
    if (here === null || (direction !== null && here !== direction)) return false;
    direction = here;
    k++;
  }
  return true;
}

/** Matches one index against one AND-group (the group must be on the index's table). */
export function matchIndex(group: ColumnUseGroup, index: Index, options: MatchOptions = {}): IndexMatch {
  const joins = options.joinsAsEquality ?? true;
  const bytewise = options.defaultCollationIsC ?? false;
  const predicateImplied = predicateImpliedBy(index.predicate, group.conditions);
  const served: ColumnUse[] = [];
  let usableKeys = 0;
  let equalityKeys = 0;
  let fixed = 0;
  if (index.method === 'btree') {
    let fixing = true;
    for (const key of index.keys) {
      const uses = group.conditions.filter((u) => keyMatchesUse(key, u));
      const equalities = uses.filter((u) => equalityLike(u, joins));
      if (equalities.length > 0) {
        usableKeys++;
        equalityKeys++;
        served.push(...equalities);
        // IN lists scan several values: the keys after them are no longer in one order.
        if (fixing && equalities.some((u) => u.kind !== 'in')) fixed++;
        else fixing = false;
        continue;
      }
      const ranges = uses.filter((u) => rangeLike(u, key, bytewise));
      if (ranges.length > 0) {
        usableKeys++;
        served.push(...ranges);
      }
      break;
    }
  } else if (index.method === 'hash' && index.keys.length === 1 && index.keys[0]) {
    const key = index.keys[0];
    const equalities = group.conditions.filter((u) => keyMatchesUse(key, u) && (u.kind === 'equality' || (joins && u.kind === 'join')));
    if (equalities.length > 0) {
      usableKeys = 1;
      equalityKeys = 1;
      served.push(...equalities);
    }
  }
  const usesOrder = providesOrder(index, group.orderBy, fixed);
  if (usesOrder) served.push(...group.orderBy);
  const orderedKeys = usesOrder ? Math.min(index.keys.length, fixed + group.orderBy.length) : 0;
  return {
    usableKeys,
    equalityKeys,
    usesOrder,
    keysUsed: Math.max(usableKeys, orderedKeys),
    predicateImplied,
    serves: isUsable(index) && predicateImplied && (usableKeys > 0 || usesOrder),
    servedUses: served,
  };
}

/** The indexes (among `indexes`) that could serve some AND-group of the query, best first. */
export function indexCandidates(query: QueryPattern, indexes: readonly Index[], options: MatchOptions = {}): IndexCandidate[] {
  const out: IndexCandidate[] = [];
  for (const group of query.groups) {
    for (const index of indexes) {
      if (!sameTable(group.table, { schema: index.schema, name: index.table })) continue;
      const match = matchIndex(group, index, options);
      if (match.serves) out.push({ index, group, match });
    }
  }
  return out.sort(
    (a, b) =>
      b.match.usableKeys - a.match.usableKeys ||
      Number(b.match.usesOrder) - Number(a.match.usesOrder) ||
      a.index.name.localeCompare(b.index.name),
  );
}
