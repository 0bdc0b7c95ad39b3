const KNOWN_OPERATIONS = new Set([
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'WITH',
  'VALUES',
  'COPY',
  'CALL',
  'EXECUTE',
  'BEGIN',
  'START',
  'COMMIT',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
  'SET',
  'SHOW',
  'CREATE',
  'ALTER',
  'DROP',
  'TRUNCATE',
  'GRANT',
  'REVOKE',
  'VACUUM',
  'ANALYZE',
  'EXPLAIN',
  'LOCK',
  'LISTEN',
  'NOTIFY',
  'PREPARE',
  'DEALLOCATE',
  'DO',
  'REPLACE',
  'USE',
]);

// Statements repeat: remembering their operation spares a regex per query on the hot path.
const operationCache = new Map<string, string>();

/** The statement's first keyword, upper-cased (`SELECT`), or `OTHER`: a label of bounded cardinality. */
export function operationOf(sql: string): string {
  const cached = operationCache.get(sql);
  if (cached !== undefined) return cached;
  const word = /^\s*(?:\/\*[\s\S]*?\*\/\s*|--[^\n]*\n\s*)*\(?\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'OTHER';
  const operation = KNOWN_OPERATIONS.has(word) ? word : 'OTHER';
  if (operationCache.size >= 1000) operationCache.clear();
  operationCache.set(sql, operation);
  return operation;
}

/**
 * The statement with every literal replaced by `?` and whitespace collapsed, so a log line
 * carries the query's shape and never the data in it. Placeholders ($1, ?, :name) stay.
 */
export function normalizeStatement(sql: string, maxLength = 2000, doubleQuotedStrings = false): string {
  let out = sql.replace(/\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$/g, '?').replace(/[EeBbXxNn]?'(?:[^'\\]|''|\\.)*'/g, '?');
  // MySQL reads "…" as a string; PostgreSQL as an identifier, which is kept.
  if (doubleQuotedStrings) out = out.replace(/"(?:[^"\\]|""|\\.)*"/g, '?');
  out = out
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(?<![\w$:.])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b/g, '?')
    .replace(/\bIN\s*\(\s*\?(?:\s*,\s*\?)+\s*\)/gi, 'IN (?…)')
    .replace(/\s+/g, ' ')
    .trim();
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out;
}
