/**
 * A canonical text for expressions, so an expression in a query (`lower(u.email)`) and an
 * index's expression key as the server prints it (`lower((email)::text)`) compare equal.
 * Column references lose their table qualifier, casts the server adds to make a call resolve
 * (a varchar column to text) and casts on constants are dropped, function names are lower-cased.
 */
import { bodyOf, structOf, constantText, listOf, names, nodeOf, parseStatements, stringOf, type AstBody } from './ast.js';

/** Types whose casts of a column the server inserts implicitly (varchar → text and the like). */
const IMPLICIT_COLUMN_CASTS = new Set(['text', 'varchar', 'bpchar', 'name']);

function typeName(value: unknown): string {
  const t = structOf(value, 'TypeName');
  const parts = names(listOf(t, 'names')).filter((n) => n !== 'pg_catalog');
  return parts.join('.') + (listOf(t, 'arrayBounds').length > 0 ? '[]' : '');
}

function identifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function stripLocations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripLocations);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (key !== 'location') out[key] = stripLocations(field);
  return out;
}

/** The canonical text of an expression node (see the module comment). */
export function printExpression(value: unknown): string {
  const node = nodeOf(value);
  if (!node) return JSON.stringify(stripLocations(value));
  const [type, body] = node;
  switch (type) {
    case 'ColumnRef': {
      const fields = names(listOf(body, 'fields'));
      return identifier(fields[fields.length - 1] ?? '?');
    }
    case 'A_Const':
      return constantText(value) ?? 'NULL';
    case 'ParamRef':
      return `$${typeof body.number === 'number' ? body.number : 0}`;
    case 'TypeCast': {
      const arg = body.arg;
      const target = typeName(body.typeName);
      if (nodeOf(arg)?.[0] === 'A_Const' || nodeOf(arg)?.[0] === 'ParamRef') return printExpression(arg);
      if (nodeOf(arg)?.[0] === 'ColumnRef' && IMPLICIT_COLUMN_CASTS.has(target)) return printExpression(arg);
      return `(${printExpression(arg)})::${target}`;
    }
    case 'FuncCall': {
      const fn = names(listOf(body, 'funcname'))
        .filter((n) => n !== 'pg_catalog')
        .join('.')
        .toLowerCase();
      if (body.agg_star === true) return `${fn}(*)`;
      return `${fn}(${listOf(body, 'args').map(printExpression).join(', ')})`;
    }
    case 'A_Expr': {
      const op = names(listOf(body, 'name')).join('.');
      const left = body.lexpr === undefined ? '' : `${printExpression(body.lexpr)} `;
      return `(${left}${op} ${printExpression(body.rexpr)})`;
    }
    case 'BoolExpr': {
      const args = listOf(body, 'args').map(printExpression);
      const op = stringOf(body, 'boolop');
      if (op === 'NOT_EXPR') return `(NOT ${args[0] ?? ''})`;
      return `(${args.join(op === 'OR_EXPR' ? ' OR ' : ' AND ')})`;
    }
    case 'NullTest':
      return `(${printExpression(body.arg)} ${stringOf(body, 'nulltesttype') === 'IS_NOT_NULL' ? 'IS NOT NULL' : 'IS NULL'})`;
    case 'CoalesceExpr':
      return `COALESCE(${listOf(body, 'args').map(printExpression).join(', ')})`;
    case 'A_ArrayExpr':
      return `ARRAY[${listOf(body, 'elements').map(printExpression).join(', ')}]`;
    case 'List':
      return listOf(body, 'items').map(printExpression).join(', ');
    default:
      return JSON.stringify(stripLocations(value));
  }
}

/** Column references (the ColumnRef bodies) anywhere inside an expression, not entering subqueries. */
export function columnRefsIn(value: unknown, out: AstBody[] = []): AstBody[] {
  if (Array.isArray(value)) {
    for (const item of value) columnRefsIn(item, out);
    return out;
  }
  if (value === null || typeof value !== 'object') return out;
  const node = nodeOf(value);
  if (node?.[0] === 'ColumnRef') {
    out.push(node[1]);
    return out;
  }
  if (node?.[0] === 'SubLink' || node?.[0] === 'SelectStmt') return out;
  for (const field of Object.values(value)) columnRefsIn(field, out);
  return out;
}

/**
 * The canonical form of an expression given as SQL text (an index key as `pg_get_indexdef`
 * prints it); null when it does not parse. The parser must be loaded ({@link loadParser}).
 */
export function canonicalExpression(sql: string): string | null {
  try {
    const [statement] = parseStatements(`SELECT ${sql}`);
    const target = listOf(bodyOf(statement?.node, 'SelectStmt'), 'targetList')[0];
    const val = bodyOf(target, 'ResTarget')?.val;
    return val === undefined ? null : printExpression(val);
  } catch {
    return null;
  }
}
