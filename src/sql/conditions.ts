/**
 * WHERE and JOIN conditions reduced to column uses, in disjunctive normal form: a list of
 * AND-groups, one per OR branch, each a list of uses of resolved table columns. Conditions no
 * index can use (`<>`, functions of two tables, ILIKE) simply add nothing.
 */
import { bodyOf, constantText, listOf, names, nodeOf, stringConstant, stringOf, type AstBody } from './ast.js';
import { columnRefsIn, printExpression } from './expression.js';
import { resolveColumnRef, type Occurrence, type OutputColumn, type ResolvedColumn, type Scope } from './scope.js';
import type { ColumnUse, ColumnUseKind } from '../model/workload.js';

/** A column use together with the table occurrence it belongs to. */
export interface Item {
  readonly occurrence: Occurrence;
  readonly use: ColumnUse;
}

/** Disjunctive normal form: OR of AND-groups. `[[]]` is "no restriction", `[]` never occurs. */
export type Dnf = readonly (readonly Item[])[];

/** Beyond this many OR branches a condition is reduced to the parts every branch shares. */
const MAX_BRANCHES = 32;

/** Subquery analysis, provided by the statement analysis (conditions may contain subqueries). */
export interface SubqueryAnalyzer {
  /**
   * Analyzes a subquery nested in `scope`. With `inLink`, the subquery is the right side of
   * `inLink IN (SELECT col …)`: its first output column is joined to `inLink` inside it.
   * Returns its output columns.
   */
  (select: unknown, scope: Scope, inLink?: ResolvedColumn): readonly OutputColumn[];
}

type Side =
  | { readonly kind: 'column'; readonly column: ResolvedColumn }
  | { readonly kind: 'expression'; readonly column: ResolvedColumn; readonly text: string }
  | { readonly kind: 'value'; readonly text: string | undefined };

const FLIPPED: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=' };
const RANGE_OPERATORS = new Set(['<', '>', '<=', '>=']);

function classify(value: unknown, scope: Scope): Side | null {
  const node = nodeOf(value);
  if (!node) return null;
  const [type, body] = node;
  if (type === 'ColumnRef') {
    const column = resolveColumnRef(body, scope);
    return column ? { kind: 'column', column } : null;
  }
  if (type === 'SubLink') {
    // An uncorrelated scalar subquery runs once, as a parameter of the outer plan.
    // (visitSubqueries analyzes it.)
    if (stringOf(body, 'subLinkType') === 'EXPR_SUBLINK') return { kind: 'value', text: undefined };
    return null;
  }
  const refs = columnRefsIn(value);
  if (refs.length === 0) return { kind: 'value', text: printExpression(value) };
  const resolved = refs.map((r) => resolveColumnRef(r, scope));
  const first = resolved[0];
  if (!first || resolved.some((r) => !r || r.occurrence !== first.occurrence || r.column !== first.column)) return null;
  const text = printExpression(value);
  // A cast the server would add anyway (varchar to text) leaves the plain column.
  if (text === printExpression({ ColumnRef: { fields: [{ String: { sval: first.column } }] } })) return { kind: 'column', column: first };
  return { kind: 'expression', column: first, text };
}

function use(side: Side & { column: ResolvedColumn }, kind: ColumnUseKind, extra: Partial<ColumnUse> = {}): Item {
  const { occurrence, column } = side.column;
  const expression = side.kind === 'expression' ? { expression: side.text } : {};
  return { occurrence, use: { table: occurrence.ref, column, kind, ...expression, ...extra } };
}

function withValue(text: string | undefined): { value?: string } {
  return text === undefined ? {} : { value: text };
}

/** A fixed prefix of a LIKE pattern ('abc%' → 'abc'), or null when it starts with a wildcard. */
function likePrefix(pattern: string): string | null {
  let prefix = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '%' || ch === '_') break;
    if (ch === '\\') i++;
    prefix += pattern[i] ?? '';
  }
  return prefix.length > 0 ? prefix : null;
}

