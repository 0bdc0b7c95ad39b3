/**
 * Statement boundaries and parameters, found with PostgreSQL's own lexer (libpg-query's
 * scanner), so semicolons and `$1` inside strings, quoted identifiers and comments are never
 * mistaken for syntax.
 */
import { scanSync } from 'libpg-query';

/** One statement of a SQL text, with where it starts and the comments just before it. */
export interface SqlPiece {
  readonly text: string;
  /** 1-based line of the statement's first token. */
  readonly line: number;
  /** Comments between the previous statement and this one, without their markers. */
  readonly comments: readonly string[];
}

function lineAt(text: string, offset: number, from: { offset: number; line: number }): number {
  let line = from.line;
  for (let i = from.offset; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  from.offset = offset;
  from.line = line;
  return line;
}

function commentBody(token: string): string {
  return token.startsWith('--') ? token.slice(2).trim() : token.replace(/^\/\*+|\*+\/$/g, '').trim();
}

/**
 * Splits SQL text at top-level semicolons. When the lexer rejects the text (an unterminated
 * string or comment), returns null: the caller reports the text as one unparsable statement.
 */
export function splitSql(text: string): SqlPiece[] | null {
  if (text.trim() === '') return [];
  let tokens;
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return null;
  }
  const pieces: SqlPiece[] = [];
  const cursor = { offset: 0, line: 1 };
  let start: number | null = null;
  let end = 0;
  let line = 1;
  let comments: string[] = [];
  let pendingComments: string[] = [];
  const flush = (): void => {
    if (start !== null) pieces.push({ text: text.slice(start, end), line, comments });
    start = null;
    comments = [];
  };
  for (const token of tokens) {
    if (token.tokenName === 'SQL_COMMENT' || token.tokenName === 'C_COMMENT') {
      if (start === null) pendingComments.push(commentBody(token.text));
      continue;
    }
    if (token.tokenName === 'ASCII_59') {
      flush();
      continue;
    }
    if (start === null) {
      start = token.start;
      line = lineAt(text, token.start, cursor);
      comments = pendingComments;
      pendingComments = [];
    }
    end = token.end;
  }
  flush();
  return pieces;
}

/**
 * Parameters of a logged execution: `$1 = '42', $2 = NULL`, as `DETAIL:  parameters:` prints
 * them (a value cut by log_parameter_max_length ends in `...` inside its quotes, and stays so).
 */
export function parseLoggedParameters(detail: string): Map<number, string> {
  const values = new Map<number, string>();
  const pattern = /\$(\d+) = (NULL|'(?:[^']|'')*')/g;
  for (let match = pattern.exec(detail); match; match = pattern.exec(detail)) values.set(Number(match[1]), match[2] ?? 'NULL');
  return values;
}

/** Replaces `$n` parameter tokens by the given SQL literals; unknown parameters stay. */
export function substituteParameters(sql: string, values: ReadonlyMap<number, string>): string {
  if (values.size === 0) return sql;
  let tokens;
  try {
    tokens = scanSync(sql).tokens;
  } catch {
    return sql;
  }
  let out = '';
  let last = 0;
  for (const token of tokens) {
    if (token.tokenName !== 'PARAM') continue;
    const value = values.get(Number(token.text.slice(1)));
    if (value === undefined) continue;
    out += sql.slice(last, token.start) + value;
    last = token.end;
  }
  return out + sql.slice(last);
}
