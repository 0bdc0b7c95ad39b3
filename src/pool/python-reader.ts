/**
 * Reads connection-pool settings from Python source with tree-sitter-python (the parser the
 * SQLAlchemy models reader uses): `create_engine(...)` / `create_async_engine(...)` keyword
 * arguments, Flask-SQLAlchemy's `SQLALCHEMY_ENGINE_OPTIONS`, psycopg_pool's `ConnectionPool(...)`, psycopg2's
 * `SimpleConnectionPool`/`ThreadedConnectionPool(minconn, maxconn, ...)`, and Django's `DATABASES` (`CONN_MAX_AGE`, django-environ's `env.db()`,
 * `CONN_HEALTH_CHECKS`, the `OPTIONS["pool"]` of Django 5.1+, `dj_database_url.config(conn_max_age=...)`).
 * Nothing is run: module-level constants and `**options` dicts of the same file are followed,
 * environment lookups (`int(os.getenv("POOL_SIZE", "20"))`) are kept as such.
 */
import { parseSource, type SyntaxNode } from '../sources/syntax/tree-sitter.js';
import { callName, children, positionalArguments, stringValue } from '../sources/models/python-syntax.js';
import type { PoolDriver, SettingValue } from './types.js';

/** One pool configuration found in a Python file. */
export interface PythonPool {
  readonly driver: PoolDriver;
  /** `create_engine(...)`, `ConnectionPool(...)`, `DATABASES["default"]`. */
  readonly what: string;
  readonly line: number;
  readonly values: { readonly [name: string]: SettingValue };
  readonly positional: readonly string[];
}

const ENGINE = new Set(['create_engine', 'create_async_engine', 'engine_from_config']);
const PSYCOPG_POOL = new Set(['ConnectionPool', 'AsyncConnectionPool', 'NullConnectionPool', 'AsyncNullConnectionPool']);
/** psycopg2.pool's pools: `(minconn, maxconn, *args, **kwargs)`, the rest passed to psycopg2.connect. */
const PSYCOPG2_POOL = new Set(['SimpleConnectionPool', 'ThreadedConnectionPool', 'PersistentConnectionPool']);
const PSYCOPG2_SIZES = ['minconn', 'maxconn'];
const ENV_CALLS = /^(os\.getenv|os\.environ\.get|getenv|environ\.get|config|env(\.(int|float|str|bool))?|env)$/;

/** Module-level `NAME = value` assignments, for following names and `**options`. */
type Scope = ReadonlyMap<string, SyntaxNode>;

function moduleScope(root: SyntaxNode): Scope {
  const scope = new Map<string, SyntaxNode>();
  for (const statement of children(root)) {
    const assignment = statement.type === 'expression_statement' ? children(statement)[0] : undefined;
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type === 'identifier' && right && !scope.has(left.text)) scope.set(left.text, right);
  }
  return scope;
}

function envLookup(node: SyntaxNode): { variable: string; fallback: string | null } | null {
  if (node.type === 'subscript') {
    const value = node.childForFieldName('value')?.text.replace(/\s+/g, '');
    const key = stringValue(node.childForFieldName('subscript'));
    return value && /(^|\.)environ$/.test(value) && key !== null ? { variable: key, fallback: null } : null;
  }
  if (node.type !== 'call') return null;
  const fn = node.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '';
  const args = children(node.childForFieldName('arguments'));
  if (ENV_CALLS.test(fn)) {
    const variable = stringValue(args[0]);
    if (variable === null) return null;
    const byKeyword = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'default');
    const fallback = byKeyword?.childForFieldName('value') ?? (args[1]?.type === 'keyword_argument' ? undefined : args[1]);
    return { variable, fallback: fallback ? (stringValue(fallback) ?? fallback.text) : null };
  }
  // int(...), float(...), bool(...) around a lookup.
  if (/^(int|float|bool|str)$/.test(fn) && args.length === 1 && args[0]) return envLookup(args[0]);
  return null;
}

function arithmetic(node: SyntaxNode, scope: Scope, depth: number): number | null {
  const v = valueOf(node, scope, depth);
  return v.kind === 'number' ? v.value : null;
}

