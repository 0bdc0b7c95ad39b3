/**
 * Just enough understanding of deparsed index predicates (pg_get_expr output, which is
 * canonical) to decide implication by an equality lookup: a lookup `col = $1` proves
 * `col IS NOT NULL`, because equality operators are strict, and proves nothing else.
 */

/** Removes parentheses that wrap the whole text. */
function stripOuterParens(text: string): string {
  let s = text.trim();
  while (s.startsWith('(') && s.endsWith(')') && closingParen(s, 0) === s.length - 1) s = s.slice(1, -1).trim();
  return s;
}

/** Index of the parenthesis closing the one at `open`, skipping quoted text. */
function closingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'" || ch === '"') {
      const end = s.indexOf(ch, i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Splits a predicate into its top-level AND-ed parts; null if it has a top-level OR. */
export function conjuncts(predicate: string): string[] | null {
  const s = stripOuterParens(predicate);
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'" || ch === '"') {
      const end = s.indexOf(ch, i + 1);
      if (end < 0) return null;
      i = end;
    } else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && s.startsWith(' AND ', i)) {
      parts.push(s.slice(start, i));
      start = i + 5;
    } else if (depth === 0 && s.startsWith(' OR ', i)) return null;
  }
  parts.push(s.slice(start));
  return parts.map(stripOuterParens);
}

const IS_NOT_NULL = /^("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*) IS NOT NULL$/;

/** The column a `col IS NOT NULL` conjunct tests, or null for any other conjunct. */
function notNullColumn(conjunct: string): string | null {
  const match = IS_NOT_NULL.exec(conjunct);
  if (!match?.[1]) return null;
  const ident = match[1];
  return ident.startsWith('"') ? ident.slice(1, -1).replace(/""/g, '"') : ident;
}

/** True when `col1 = $1 AND col2 = $2 …` over `columns` implies the predicate. */
export function impliedByEqualityOn(predicate: string | null, columns: readonly string[]): boolean {
  if (predicate === null) return true;
  const parts = conjuncts(predicate);
  if (parts === null) return false;
  return parts.every((part) => {
    const column = notNullColumn(part);
    return column !== null && columns.includes(column);
  });
}
