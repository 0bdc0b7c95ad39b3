/**
 * Partial-index predicates against a query's conditions: does `status = 'active' AND a > 3`
 * imply the index's `WHERE status = 'active'`? The predicate (as the server prints it) is parsed
 * with PostgreSQL's parser into AND/OR trees of column uses and compared constant by constant.
 * The parser must be loaded (`loadParser`).
 */
import { impliedByEqualityOn } from './predicate.js';
import { analyzeStatement } from '../sql/analyze.js';
import { bodyOf, listOf, parseStatements, stringOf } from '../sql/ast.js';
import type { ModelTables } from '../sql/resolve.js';
import type { ColumnUse } from '../model/workload.js';

const NO_TABLES: ModelTables = { find: () => undefined };
/** Parsed predicates: a pure function of the text, bounded like query-match's memo. */
const predicateCache = new Map<string, PredicateTree | null>();
const MEMO_LIMIT = 10_000;

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
    let tree: PredicateTree | null;
    try {
      const [statement] = parseStatements(`SELECT 1 WHERE ${predicate}`);
      const where = bodyOf(statement?.node, 'SelectStmt')?.whereClause;
      tree = where === undefined ? null : predicateTree(where);
    } catch {
      tree = null;
    }
    if (predicateCache.size >= MEMO_LIMIT) predicateCache.clear();
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
