/** Statement keywords kept as `db.operation.name`; anything else is `OTHER` (bounded cardinality). */
export const OPERATIONS = [
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
  'OTHER',
] as const;

const OTHER = OPERATIONS.length - 1;
// Keywords by length: the hot path compares character codes and never builds a string.
const BY_LENGTH: number[][] = [];
OPERATIONS.forEach((op, i) => {
  if (i !== OTHER) (BY_LENGTH[op.length] ??= []).push(i);
});

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
/** What continues a keyword into a longer word: `\w` and `$` (SELECTED, SET$X), and any non-ASCII letter. */
const isWordChar = (c: number): boolean => isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;

/**
 * The index in {@link OPERATIONS} of the statement's first keyword (after blanks, comments and
 * opening parentheses). Runs on every query: no allocation, no regular expression.
 */
export function operationIndex(sql: string): number {
  const n = sql.length;
  let i = 0;
  for (;;) {
    while (i < n && (isSpace(sql.charCodeAt(i)) || sql.charCodeAt(i) === 40)) i++;
    if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      if (end < 0) return OTHER;
      i = end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return OTHER;
      i = end + 2;
    } else break;
  }
  let j = i;
  while (j < n && isLetter(sql.charCodeAt(j))) j++;
  const candidates = BY_LENGTH[j - i];
  if (!candidates || (j < n && isWordChar(sql.charCodeAt(j)))) return OTHER;
  for (const index of candidates) {
    const op = OPERATIONS[index] as string;
    let k = 0;
    while (k < op.length && (sql.charCodeAt(i + k) & ~32) === op.charCodeAt(k)) k++;
    if (k === op.length) return index;
  }
  return OTHER;
}

/** The statement's first keyword, upper-cased (`SELECT`), or `OTHER`. */
export function operationOf(sql: string): string {
  return OPERATIONS[operationIndex(sql)] as string;
}

/** How the statement's strings are read, which decides where each literal ends. */
export interface StatementSyntax {
  /** `postgresql` (default) or `mysql` (`"…"` and `#` comments, no dollar quotes). */
  readonly system?: 'postgresql' | 'mysql';
  /**
   * Whether a backslash escapes in a plain `'…'` string: PostgreSQL's `standard_conforming_strings = off`,
   * MySQL without `NO_BACKSLASH_ESCAPES`. Unknown (the default): every character that is a literal under
   * either reading is hidden, so no literal is ever printed.
   */
  readonly backslashEscapes?: boolean;
  /** Longest text returned, in characters (default 2000). */
  readonly maxLength?: number;
}

const COMMENT = 1;
const LITERAL = 2;

function stringEnd(sql: string, from: number, quote: string, backslash: boolean): number {
  let i = from;
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\') i += 2;
    else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

/** Marks each character of the statement as code, comment or literal, under one reading. */
function classify(sql: string, mysql: boolean, backslash: boolean, marks: Uint8Array): void {
  const n = sql.length;
  const mark = (from: number, to: number, kind: number): void => {
    for (let k = from; k < to; k++) if ((marks[k] ?? 0) < kind) marks[k] = kind;
  };
  let i = 0;
  while (i < n) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if ((c === '-' && next === '-' && (!mysql || /[\s]|$/.test(sql[i + 2] ?? ''))) || (mysql && c === '#')) {
      const end = sql.indexOf('\n', i);
      const to = end < 0 ? n : end;
      mark(i, to, COMMENT);
      i = to;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (!mysql && sql.startsWith('/*', j)) {
          depth++;
          j += 2;
        } else if (sql.startsWith('*/', j)) {
          depth--;
          j += 2;
        } else j++;
      }
      mark(i, j, COMMENT);
      i = j;
    } else if (c === "'" || (mysql && c === '"')) {
      const end = stringEnd(sql, i + 1, c, backslash);
      mark(i, end, LITERAL);
      i = end;
    } else if (c === '"' || c === '`') {
      i = stringEnd(sql, i + 1, c, false);
    } else if (c === '$' && /[0-9]/.test(next ?? '')) {
      // A positional parameter ($1) is code, not a number.
      i++;
      while (i < n && /[0-9]/.test(sql[i] ?? '')) i++;
    } else if (c === '$' && !mysql && /[A-Za-z_\u0080-\uffff$]/.test(next ?? '')) {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 64))?.[0];
      if (!tag) {
        i++;
        continue;
      }
      const close = sql.indexOf(tag, i + tag.length);
      const end = close < 0 ? n : close + tag.length;
      mark(i, end, LITERAL);
      i = end;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next ?? ''))) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(sql[j] ?? '')) {
        // An exponent's sign belongs to the number: 1e-5.
        j += /[eE]/.test(sql[j] ?? '') && /[+-]/.test(sql[j + 1] ?? '') ? 2 : 1;
      }
      mark(i, j, LITERAL);
      i = j;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$\u0080-\uffff]/.test(sql[j] ?? '')) j++;
      const word = sql.slice(i, j);
      if (sql[j] === "'" && /^(?:[EeBbXxNn]|_\w+)$/.test(word)) {
        // A prefixed string: E'…' always reads backslashes; B'…', X'…', N'…', _utf8'…' as plain strings.
        const end = stringEnd(sql, j + 1, "'", backslash || (!mysql && (word === 'E' || word === 'e')));
        mark(i, end, LITERAL);
        i = end;
      } else if (!mysql && (word === 'U' || word === 'u') && sql[j] === '&' && sql[j + 1] === "'") {
        const end = stringEnd(sql, j + 2, "'", backslash);
        mark(i, end, LITERAL);
        i = end;
      } else i = j;
    } else i++;
  }
}

/**
 * The statement with every literal (strings, numbers, dollar-quoted bodies) replaced by `?`,
 * comments removed and whitespace collapsed, so a log line carries the query's shape and never the
 * data in it. Placeholders (`$1`, `?`, `:name`) and quoted identifiers stay.
 */
export function normalizeStatement(sql: string, syntax: StatementSyntax = {}): string {
  const mysql = syntax.system === 'mysql';
  const marks = new Uint8Array(sql.length);
  if (syntax.backslashEscapes !== true) classify(sql, mysql, false, marks);
  if (syntax.backslashEscapes !== false) classify(sql, mysql, true, marks);
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const kind = marks[i];
    let j = i + 1;
    while (j < sql.length && marks[j] === kind) j++;
    out += kind === LITERAL ? '?' : kind === COMMENT ? ' ' : sql.slice(i, j);
    i = j;
  }
  out = out
    .replace(/\s+/g, ' ')
    .replace(/\bIN\s*\(\s*\?(?:\s*,\s*\?)+\s*\)/gi, 'IN (?…)')
    .trim();
  const max = syntax.maxLength ?? 2000;
  return out.length > max ? `${out.slice(0, max)}…` : out;
}