/** A value node as a setting: literals, numeric arithmetic, names (followed within the module), environment lookups. */
function valueOf(node: SyntaxNode, scope: Scope, depth = 0): SettingValue {
  const text = node.text.replace(/\s+/g, ' ').trim();
  switch (node.type) {
    case 'integer':
    case 'float': {
      const clean = node.text.replace(/_/g, '').toLowerCase();
      const value = /^0[xob]/.test(clean) ? Number(clean) : Number(clean);
      return Number.isFinite(value) ? { kind: 'number', value, text } : { kind: 'expression', text };
    }
    case 'true':
    case 'false':
      return { kind: 'boolean', value: node.type === 'true' };
    case 'none':
      return { kind: 'none' };
    case 'string':
    case 'concatenated_string': {
      const parts = node.type === 'string' ? [node] : children(node);
      const values = parts.map((p) => stringValue(p));
      return values.every((v) => v !== null) ? { kind: 'string', value: values.join('') } : { kind: 'expression', text };
    }
    case 'parenthesized_expression': {
      const inner = children(node)[0];
      return inner ? valueOf(inner, scope, depth) : { kind: 'expression', text };
    }
    case 'unary_operator': {
      const argument = node.childForFieldName('argument');
      const n = argument ? arithmetic(argument, scope, depth) : null;
      const negative = node.childForFieldName('operator')?.text === '-';
      return n === null ? { kind: 'expression', text } : { kind: 'number', value: negative ? -n : n, text };
    }
    case 'binary_operator': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const a = left ? arithmetic(left, scope, depth) : null;
      const b = right ? arithmetic(right, scope, depth) : null;
      const op = node.childForFieldName('operator')?.text;
      if (a === null || b === null) break;
      const value =
        op === '*' ? a * b : op === '+' ? a + b : op === '-' ? a - b : op === '//' ? Math.floor(a / b) : op === '/' ? a / b : null;
      return value === null || !Number.isFinite(value) ? { kind: 'expression', text } : { kind: 'number', value, text };
    }
    case 'identifier': {
      const bound = depth < 5 ? scope.get(node.text) : undefined;
      if (bound) {
        const resolved = valueOf(bound, scope, depth + 1);
        // Keep the name when it stands for something unreadable: the user recognises it.
        return resolved.kind === 'expression' ? { kind: 'name', name: node.text } : resolved;
      }
      return { kind: 'name', name: node.text };
    }
    case 'attribute':
      if (/^[\w.]+$/.test(node.text)) return { kind: 'name', name: node.text };
      break;
  }
  const env = envLookup(node);
  if (env) return { kind: 'env', variable: env.variable, fallback: env.fallback, text };
  return { kind: 'expression', text };
}

/** A dictionary literal or `dict(a=1)` call, followed through module-level names. */
function dictionaryOf(node: SyntaxNode | null | undefined, scope: Scope, depth = 0): Map<string, SyntaxNode> | null {
  if (!node || depth > 5) return null;
  if (node.type === 'identifier') return dictionaryOf(scope.get(node.text), scope, depth + 1);
  const out = new Map<string, SyntaxNode>();
  if (node.type === 'dictionary') {
    for (const entry of children(node)) {
      if (entry.type === 'dictionary_splat') {
        for (const [k, v] of dictionaryOf(children(entry)[0], scope, depth + 1) ?? []) out.set(k, v);
        continue;
      }
      const key = stringValue(entry.childForFieldName('key'));
      const value = entry.childForFieldName('value');
      if (entry.type === 'pair' && key !== null && value) out.set(key, value);
    }
    return out;
  }
  if (node.type === 'call' && node.childForFieldName('function')?.text === 'dict') return keywords(node, scope, depth + 1);
  return null;
}

/** Keyword arguments of a call, `**options` spread in (a later keyword wins, as in Python). */
function keywords(call: SyntaxNode, scope: Scope, depth = 0): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  for (const argument of children(call.childForFieldName('arguments'))) {
    if (argument.type === 'dictionary_splat') {
      for (const [k, v] of dictionaryOf(children(argument)[0], scope, depth) ?? []) out.set(k, v);
    } else if (argument.type === 'keyword_argument') {
      const name = argument.childForFieldName('name')?.text;
      const value = argument.childForFieldName('value');
      if (name && value) out.set(name, value);
    }
  }
  return out;
}

function values(
  nodes: ReadonlyMap<string, SyntaxNode>,
  scope: Scope,
  rename: (key: string) => string = (k) => k,
): { [name: string]: SettingValue } {
  return Object.fromEntries([...nodes].map(([k, v]) => [rename(k), valueOf(v, scope)]));
}

const lineOf = (node: SyntaxNode): number => node.startPosition.row + 1;

function djangoPool(alias: string, db: ReadonlyMap<string, SyntaxNode>, node: SyntaxNode, scope: Scope): PythonPool {
  const options = dictionaryOf(db.get('OPTIONS'), scope);
  const pool = options?.get('pool');
  const poolOptions = dictionaryOf(pool, scope);
  const what = `DATABASES["${alias}"]`;
  if (pool && (poolOptions || pool.type === 'true'))
    return {
      driver: 'psycopg-pool',
      what: `${what}["OPTIONS"]["pool"]`,
      line: lineOf(pool),
      values: values(poolOptions ?? new Map(), scope),
      positional: [],
    };
  const wanted = new Map([...db].filter(([k]) => k === 'CONN_MAX_AGE' || k === 'CONN_HEALTH_CHECKS'));
  return { driver: 'django', what, line: lineOf(node), values: values(wanted, scope), positional: [] };
}

/**
 * `DATABASES["default"]["CONN_MAX_AGE"] = ...` at the module's top level: settings written after
 * the dict, as Django projects with django-environ or dj-database-url often do.
 */
