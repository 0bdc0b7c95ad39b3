/**
 * Reads connection-pool options from JavaScript and TypeScript with tree-sitter-typescript:
 * node-postgres `new Pool({...})`, mysql2 `createPool({...})`, knex `{ client, pool: {min, max} }`,
 * Sequelize `new Sequelize(..., { pool: {...} })`, Prisma's `connection_limit` / `pool_timeout`
 * URL parameters, and config modules (`export default {...}`, `module.exports = {...}`). Nothing
 * is run: `const` bindings and `...spreads` of the same file are followed, `process.env` lookups
 * are kept as such, number arithmetic (`30 * 1000`) is computed.
 */
import { parseSource, type SyntaxNode } from '../sources/syntax/tree-sitter.js';
import type { PoolDriver, SettingValue } from './types.js';

/** An object literal, its properties read; nested objects are kept as objects. */
export interface ObjectLiteral {
  readonly line: number;
  /** The call it is an argument of (`Pool`, `createPool`, `knex`), if any. */
  readonly callee: string | null;
  /** The driver the code around it names (knex's `client` beside `pool`, `new Sequelize`), if any. */
  readonly hint: PoolDriver | null;
  readonly properties: ReadonlyMap<string, SettingValue | ObjectLiteral>;
}

type Scope = ReadonlyMap<string, SyntaxNode>;

const named = (node: SyntaxNode | null | undefined): SyntaxNode[] =>
  (node?.namedChildren ?? []).filter((n): n is SyntaxNode => n !== null && n.type !== 'comment');

/** `const NAME = value` anywhere in the file (first binding wins), for names and spreads. */
function bindings(root: SyntaxNode): Scope {
  const scope = new Map<string, SyntaxNode>();
  for (const declarator of root.descendantsOfType('variable_declarator')) {
    const name = declarator?.childForFieldName('name');
    const value = declarator?.childForFieldName('value');
    if (name?.type === 'identifier' && value && !scope.has(name.text)) scope.set(name.text, value);
  }
  return scope;
}

const WRAPPERS = ['parenthesized_expression', 'as_expression', 'satisfies_expression', 'non_null_expression'];

/** Strips `(…)`, `as T`, `satisfies T`, `x!`. */
function unwrap(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (WRAPPERS.includes(n.type)) {
    const inner = named(n)[0];
    if (!inner) break;
    n = inner;
  }
  return n;
}

function stringOf(node: SyntaxNode): string | null {
  if (node.type === 'string')
    return named(node)
      .map((c) => c.text)
      .join('');
  if (node.type === 'template_string' && !named(node).some((c) => c.type === 'template_substitution'))
    return named(node)
      .map((c) => c.text)
      .join('');
  return null;
}

/** The first `process.env.NAME` (or `process.env["NAME"]`, `import.meta.env.NAME`) inside an expression. */
function envVariable(node: SyntaxNode): string | null {
  const members = [node, ...node.descendantsOfType(['member_expression', 'subscript_expression'])].filter(
    (n): n is SyntaxNode => n !== null,
  );
  for (const m of members) {
    const object = m.childForFieldName('object')?.text.replace(/\s+/g, '');
    if (object !== 'process.env' && object !== 'import.meta.env') continue;
    if (m.type === 'member_expression') return m.childForFieldName('property')?.text ?? null;
    const index = m.childForFieldName('index');
    if (index) return stringOf(index);
  }
  return null;
}

/** The literal after `??` or `||` (`process.env.MAX ?? 10`), or a parse call's default. */
function envFallback(node: SyntaxNode): string | null {
  for (const b of [node, ...node.descendantsOfType('binary_expression')]) {
    const op = b?.childForFieldName('operator')?.text;
    const right = b?.childForFieldName('right');
    if ((op === '??' || op === '||') && right && (right.type === 'number' || stringOf(right) !== null))
      return stringOf(right) ?? right.text;
  }
  return null;
}

function numeric(node: SyntaxNode, scope: Scope, depth: number): number | null {
  const v = valueOf(node, scope, depth);
  return v.kind === 'number' ? v.value : null;
}

