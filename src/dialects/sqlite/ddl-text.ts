/**
 * What SQLite's catalog does not say but the CREATE text stored in sqlite_schema does: the text of
 * an index's expression keys and WHERE clause, and each column's declared COLLATE.
 *
 * The text is split by SQLite's lexical rules (tokenize.c): '…' strings, "…", `…` and […]
 * identifiers, -- and /* *\/ comments, parentheses. No JavaScript library parses SQLite's DDL with
 * source positions, and these few rules are all that finding top-level commas, the WHERE keyword
 * and COLLATE clauses needs; the pieces cut out are the user's text, unchanged.
 */

/** A token: its kind and where it is in the text. */
interface Token {
  readonly kind: 'word' | 'string' | 'quoted' | 'punct';
  readonly start: number;
  readonly end: number;
  /** Upper-case text of a word, the name of a quoted identifier, the character of a punctuation. */
  readonly value: string;
}

/** End of a quoted run starting at `start` with `open`, closed by `close`; a doubled closer (except `]`) stays inside. */
function quotedEnd(text: string, start: number, close: string): number {
  let i = start + 1;
  for (;;) {
    const at = text.indexOf(close, i);
    if (at < 0) return text.length;
    if (close !== ']' && text[at + 1] === close) {
      i = at + 2;
      continue;
    }
    return at + 1;
  }
}

/** Splits SQL text into tokens, skipping whitespace and comments. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (c === "'") {
      const end = quotedEnd(text, i, "'");
      tokens.push({ kind: 'string', start: i, end, value: text.slice(i, end) });
      i = end;
    } else if (c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      const end = quotedEnd(text, i, close);
      const inner = text.slice(i + 1, end - 1);
      tokens.push({ kind: 'quoted', start: i, end, value: close === ']' ? inner : inner.split(close + close).join(close) });
      i = end;
    } else if (/[\p{L}\p{N}_$]/u.test(c)) {
      let end = i + 1;
      while (end < text.length && /[\p{L}\p{N}_$]/u.test(text[end]!)) end++;
      tokens.push({ kind: 'word', start: i, end, value: text.slice(i, end).toUpperCase() });
      i = end;
    } else {
      tokens.push({ kind: 'punct', start: i, end: i + 1, value: c });
      i++;
    }
  }
  return tokens;
}

/** The tokens of the first parenthesised list at or after `from`, split at its top-level commas, and the index after its `)`. */
function parenthesisedList(tokens: readonly Token[], from: number): { items: Token[][]; after: number } | null {
  const open = tokens.findIndex((t, i) => i >= from && t.kind === 'punct' && t.value === '(');
  if (open < 0) return null;
  const items: Token[][] = [[]];
  let depth = 0;
  for (let i = open + 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && t.value === '(') depth++;
    if (t.kind === 'punct' && t.value === ')') {
      if (depth === 0) return { items: items.filter((item) => item.length > 0), after: i + 1 };
      depth--;
    }
    if (depth === 0 && t.kind === 'punct' && t.value === ',') items.push([]);
    else items[items.length - 1]!.push(t);
  }
  return null;
}

/** One key of CREATE INDEX as written: the expression (or column) text, and its COLLATE and ASC/DESC. */
interface IndexKeyText {
  /** The key without COLLATE and ASC/DESC, as the user wrote it. */
  readonly expression: string;
  readonly collation: string | null;
}

/** The parts of CREATE INDEX the catalog does not give. */
export interface CreateIndexText {
  readonly keys: readonly IndexKeyText[];
  /** The WHERE clause of a partial index, as written; null for a full index. */
  readonly predicate: string | null;
}

/** Index of the last top-level word `value` in a token list, or -1. */
function lastTopLevelWord(tokens: readonly Token[], value: string): number {
  let depth = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && t.value === ')') depth++;
    if (t.kind === 'punct' && t.value === '(') depth--;
    if (depth === 0 && t.kind === 'word' && t.value === value) return i;
  }
  return -1;
}

/** Reads the keys and WHERE clause of a `CREATE [UNIQUE] INDEX … ON table (…) [WHERE …]` statement. */
export function parseCreateIndex(sql: string): CreateIndexText | null {
  const tokens = tokenize(sql);
  const on = tokens.findIndex((t) => t.kind === 'word' && t.value === 'ON');
  if (on < 0) return null;
  const list = parenthesisedList(tokens, on + 1);
  if (!list) return null;
  const keys = list.items.map((item): IndexKeyText => {
    let end = item.length;
    const last = item[end - 1]!;
    if (last.kind === 'word' && (last.value === 'ASC' || last.value === 'DESC')) end--;
    const body = item.slice(0, end);
    const collate = lastTopLevelWord(body, 'COLLATE');
    const collation = collate >= 0 && collate + 1 < body.length ? tokenName(sql, body[collate + 1]!) : null;
    const expressionTokens = collate >= 0 ? body.slice(0, collate) : body;
    const expression =
      expressionTokens.length === 0 ? '' : sql.slice(expressionTokens[0]!.start, expressionTokens[expressionTokens.length - 1]!.end);
    return { expression, collation };
  });
  const where = tokens[list.after];
  const predicate = where && where.kind === 'word' && where.value === 'WHERE' ? sql.slice(where.end).trim().replace(/;$/, '').trim() : null;
  return { keys, predicate: predicate === '' ? null : predicate };
}

/** The name a word or quoted identifier stands for (a word as written, not upper-cased). */
function tokenName(sql: string, token: Token): string {
  return token.kind === 'quoted' ? token.value : sql.slice(token.start, token.end);
}

/** Words that start a table constraint rather than a column definition. */
const TABLE_CONSTRAINT_WORDS = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN']);

/** Each column's declared COLLATE in a CREATE TABLE statement, by column name; columns without one are absent. */
export function columnCollations(sql: string): Map<string, string> {
  const collations = new Map<string, string>();
  const tokens = tokenize(sql);
  const list = parenthesisedList(tokens, 0);
  if (!list) return collations;
  for (const item of list.items) {
    const first = item[0]!;
    if (first.kind === 'word' && TABLE_CONSTRAINT_WORDS.has(first.value)) continue;
    let depth = 0;
    for (let i = 1; i < item.length - 1; i++) {
      const t = item[i]!;
      if (t.kind === 'punct' && t.value === '(') depth++;
      if (t.kind === 'punct' && t.value === ')') depth--;
      if (depth === 0 && t.kind === 'word' && t.value === 'COLLATE') collations.set(tokenName(sql, first), tokenName(sql, item[i + 1]!));
    }
  }
  return collations;
}

/** The words and quoted identifiers of an expression (function names and keywords included), as written. */
export function identifiersIn(expression: string): string[] {
  return tokenize(expression)
    .filter((t) => t.kind === 'word' || t.kind === 'quoted')
    .map((t) => tokenName(expression, t));
}