/** `(a, b) = (1, 2)` is a = 1 AND b = 2; `(a, b) > ($1, $2)` (keyset pagination) bounds a, the leading column. */
function rowComparison(body: AstBody, scope: Scope, subquery: SubqueryAnalyzer): Item[] | null {
  const left = listOf(bodyOf(body.lexpr, 'RowExpr'), 'args');
  const right = listOf(bodyOf(body.rexpr, 'RowExpr'), 'args');
  if (left.length === 0 || left.length !== right.length) return null;
  const operator = names(listOf(body, 'name')).join('.');
  const pair = (i: number, op: string): Item[] =>
    comparison({ kind: 'AEXPR_OP', name: [{ String: { sval: op } }], lexpr: left[i], rexpr: right[i] }, scope, subquery);
  if (operator === '=') return left.flatMap((_, i) => pair(i, '='));
  if (RANGE_OPERATORS.has(operator)) return pair(0, operator.startsWith('<') ? '<=' : '>=');
  return [];
}

function comparison(body: AstBody, scope: Scope, subquery: SubqueryAnalyzer): Item[] {
  const row = rowComparison(body, scope, subquery);
  if (row) return row;
  let operator = names(listOf(body, 'name')).join('.');
  let left = classify(body.lexpr, scope);
  let right = classify(body.rexpr, scope);
  if (!left || !right) return [];
  if (left.kind === 'value' && right.kind !== 'value') {
    [left, right] = [right, left];
    operator = FLIPPED[operator] ?? operator;
  }
  if (left.kind === 'value') return [];
  if (right.kind === 'value') {
    if (operator === '=') return [use(left, 'equality', { operator, ...withValue(right.text) })];
    if (RANGE_OPERATORS.has(operator)) return [use(left, 'range', { operator, ...withValue(right.text) })];
    return [];
  }
  // Column against column: a join key on both sides when they are different table occurrences.
  if (operator !== '=' || left.column.occurrence === right.column.occurrence) return [];
  return [
    use(left, 'join', { operator, joinedTo: { table: right.column.occurrence.ref, column: right.column.column } }),
    use(right, 'join', { operator, joinedTo: { table: left.column.occurrence.ref, column: left.column.column } }),
  ];
}

function atom(value: unknown, scope: Scope, subquery: SubqueryAnalyzer): Item[] {
  const node = nodeOf(value);
  if (!node) return [];
  const [type, body] = node;
  switch (type) {
    case 'A_Expr': {
      const kind = stringOf(body, 'kind');
      const operator = names(listOf(body, 'name')).join('.');
      if (kind === 'AEXPR_OP') return comparison(body, scope, subquery);
      const left = classify(body.lexpr, scope);
      if (!left || left.kind === 'value') return [];
      if (kind === 'AEXPR_IN' && operator === '=') {
        const values = listOf(bodyOf(body.rexpr, 'List'), 'items');
        return [use(left, 'in', { value: values.map(printExpression).join(', ') })];
      }
      if (kind === 'AEXPR_OP_ANY' && operator === '=') {
        const right = classify(body.rexpr, scope);
        if (right?.kind !== 'value') return [];
        // `= ANY (ARRAY[…])` (how the server prints IN lists) lists its values like IN.
        const array = bodyOf(bodyOf(body.rexpr, 'TypeCast')?.arg ?? body.rexpr, 'A_ArrayExpr');
        return [use(left, 'in', array ? { value: listOf(array, 'elements').map(printExpression).join(', ') } : withValue(right.text))];
      }
      if (kind === 'AEXPR_BETWEEN' || kind === 'AEXPR_BETWEEN_SYM') {
        const bounds = listOf(bodyOf(body.rexpr, 'List'), 'items').map((b) => classify(b, scope));
        if (bounds.some((b) => b?.kind !== 'value')) return [];
        return [
          use(left, 'range', {
            operator: 'BETWEEN',
            value: listOf(bodyOf(body.rexpr, 'List'), 'items').map(printExpression).join(' AND '),
          }),
        ];
      }
      if (kind === 'AEXPR_LIKE' && operator === '~~') {
        const pattern = stringConstant(bodyOf(body.rexpr, 'TypeCast')?.arg ?? body.rexpr);
        const prefix = pattern === null ? null : likePrefix(pattern);
        return prefix === null
          ? []
          : [use(left, 'like-prefix', { operator, value: constantText({ A_Const: { sval: { sval: pattern } } }) ?? '' })];
      }
      return [];
    }
    case 'NullTest': {
      const side = classify(body.arg, scope);
      if (!side || side.kind === 'value') return [];
      return [use(side, stringOf(body, 'nulltesttype') === 'IS_NOT_NULL' ? 'is-not-null' : 'is-null')];
    }
    case 'BooleanTest': {
      const side = classify(body.arg, scope);
      const test = stringOf(body, 'booltesttype');
      if (!side || side.kind === 'value' || (test !== 'IS_TRUE' && test !== 'IS_FALSE')) return [];
      return [use(side, 'equality', { operator: '=', value: test === 'IS_TRUE' ? 'true' : 'false' })];
    }
    case 'ColumnRef': {
      // A boolean column on its own: `WHERE is_active`.
      const side = classify(value, scope);
      return side?.kind === 'column' ? [use(side, 'equality', { operator: '=', value: 'true' })] : [];
    }
    case 'SubLink': {
      const linkType = stringOf(body, 'subLinkType');
      if (linkType === 'ANY_SUBLINK' && body.testexpr !== undefined) {
        const outer = classify(body.testexpr, scope);
        const inLink = outer?.kind === 'column' ? outer.column : undefined;
        const outputs = subquery(body.subselect, scope, inLink);
        const inner = outputs[0]?.source;
        if (!outer || outer.kind === 'value' || !inner) return [];
        return [use(outer, 'join', { operator: '=', joinedTo: { table: inner.occurrence.ref, column: inner.column } })];
      }
      subquery(body.subselect, scope);
      return [];
    }
    default:
      return [];
  }
}