/** A value node as a setting: literals, number arithmetic, `const` names followed, environment lookups kept. */
function valueOf(input: SyntaxNode, scope: Scope, depth = 0): SettingValue {
  const node = unwrap(input);
  const text = input.text.replace(/\s+/g, ' ').trim();
  const s = stringOf(node);
  if (s !== null) return { kind: 'string', value: s };
  switch (node.type) {
    case 'number': {
      const value = Number(node.text.replace(/_/g, '').replace(/n$/, ''));
      return Number.isFinite(value) ? { kind: 'number', value, text } : { kind: 'expression', text };
    }
    case 'true':
    case 'false':
      return { kind: 'boolean', value: node.type === 'true' };
    case 'null':
    case 'undefined':
      return { kind: 'none' };
    case 'unary_expression': {
      const argument = node.childForFieldName('argument');
      const op = node.childForFieldName('operator')?.text;
      const n = argument && (op === '-' || op === '+') ? numeric(argument, scope, depth) : null;
      if (n !== null) return { kind: 'number', value: op === '-' ? -n : n, text };
      break;
    }
    case 'binary_expression': {
      const l = node.childForFieldName('left');
      const r = node.childForFieldName('right');
      const op = node.childForFieldName('operator')?.text;
      const a = l ? numeric(l, scope, depth) : null;
      const b = r ? numeric(r, scope, depth) : null;
      if (a === null || b === null) break;
      const value = op === '*' ? a * b : op === '+' ? a + b : op === '-' ? a - b : op === '/' ? a / b : null;
      if (value !== null && Number.isFinite(value)) return { kind: 'number', value, text };
      break;
    }
    case 'identifier': {
      const bound = depth < 5 ? scope.get(node.text) : undefined;
      if (bound && unwrap(bound).type !== 'object') {
        const resolved = valueOf(bound, scope, depth + 1);
        return resolved.kind === 'expression' ? { kind: 'name', name: node.text } : resolved;
      }
      return { kind: 'name', name: node.text };
    }
  }
  const variable = envVariable(node);
  if (variable !== null) return { kind: 'env', variable, fallback: envFallback(node), text };
  if (node.type === 'member_expression' && /^[\w$.]+$/.test(node.text)) return { kind: 'name', name: node.text };
  return { kind: 'expression', text };
}

function keyOf(pair: SyntaxNode): string | null {
  const key = pair.childForFieldName('key');
  if (!key) return null;
  if (key.type === 'property_identifier' || key.type === 'number') return key.text;
  return stringOf(key);
}

/** The object a node stands for: a literal, or a `const` bound to one. */
function objectNode(node: SyntaxNode | null | undefined, scope: Scope, depth = 0): SyntaxNode | null {
  if (!node || depth > 5) return null;
  const n = unwrap(node);
  if (n.type === 'object') return n;
  if (n.type === 'identifier') return objectNode(scope.get(n.text), scope, depth + 1);
  return null;
}

/** Reads an object literal; `...spreads` of known objects are merged in, later keys win as in JavaScript. */
function readObject(node: SyntaxNode, scope: Scope, callee: string | null, hint: PoolDriver | null, depth = 0): ObjectLiteral {
  const properties = new Map<string, SettingValue | ObjectLiteral>();
  for (const member of named(node)) {
    if (member.type === 'spread_element') {
      const spread = objectNode(named(member)[0], scope);
      if (spread && depth < 5) for (const [k, v] of readObject(spread, scope, null, hint, depth + 1).properties) properties.set(k, v);
    } else if (member.type === 'shorthand_property_identifier') {
      properties.set(member.text, valueOf(member, scope));
    } else if (member.type === 'pair') {
      const key = keyOf(member);
      const value = member.childForFieldName('value');
      if (key === null || !value) continue;
      const nested = objectNode(value, scope);
      properties.set(key, nested && depth < 5 ? readObject(nested, scope, null, null, depth + 1) : valueOf(value, scope));
    }
  }
  // knex's { client, pool } and Sequelize's { dialect, pool }: the pool object inherits the driver.
  const pool = properties.get('pool');
  if (pool && isObjectLiteral(pool)) {
    const inner: PoolDriver | null = hint ?? (properties.has('client') ? 'knex' : properties.has('dialect') ? 'sequelize' : null);
    properties.set('pool', { ...pool, hint: inner ?? pool.hint });
  }
  return { line: node.startPosition.row + 1, callee, hint, properties };
}

