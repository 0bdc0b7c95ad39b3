/**
 * Which index could serve which query, by the rules of the access methods (B-tree left-prefix
 * rules, hash equality), partial-index predicate implication and expression-key matching.
 * Pure functions over the model and the workload; the parser must be loaded (readWorkload does
 * it, or call loadParser) because index expressions and predicates are parsed to compare them.
 */
import type { Index, IndexKey } from '../model/types.js';
import { impliedByEqualityOn } from './predicate.js';
import { bodyOf, listOf, parseStatements, stringOf } from '../sql/ast.js';
import { analyzeStatement } from '../sql/analyze.js';
import { canonicalExpression } from '../sql/expression.js';
import { sameTable, type ModelTables } from '../sql/resolve.js';
import type { ColumnUse, ColumnUseGroup, QueryPattern } from '../model/workload.js';

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
}

const expressionCache = new Map<string, string | null>();

function canonicalKey(key: IndexKey): string | null {
  let canonical = expressionCache.get(key.expression);
  if (canonical === undefined) {
    canonical = canonicalExpression(key.expression);
    expressionCache.set(key.expression, canonical);
  }
  return canonical;
}

/** True when the use is on what the key indexes: the same column, or the same expression. */
export function keyMatchesUse(key: IndexKey, use: ColumnUse): boolean {
  if (key.kind === 'column') return use.expression === undefined && key.column === use.column;
  return use.expression !== undefined && canonicalKey(key) === use.expression;
}

function equalityLike(use: ColumnUse, joins: boolean): boolean {
  return use.kind === 'equality' || use.kind === 'in' || use.kind === 'is-null' || (joins && use.kind === 'join');
}

/** LIKE 'abc%' can use a B-tree only with a pattern operator class or the C collation. */
function likeCapable(key: IndexKey): boolean {
  return /pattern_ops/.test(key.opclass ?? '') || /"?(C|POSIX|ucs_basic)"?$/.test(key.collation ?? '');
}

