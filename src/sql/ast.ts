/**
 * Access to libpg-query's JSON parse trees. A node is `{ TypeName: body }`; bodies are read
 * field by field with the small helpers here, so the analysis does not depend on the exact
 * generated types of one parser version.
 */
import { loadModule, parseSync } from 'libpg-query';

/** A parse-tree node body (the object under the node's type name). */
export type AstBody = { readonly [field: string]: unknown };

let loaded: Promise<void> | null = null;

/**
 * Loads the parser's WebAssembly module once. {@link readWorkload} calls it; call it yourself
 * before using the synchronous matching functions on their own.
 */
export function loadParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

/** One raw statement of a parse result, with its position in the parsed text. */
export interface RawStatement {
  readonly node: unknown;
  readonly location: number;
  readonly length: number | null;
}

/** Parses SQL text into its statements (throws the parser's error on invalid SQL). */
export function parseStatements(sql: string): RawStatement[] {
  const result = parseSync(sql) as { stmts?: { stmt: unknown; stmt_location?: number; stmt_len?: number }[] };
  return (result.stmts ?? []).map((s) => ({ node: s.stmt, location: s.stmt_location ?? 0, length: s.stmt_len ?? null }));
}

/** The type name and body of a node, or null when `value` is not a node. */
export function nodeOf(value: unknown): [string, AstBody] | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  if (keys.length !== 1) return null;
  const type = keys[0] as string;
  const body = (value as Record<string, unknown>)[type];
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  return [type, body as AstBody];
}

/** The body of a node when it has the given type. */
export function bodyOf(value: unknown, type: string): AstBody | null {
  const node = nodeOf(value);
  return node && node[0] === type ? node[1] : null;
}

/**
 * A struct-valued field that the JSON may or may not wrap in its type name (`alias`,
 * `withClause` and `typeName` come unwrapped).
 */
export function structOf(value: unknown, type: string): AstBody | null {
  const wrapped = bodyOf(value, type);
  if (wrapped) return wrapped;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as AstBody) : null;
}

/** A list field (absent lists are empty). */
export function listOf(body: AstBody | null, field: string): unknown[] {
  const value = body?.[field];
  return Array.isArray(value) ? value : [];
}

/** A string field, or null. */
export function stringOf(body: AstBody | null, field: string): string | null {
  const value = body?.[field];
  return typeof value === 'string' ? value : null;
}

/** The `sval` strings of a list of String nodes (names, operator names). */
export function names(list: readonly unknown[]): string[] {
  return list.map((item) => stringOf(bodyOf(item, 'String'), 'sval') ?? (bodyOf(item, 'A_Star') ? '*' : '?'));
}

/** The value of an A_Const as SQL text, or null when it is not a constant. */
export function constantText(value: unknown): string | null {
  const c = bodyOf(value, 'A_Const');
  if (!c) return null;
  if (c.isnull === true) return 'NULL';
  const ival = c.ival as { ival?: number } | undefined;
  if (ival !== undefined) return String(ival.ival ?? 0);
  const fval = c.fval as { fval?: string } | undefined;
  if (fval !== undefined) return fval.fval ?? '0';
  const boolval = c.boolval as { boolval?: boolean } | undefined;
  if (boolval !== undefined) return boolval.boolval ? 'true' : 'false';
  const sval = c.sval as { sval?: string } | undefined;
  if (sval !== undefined) return `'${(sval.sval ?? '').replace(/'/g, "''")}'`;
  const bsval = c.bsval as { bsval?: string } | undefined;
  if (bsval !== undefined) return bsval.bsval ?? '';
  return null;
}

/** The string of an A_Const string constant, or null. */
export function stringConstant(value: unknown): string | null {
  const c = bodyOf(value, 'A_Const');
  const sval = c?.sval as { sval?: string } | undefined;
  return sval !== undefined ? (sval.sval ?? '') : null;
}

/**
 * Every relation a parse tree names (`schema.name` as written), sorted and each once. libpg-query's
 * fingerprint leaves digits in relation names out (so that partitions like events_2024 and
 * events_2025 merge), which would also merge queries on tables t1 and t2: whoever merges by
 * fingerprint adds these names to the key.
 */
export function relationNames(tree: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const rangeVar = (value as { RangeVar?: { schemaname?: unknown; relname?: unknown } }).RangeVar;
    if (rangeVar && typeof rangeVar.relname === 'string') {
      found.add(typeof rangeVar.schemaname === 'string' ? `${rangeVar.schemaname}.${rangeVar.relname}` : rangeVar.relname);
    }
    for (const child of Object.values(value)) visit(child);
  };
  visit(tree);
  return [...found].sort();
}