function and(parts: readonly Dnf[]): Dnf {
  let result: Item[][] = [[]];
  for (const part of parts) {
    if (result.length * part.length > MAX_BRANCHES) {
      // Too many combinations: keep what every branch of this part shares.
      const shared = part.reduce<readonly Item[]>((common, branch) => common.filter((i) => branch.includes(i)), part[0] ?? []);
      result = result.map((branch) => [...branch, ...shared]);
      continue;
    }
    result = result.flatMap((branch) => part.map((p) => [...branch, ...p]));
  }
  return result;
}

/** Visits subqueries anywhere in an expression (they are analyzed for their own tables and uses). */
export function visitSubqueries(value: unknown, scope: Scope, subquery: SubqueryAnalyzer): void {
  if (Array.isArray(value)) {
    for (const item of value) visitSubqueries(item, scope, subquery);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const link = bodyOf(value, 'SubLink');
  if (link) {
    subquery(link.subselect, scope);
    visitSubqueries(link.testexpr, scope, subquery);
    return;
  }
  for (const field of Object.values(value)) visitSubqueries(field, scope, subquery);
}

/** The condition in disjunctive normal form over resolved column uses. */
export function conditionDnf(value: unknown, scope: Scope, subquery: SubqueryAnalyzer): Dnf {
  if (value === undefined || value === null) return [[]];
  const bool = bodyOf(value, 'BoolExpr');
  if (bool) {
    const args = listOf(bool, 'args');
    const op = stringOf(bool, 'boolop');
    if (op === 'AND_EXPR') return and(args.map((a) => conditionDnf(a, scope, subquery)));
    if (op === 'OR_EXPR') {
      const branches = args.flatMap((a) => conditionDnf(a, scope, subquery));
      return branches.length > MAX_BRANCHES ? [[]] : branches;
    }
    // NOT: `NOT is_active` is an equality; anything else negated restricts nothing an index uses.
    const inner = args[0];
    const column = bodyOf(inner, 'ColumnRef') ? classify(inner, scope) : null;
    if (column?.kind === 'column') return [[use(column, 'equality', { operator: '=', value: 'false' })]];
    const link = bodyOf(inner, 'SubLink');
    if (link) {
      // NOT EXISTS / NOT IN: the subquery is still probed by its correlation keys.
      atom(inner, scope, subquery);
      return [[]];
    }
    visitSubqueries(inner, scope, subquery);
    return [[]];
  }
  const items = atom(value, scope, subquery);
  if (nodeOf(value)?.[0] !== 'SubLink') visitSubqueries(value, scope, subquery);
  return [items];
}