function rangeLike(use: ColumnUse, key: IndexKey): boolean {
  return use.kind === 'range' || use.kind === 'is-not-null' || (use.kind === 'like-prefix' && likeCapable(key));
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
    if (!key?.ordering || !keyMatchesUse(key, use)) return false;
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
      const ranges = uses.filter((u) => rangeLike(u, key));
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
  return {
    usableKeys,
    equalityKeys,
    usesOrder,
    predicateImplied,
    serves: index.valid && predicateImplied && (usableKeys > 0 || usesOrder),
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

// ---- partial-index predicates ----

const NO_TABLES: ModelTables = { find: () => undefined };
const predicateCache = new Map<string, PredicateTree | null>();

/** A predicate as AND/OR of atoms, each atom the one column use it amounts to (null: not understood). */
type PredicateTree =
  { readonly op: 'and' | 'or'; readonly parts: readonly PredicateTree[] } | { readonly op: 'atom'; readonly use: ColumnUse | null };

function predicateTree(node: unknown): PredicateTree {
  const bool = bodyOf(node, 'BoolExpr');
  const op = stringOf(bool, 'boolop');
  if (bool && (op === 'AND_EXPR' || op === 'OR_EXPR'))
    return { op: op === 'AND_EXPR' ? 'and' : 'or', parts: listOf(bool, 'args').map(predicateTree) };
  // One atom, analyzed as the only condition on a single (unknown) table, so its columns resolve.
  const statement = {
    SelectStmt: { targetList: [], fromClause: [{ RangeVar: { relname: 'predicate_table', inh: true } }], whereClause: node },
  };
  const conditions = analyzeStatement(statement, NO_TABLES).groups[0]?.conditions ?? [];
  return { op: 'atom', use: conditions.length === 1 ? (conditions[0] ?? null) : null };
}

function parsedPredicate(predicate: string): PredicateTree | null {
  if (!predicateCache.has(predicate)) {
    let tree: PredicateTree | null = null;
    try {
      const [statement] = parseStatements(`SELECT 1 WHERE ${predicate}`);
      const where = bodyOf(statement?.node, 'SelectStmt')?.whereClause;
      tree = where === undefined ? null : predicateTree(where);
    } catch {
      tree = null;
    }
    predicateCache.set(predicate, tree);
  }
  return predicateCache.get(predicate) ?? null;
}

/** A constant we can compare: numbers and quoted strings; `$n` placeholders are unknown values. */
function literal(value: string | undefined): number | string | null {
  if (value === undefined || value.startsWith('$')) return null;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (/^'(?:[^']|'')*'$/.test(value)) return value;
  if (value === 'true' || value === 'false') return value;
  return null;
}

function compare(a: number | string, b: number | string): number | null {
  if (typeof a !== typeof b) return null;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // Quoted ISO dates and timestamps order as text.
  const iso = /^'\d{4}-\d{2}-\d{2}/;
  if (typeof a === 'string' && typeof b === 'string' && iso.test(a) && iso.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return a === b ? 0 : null;
}

/** Does `x <queryOp> q` imply `x <predOp> p`? */
function rangeImplies(queryOp: string, q: number | string, predOp: string, p: number | string): boolean {
  const c = compare(q, p);
  if (c === null) return false;
  const lower = (op: string) => op === '>' || op === '>=';
  if (queryOp === '=') return predOp === '>' ? c > 0 : predOp === '>=' ? c >= 0 : predOp === '<' ? c < 0 : predOp === '<=' ? c <= 0 : false;
  if (lower(queryOp) !== lower(predOp)) return false;
  if (lower(predOp)) return c > 0 || (c === 0 && (queryOp === predOp || queryOp === '>'));
  return c < 0 || (c === 0 && (queryOp === predOp || queryOp === '<'));
}

const STRICT_KINDS = new Set(['equality', 'range', 'in', 'like-prefix', 'join', 'is-not-null']);

function atomImplied(p: ColumnUse, conditions: readonly ColumnUse[]): boolean {
  const same = conditions.filter((q) => q.column === p.column && q.expression === p.expression);
  return same.some((q) => {
    switch (p.kind) {
      case 'is-not-null':
        return STRICT_KINDS.has(q.kind);
      case 'is-null':
        return q.kind === 'is-null';
      case 'equality': {
        const pv = literal(p.value);
        return q.kind === 'equality' && pv !== null && literal(q.value) !== null && compare(literal(q.value) as string | number, pv) === 0;
      }
      case 'in': {
        const allowed = (p.value ?? '').split(', ').map(literal);
        const given = q.kind === 'equality' ? [literal(q.value)] : q.kind === 'in' ? (q.value ?? '').split(', ').map(literal) : [];
        return given.length > 0 && given.every((g) => g !== null && allowed.some((a) => a !== null && compare(g, a) === 0));
      }
      case 'range': {
        const pv = literal(p.value);
        const qv = literal(q.value);
        if (pv === null || qv === null || !p.operator || !q.operator) return false;
        return (q.kind === 'equality' || q.kind === 'range') && rangeImplies(q.operator, qv, p.operator, pv);
      }
      default:
        return false;
    }
  });
}

function treeImplied(tree: PredicateTree, conditions: readonly ColumnUse[]): boolean {
  if (tree.op === 'atom') return tree.use !== null && atomImplied(tree.use, conditions);
  return tree.op === 'and' ? tree.parts.every((p) => treeImplied(p, conditions)) : tree.parts.some((p) => treeImplied(p, conditions));
}

/**
 * True when a query's AND-ed conditions imply a partial index's predicate (as the server
 * prints it), so the planner may use the index; null predicate: always true. Constants must be
 * known: `status = $1` does not imply `status = 'active'` (a generic plan cannot use the index).
 */
export function predicateImpliedBy(predicate: string | null, conditions: readonly ColumnUse[]): boolean {
  if (predicate === null) return true;
  const strictColumns = conditions.filter((c) => c.expression === undefined && STRICT_KINDS.has(c.kind)).map((c) => c.column);
  if (impliedByEqualityOn(predicate, strictColumns)) return true;
  const tree = parsedPredicate(predicate);
  return tree !== null && treeImplied(tree, conditions);
}
