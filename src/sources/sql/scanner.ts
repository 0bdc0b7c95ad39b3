/**
 * Finds the statements of a psql script as its bytes arrive, so a dump of any size is read in
 * chunks and never held whole. It only finds boundaries, the way psql's own lexer does: a `;`
 * outside quotes, comments, parentheses and `BEGIN ATOMIC … END` ends a statement; dollar quotes,
 * `E''` strings, quoted identifiers and nested block comments are skipped; psql meta-commands
 * (`\connect`, pg_dump's `\restrict`) are not SQL; the data lines after `COPY … FROM stdin` are
 * passed over up to `\.` without being kept. Each statement is then parsed by libpg-query.
 *
 * Why a scanner of our own: libpg-query's `parse` and `scan` take the whole text at once (a 50 MB
 * dump cost gigabytes), PostgreSQL's scanner knows nothing of psql's COPY data and meta-commands,
 * and psql's lexer (psqlscan.l) is not published as a library. This one only tracks the states
 * that can hide a `;`; everything about a statement's meaning is left to the real parser.
 */
import { ByteWindow } from './byte-window.js';
import {
  BACKSLASH,
  BeginAtomicTracker,
  DOLLAR,
  DOUBLE_QUOTE,
  isDigit,
  isIdentChar,
  isIdentStart,
  isSpace,
  NEWLINE,
  QUOTE,
} from './psql-lexemes.js';

/** One statement as found in the bytes: its text and where its first token is. */
export interface StatementPiece {
  /** From the first token through the terminating `;` (absent at the end of the file). */
  readonly text: string;
  /** Byte offset of the first token in the file. */
  readonly offset: number;
  /** 1-based line, counted by newline bytes. */
  readonly line: number;
  /** 1-based column, in characters. */
  readonly column: number;
}

type Mode = 'sql' | 'quote' | 'escape' | 'ident' | 'dollar' | 'line-comment' | 'block-comment' | 'meta' | 'copy-rest' | 'copy';

/**
 * Push chunks in, get whole statements out. `readsCopyData` says whether a statement is a
 * `COPY … FROM stdin`, whose data lines follow it.
 */
export class StatementScanner {
  readonly #window = new ByteWindow();
  /** The window's bytes: the current statement from its first token (or the unscanned rest) onward. */
  #buf: Buffer = Buffer.alloc(0);
  #pos = 0;
  /** File offset of `#buf[0]`. */
  #base = 0;
  #line = 1;
  #column = 1;
  #mode: Mode = 'sql';
  #final = false;
  /** Index in `#buf` of the current statement's first token, or -1 before it. */
  #start = -1;
  #startLine = 0;
  #startColumn = 0;
  #parens = 0;
  #commentDepth = 0;
  #dollarTag: Buffer = Buffer.alloc(0);
  #metaFrom = 0;
  #atomic = new BeginAtomicTracker();
  /** Whether the current COPY data line is already known not to be `\.`. */
  #copyLineLong = false;
  #out: StatementPiece[] = [];

  constructor(private readonly readsCopyData: (text: string) => boolean) {}

  /** Takes the next chunk (valid during the call only: what is kept is copied); returns the statements it completed. */
  push(chunk: Buffer): StatementPiece[] {
    this.#buf = this.#window.append(chunk);
    this.#scan();
    return this.#take();
  }

  /** The end of the input: returns the last statements (one without a final `;` included). */
  end(): StatementPiece[] {
    this.#final = true;
    this.#scan();
    if (this.#start >= 0) this.#emit(this.#buf.length);
    return this.#take();
  }

  #take(): StatementPiece[] {
    const out = this.#out;
    this.#out = [];
    // Keep only what is still needed: the current statement from its first token, or nothing.
    const keep = this.#start >= 0 ? this.#start : this.#pos;
    if (keep > 0 || this.#buf.length > 0) {
      this.#base += keep;
      this.#buf = this.#window.keepFrom(keep);
      this.#pos -= keep;
      if (this.#start >= 0) this.#start = 0;
      this.#metaFrom = Math.max(0, this.#metaFrom - keep);
    }
    return out;
  }

  /** Moves past `n` bytes, counting lines and characters. */
  #advance(n: number): void {
    const end = this.#pos + n;
    for (let i = this.#pos; i < end; i++) {
      const b = this.#buf[i]!;
      if (b === NEWLINE) {
        this.#line++;
        this.#column = 1;
      } else if ((b & 0xc0) !== 0x80) this.#column++;
    }
    this.#pos = end;
  }

