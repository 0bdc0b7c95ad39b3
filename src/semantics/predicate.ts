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

/** Splits text at a top-level keyword (` AND `, ` OR `), skipping parentheses and quoted text. */
function splitTopLevel(text: string, keyword: string): string[] | null {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) return null;
      i = end;
    } else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && text.startsWith(keyword, i)) {
      parts.push(text.slice(start, i));
      start = i + keyword.length;
    }
  }
  parts.push(text.slice(start));
  return parts.map(stripOuterParens);
}

/** Splits a predicate into its top-level AND-ed parts; null if it has a top-level OR. */
export function conjuncts(predicate: string): string[] | null {
  const s = stripOuterParens(predicate);
  const ors = splitTopLevel(s, ' OR ');
  if (ors === null || ors.length > 1) return null;
  return splitTopLevel(s, ' AND ');
}

const IS_NOT_NULL = /^("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*) IS NOT NULL$/;

/** The column a `col IS NOT NULL` test reads, or null for any other expression. */
function notNullColumn(expression: string): string | null {
  const match = IS_NOT_NULL.exec(expression);
  if (!match?.[1]) return null;
  const ident = match[1];
  return ident.startsWith('"') ? ident.slice(1, -1).replace(/""/g, '"') : ident;
}

/** True when the equalities on `columns` prove the expression: AND needs every part, OR any part. */
function proves(expression: string, columns: readonly string[]): boolean {
  const s = stripOuterParens(expression);
  const ors = splitTopLevel(s, ' OR ');
  if (ors === null) return false;
  if (ors.length > 1) return ors.some((part) => proves(part, columns));
  const ands = splitTopLevel(s, ' AND ');
  if (ands === null) return false;
  if (ands.length > 1) return ands.every((part) => proves(part, columns));
  const column = notNullColumn(s);
  return column !== null && columns.includes(column);
}

/** True when `col1 = $1 AND col2 = $2 …` over `columns` implies the predicate (null: no predicate). */
export function impliedByEqualityOn(predicate: string | null, columns: readonly string[]): boolean {
  return predicate === null || proves(predicate, columns);
}

/**
 * Two partial-index predicates that select the same rows in a way the planner sees as the same:
 * equal text, or the same top-level AND-ed parts in another order (`a > 0 AND b` and `b AND a > 0`).
 * Anything subtler (implication, rewritten expressions) is left unequal: a pair wrongly called
 * equal would get an index dropped, a pair wrongly called different only goes unreported.
 */
export function samePredicate(a: string | null, b: string | null): boolean {
  if ((a ?? '') === (b ?? '')) return true;
  if (a === null || b === null) return false;
  // An AND inside CASE WHEN … is not a top-level one; such predicates must match as text.
  if (/\bCASE\b/i.test(a) || /\bCASE\b/i.test(b)) return false;
  const partsA = conjuncts(a);
  const partsB = conjuncts(b);
  if (partsA === null || partsB === null) return false;
  const setA = new Set(partsA.map((p) => p.trim()));
  const setB = new Set(partsB.map((p) => p.trim()));
  return setA.size === setB.size && [...setA].every((p) => setB.has(p));
}
