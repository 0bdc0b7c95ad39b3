/**
 * The few lexical facts of psql's scanner that {@link StatementScanner} needs: byte classes of
 * identifiers, and psql's heuristic for semicolons inside `BEGIN ATOMIC … END`.
 */

export const NEWLINE = 0x0a;
export const QUOTE = 0x27;
export const DOUBLE_QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const DOLLAR = 0x24;

/** A byte that can begin an identifier (any byte of a non-ASCII character can). */
export function isIdentStart(b: number): boolean {
  return (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || b === 0x5f || b >= 0x80;
}

export function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** A byte that can continue an identifier (`$` can: `foo$bar` is one name). */
export function isIdentChar(b: number): boolean {
  return isIdentStart(b) || isDigit(b) || b === DOLLAR;
}

export function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === NEWLINE || b === 0x0d || b === 0x0c || b === 0x0b;
}

/**
 * psql's rule for SQL-standard routine bodies: in `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, a
 * `BEGIN` (outside parentheses) opens a block that `END` closes (`CASE … END` inside counts too),
 * and a `;` inside the block does not end the statement.
 */
export class BeginAtomicTracker {
  #initials = '';
  #words = 0;
  #depth = 0;

  /** Whether a `;` now is inside a block. */
  get inside(): boolean {
    return this.#depth > 0;
  }

  /** Hears each word (lower-cased) of the statement, with the parenthesis depth it is at. */
  word(word: string, parens: number): void {
    if (this.#words < 4) {
      const tracked = ['create', 'or', 'replace', 'function', 'procedure'].includes(word);
      this.#initials += tracked ? word[0]! : ' ';
    }
    this.#words++;
    const i = this.#initials;
    const routine = i[0] === 'c' && (i[1] === 'f' || i[1] === 'p' || (i[1] === 'o' && i[2] === 'r' && (i[3] === 'f' || i[3] === 'p')));
    if (!routine || parens > 0) return;
    if (word === 'begin') this.#depth++;
    else if (word === 'case' && this.#depth > 0) this.#depth++;
    else if (word === 'end' && this.#depth > 0) this.#depth--;
  }
}