  /** The byte `k` ahead, -1 past the end of the input, or null when it has not arrived yet. */
  #peek(k: number): number | null {
    const i = this.#pos + k;
    if (i < this.#buf.length) return this.#buf[i]!;
    return this.#final ? -1 : null;
  }

  #begin(): void {
    if (this.#start >= 0) return;
    this.#start = this.#pos;
    this.#startLine = this.#line;
    this.#startColumn = this.#column;
  }

  #emit(end: number): void {
    const text = this.#buf.toString('utf8', this.#start, end).trim();
    this.#out.push({ text, offset: this.#base + this.#start, line: this.#startLine, column: this.#startColumn });
    this.#start = -1;
    this.#parens = 0;
    this.#atomic = new BeginAtomicTracker();
    if (this.readsCopyData(text)) this.#mode = 'copy-rest';
  }

  /** Scans as far as the bytes allow; stops where a decision needs bytes not yet arrived. */
  #scan(): void {
    while (this.#pos < this.#buf.length) {
      const progressed = this.#step();
      if (!progressed) return;
    }
  }

  /** One step in the current mode; false when more input is needed. */
  #step(): boolean {
    switch (this.#mode) {
      case 'sql':
        return this.#sql();
      case 'quote':
      case 'ident':
        return this.#quoted(this.#mode === 'quote' ? QUOTE : DOUBLE_QUOTE);
      case 'escape':
        return this.#escapeString();
      case 'dollar':
        return this.#dollar();
      case 'line-comment':
      case 'meta':
      case 'copy-rest':
        return this.#toEndOfLine();
      case 'block-comment':
        return this.#blockComment();
      case 'copy':
        return this.#copyData();
    }
  }

  #sql(): boolean {
    const b = this.#buf[this.#pos]!;
    if (isSpace(b)) {
      this.#advance(1);
      return true;
    }
    if (b === 0x2d /* - */ || b === 0x2f /* / */) {
      const next = this.#peek(1);
      if (next === null) return false;
      if (b === 0x2d && next === 0x2d) this.#mode = 'line-comment';
      else if (b === 0x2f && next === 0x2a) {
        this.#mode = 'block-comment';
        this.#commentDepth = 1;
        this.#advance(2);
        return true;
      }
    }
    if (this.#mode === 'line-comment') return true;
    if (b === BACKSLASH) {
      this.#mode = 'meta';
      this.#metaFrom = this.#pos;
      return true;
    }
    this.#begin();
    if (b === QUOTE || b === DOUBLE_QUOTE) {
      this.#mode = b === QUOTE ? 'quote' : 'ident';
      this.#advance(1);
      return true;
    }
    if (b === DOLLAR) return this.#dollarStart();
    if (isIdentStart(b)) return this.#word();
    if (b === 0x28) this.#parens++;
    else if (b === 0x29) this.#parens = Math.max(0, this.#parens - 1);
    else if (b === 0x3b && this.#parens === 0 && !this.#atomic.inside) {
      this.#advance(1);
      this.#emit(this.#pos);
      return true;
    }
    this.#advance(1);
    return true;
  }

  /** An identifier or keyword, whole; `E'` starts an escape string. */
  #word(): boolean {
    let j = this.#pos + 1;
    while (j < this.#buf.length && isIdentChar(this.#buf[j]!)) j++;
    if (j === this.#buf.length && !this.#final) return false;
    const word = this.#buf.toString('latin1', this.#pos, j).toLowerCase();
    if (word === 'e' && this.#buf[j] === QUOTE) {
      this.#advance(2);
      this.#mode = 'escape';
      return true;
    }
    this.#atomic.word(word, this.#parens);
    this.#advance(j - this.#pos);
    return true;
  }

  /** `$tag$` opens a dollar quote; `$1` is a parameter. */
  #dollarStart(): boolean {
    let j = this.#pos + 1;
    while (j < this.#buf.length && (isIdentStart(this.#buf[j]!) || isDigit(this.#buf[j]!))) j++;
    if (j === this.#buf.length && !this.#final) return false;
    const first = this.#buf[this.#pos + 1];
    if (this.#buf[j] === DOLLAR && (j === this.#pos + 1 || (first !== undefined && !isDigit(first)))) {
      this.#dollarTag = Buffer.from(this.#buf.subarray(this.#pos, j + 1));
      this.#mode = 'dollar';
      this.#advance(j + 1 - this.#pos);
      return true;
    }
    this.#advance(1);
    return true;
  }

  #dollar(): boolean {
    const at = this.#buf.indexOf(this.#dollarTag, this.#pos);
    if (at >= 0) {
      this.#advance(at + this.#dollarTag.length - this.#pos);
      this.#mode = 'sql';
      return true;
    }
    // Keep the bytes that could begin the closing tag.
    const safe = Math.max(this.#pos, this.#buf.length - (this.#dollarTag.length - 1));
    if (this.#final) this.#advance(this.#buf.length - this.#pos);
    else this.#advance(safe - this.#pos);
    return this.#final;
  }

  /** A '…' string or "…" identifier: a doubled quote stays inside. */
  #quoted(quote: number): boolean {
    const at = this.#buf.indexOf(quote, this.#pos);
    if (at < 0) {
      this.#advance(this.#buf.length - this.#pos);
      return false;
    }
    this.#advance(at - this.#pos);
    const next = this.#peek(1);
    if (next === null) return false;
    if (next === quote)
      this.#advance(2); // a doubled quote stays inside
    else {
      this.#advance(1);
      this.#mode = 'sql';
    }
    return true;
  }

  /** An E'…' string: a backslash escapes the next byte. */
  #escapeString(): boolean {
    const b = this.#buf[this.#pos]!;
    if (b !== BACKSLASH && b !== QUOTE) {
      this.#advance(1);
      return true;
    }
    const next = this.#peek(1);
    if (next === null) return false;
    if (next !== -1 && (b === BACKSLASH || next === QUOTE)) this.#advance(2);
    else {
      this.#advance(1);
      this.#mode = 'sql';
    }
    return true;
  }

  #blockComment(): boolean {
    const b = this.#buf[this.#pos]!;
    if (b !== 0x2f && b !== 0x2a) {
      this.#advance(1);
      return true;
    }
    const next = this.#peek(1);
    if (next === null) return false;
    if (b === 0x2f && next === 0x2a) {
      this.#commentDepth++;
      this.#advance(2);
    } else if (b === 0x2a && next === 0x2f) {
      this.#commentDepth--;
      this.#advance(2);
      if (this.#commentDepth === 0) this.#mode = 'sql';
    } else this.#advance(1);
    return true;
  }

  /** A line comment, a meta-command or the rest of a COPY line: up to the newline. */
  #toEndOfLine(): boolean {
    const at = this.#buf.indexOf(NEWLINE, this.#pos);
    const end = at < 0 ? this.#buf.length : at;
    if (this.#mode === 'meta' && this.#start >= 0) this.#buf.fill(0x20, this.#metaFrom, end);
    this.#advance(end - this.#pos);
    if (at < 0) return false;
    this.#advance(1);
    this.#mode = this.#mode === 'copy-rest' ? 'copy' : 'sql';
    this.#copyLineLong = false;
    return true;
  }

  /** COPY data lines, passed over without being kept, up to a line that is `\.`. */
  #copyData(): boolean {
    const at = this.#buf.indexOf(NEWLINE, this.#pos);
    if (at < 0) {
      // A partial line longer than `\.\r` is not the end: drop it, remember that.
      if (this.#buf.length - this.#pos > 3) {
        this.#copyLineLong = true;
        this.#pos = this.#buf.length;
      }
      if (this.#final) this.#pos = this.#buf.length;
      return false;
    }
    const b = this.#buf;
    const p = this.#pos;
    const terminator =
      !this.#copyLineLong && b[p] === BACKSLASH && b[p + 1] === 0x2e && (at === p + 2 || (at === p + 3 && b[p + 2] === 0x0d));
    this.#pos = at + 1;
    this.#line++;
    this.#column = 1;
    this.#copyLineLong = false;
    if (terminator) this.#mode = 'sql';
    return true;
  }
}