/** The name a call or `new` calls: `Pool` for `new pg.Pool`, `createPool` for `mysql.createPool`, `knex` for `require('knex')(…)`. */
function calleeOf(call: SyntaxNode): string | null {
  const fn = call.childForFieldName(call.type === 'new_expression' ? 'constructor' : 'function');
  if (!fn) return null;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'member_expression') return fn.childForFieldName('property')?.text ?? null;
  if (fn.type === 'call_expression' && /^require\(\s*['"]knex['"]\s*\)$/.test(fn.text)) return 'knex';
  return null;
}

const CALL_HINTS: { readonly [callee: string]: PoolDriver } = {
  Pool: 'node-postgres',
  createPool: 'mysql2',
  knex: 'knex',
  Knex: 'knex',
  Sequelize: 'sequelize',
  PrismaClient: 'prisma',
};

/** Prisma's pool parameters in a connection URL: `?connection_limit=5&pool_timeout=10`. */
export function prismaUrlParameters(url: string): Map<string, SettingValue> {
  const out = new Map<string, SettingValue>();
  for (const match of url.matchAll(/[?&](connection_limit|pool_timeout)=([^&#\s"'`]*)/g)) {
    const [, key = '', raw = ''] = match;
    out.set(key, /^\d+(\.\d+)?$/.test(raw) ? { kind: 'number', value: Number(raw), text: raw } : { kind: 'expression', text: raw });
  }
  return out;
}

/** Every object literal in expression position, outermost first, and Prisma URLs as objects. */
export async function readObjectLiterals(source: string, tsx = false): Promise<ObjectLiteral[]> {
  const root = (await parseSource(source, tsx ? 'tsx' : 'typescript')).rootNode;
  const scope = bindings(root);
  const found: ObjectLiteral[] = [];
  const visit = (node: SyntaxNode): void => {
    if (node.type === 'object') {
      let outer: SyntaxNode = node;
      while (outer.parent && WRAPPERS.includes(outer.parent.type)) outer = outer.parent;
      const parent = outer.parent?.type === 'arguments' ? outer.parent.parent : null;
      const callee = parent ? calleeOf(parent) : null;
      found.push(readObject(node, scope, callee, callee ? (CALL_HINTS[callee] ?? null) : null));
      // Go on inside: a method or arrow function in a config object may create the pool.
    }
    if (node.type === 'string' || node.type === 'template_string') {
      const params = prismaUrlParameters(node.text);
      if (params.size > 0) found.push({ line: node.startPosition.row + 1, callee: 'datasource url', hint: 'prisma', properties: params });
      return;
    }
    for (const child of named(node)) visit(child);
  };
  visit(root);
  return found;
}

/** Reads a JSON or YAML document into the same shape, so one search serves config files and code. */
export function objectFromJson(value: unknown, line = 1): ObjectLiteral | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const properties = new Map<string, SettingValue | ObjectLiteral>();
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'number') properties.set(key, { kind: 'number', value: v, text: String(v) });
    else if (typeof v === 'boolean') properties.set(key, { kind: 'boolean', value: v });
    else if (typeof v === 'string') properties.set(key, { kind: 'string', value: v });
    else if (v === null) properties.set(key, { kind: 'none' });
    else {
      const nested = objectFromJson(v, line);
      properties.set(key, nested ?? { kind: 'expression', text: JSON.stringify(v) });
    }
  }
  return { line, callee: null, hint: null, properties };
}

/** True for a nested object rather than a value. */
export function isObjectLiteral(value: SettingValue | ObjectLiteral): value is ObjectLiteral {
  return 'properties' in value;
}