function subscriptAssignments(root: SyntaxNode, alias: string): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  for (const statement of children(root)) {
    const assignment = statement.type === 'expression_statement' ? children(statement)[0] : undefined;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
    const right = assignment?.childForFieldName('right');
    const outer = left?.type === 'subscript' ? left.childForFieldName('value') : null;
    if (!left || !right || outer?.type !== 'subscript') continue;
    const name = stringValue(left.childForFieldName('subscript'));
    if (outer.childForFieldName('value')?.text !== 'DATABASES' || stringValue(outer.childForFieldName('subscript')) !== alias) continue;
    if (name === 'CONN_MAX_AGE' || name === 'CONN_HEALTH_CHECKS') out.set(name, right);
  }
  return out;
}

/** `DATABASES = {"default": {...}}`, the entry itself a dict or a `dj_database_url.config(...)` call. */
function djangoDatabases(scope: Scope, root: SyntaxNode): PythonPool[] {
  const databases = scope.get('DATABASES');
  const aliases = dictionaryOf(databases, scope);
  if (!databases || !aliases) return [];
  const out: PythonPool[] = [];
  for (const [alias, entry] of aliases) {
    const dict = dictionaryOf(entry, scope);
    if (dict) {
      out.push(djangoPool(alias, new Map([...dict, ...subscriptAssignments(root, alias)]), entry, scope));
      continue;
    }
    if (entry.type === 'call' && /^(db|db_url)$/.test(callName(entry) ?? '') && entry.childForFieldName('function')?.type === 'attribute') {
      // django-environ's env.db(VAR="DATABASE_URL"): CONN_MAX_AGE and CONN_HEALTH_CHECKS come from
      // the URL's query (?conn_max_age=600), so they are read at run time from that variable.
      const variable = stringValue(positionalArguments(entry)[0]) ?? 'DATABASE_URL';
      const fromUrl = (key: string): SettingValue => ({
        kind: 'env',
        variable,
        fallback: null,
        text: `?${key}= in $${variable}`,
        inUrl: true,
      });
      const assigned = subscriptAssignments(root, alias);
      out.push({
        driver: 'django',
        what: `DATABASES["${alias}"] = ${entry.childForFieldName('function')?.text}(...)`,
        line: lineOf(entry),
        values: {
          CONN_MAX_AGE: fromUrl('conn_max_age'),
          CONN_HEALTH_CHECKS: fromUrl('conn_health_checks'),
          ...values(assigned, scope),
        },
        positional: [],
      });
      continue;
    }
    if (entry.type === 'call' && /^(config|parse)$/.test(callName(entry) ?? '')) {
      const upper = (k: string): string => k.toUpperCase();
      const args = new Map([...keywords(entry, scope)].filter(([k]) => k === 'conn_max_age' || k === 'conn_health_checks'));
      out.push({
        driver: 'django',
        what: `DATABASES["${alias}"] = ${entry.childForFieldName('function')?.text}(...)`,
        line: lineOf(entry),
        values: values(args, scope, upper),
        positional: [],
      });
    }
  }
  return out;
}

function descendantsOfType(node: SyntaxNode, type: string): SyntaxNode[] {
  return node.descendantsOfType(type).filter((n): n is SyntaxNode => n !== null);
}

/** Every pool configuration in the file, in source order; Django's DATABASES last. */
export async function readPythonPools(source: string): Promise<PythonPool[]> {
  const root = (await parseSource(source, 'python')).rootNode;
  const scope = moduleScope(root);
  const out: PythonPool[] = [];
  for (const call of descendantsOfType(root, 'call')) {
    const name = callName(call);
    if (name === null || call.parent?.type === 'decorator') continue;
    const driver: PoolDriver | null = ENGINE.has(name)
      ? 'sqlalchemy'
      : PSYCOPG_POOL.has(name)
        ? 'psycopg-pool'
        : PSYCOPG2_POOL.has(name)
          ? 'psycopg2'
          : null;
    if (!driver) continue;
    let positional = positionalArguments(call);
    const named = keywords(call, scope);
    if (driver === 'psycopg2') {
      // minconn and maxconn come first, by position or by name.
      const sizes = new Map(PSYCOPG2_SIZES.flatMap((key, i) => (positional[i] ? [[key, positional[i]] as const] : [])));
      positional = positional.slice(sizes.size);
      for (const [key, node] of sizes) named.set(key, node);
    }
    out.push({
      driver,
      what: `${name}(...)`,
      line: lineOf(call),
      values: values(named, scope),
      positional: positional.map((a) => a.text.replace(/\s+/g, ' ')),
    });
  }
  // Flask-SQLAlchemy: SQLALCHEMY_ENGINE_OPTIONS = {...}, at module level or in a config class.
  for (const assignment of descendantsOfType(root, 'assignment')) {
    if (assignment.childForFieldName('left')?.text !== 'SQLALCHEMY_ENGINE_OPTIONS') continue;
    const dict = dictionaryOf(assignment.childForFieldName('right'), scope);
    if (dict)
      out.push({
        driver: 'sqlalchemy',
        what: 'SQLALCHEMY_ENGINE_OPTIONS',
        line: lineOf(assignment),
        values: values(dict, scope),
        positional: [],
      });
  }
  return [...out.sort((a, b) => a.line - b.line), ...djangoDatabases(scope, root)];
}
