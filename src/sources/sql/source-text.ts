/**
 * A SQL source as bytes. libpg-query reports statement offsets in UTF-8 bytes, so statements are
 * cut from the bytes and positions are turned into lines and columns from the bytes too: a
 * `-- café` on line 1 must not shift anything after it.
 */
import type { SourceLocation } from '../../model/types.js';

/** One file's text, addressed by byte offset. */
export class SourceText {
  readonly bytes: Buffer;
  readonly #lineStarts: number[];

  constructor(
    readonly file: string,
    bytes: Buffer,
  ) {
    this.bytes = bytes;
    this.#lineStarts = [0];
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) this.#lineStarts.push(i + 1);
  }

  /** The text between two byte offsets. */
  slice(start: number, end: number = this.bytes.length): string {
    return this.bytes.subarray(start, end).toString('utf8');
  }

  /** Line (1-based) and column (1-based, in characters) of a byte offset. */
  locate(offset: number): SourceLocation {
    let low = 0;
    let high = this.#lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    const lineStart = this.#lineStarts[low]!;
    const column = [...this.bytes.subarray(lineStart, offset).toString('utf8')].length + 1;
    return { file: this.file, line: low + 1, column };
  }
}

/**
 * Blanks what is not SQL, keeping every byte offset: psql meta-commands (`\connect`, pg_dump's
 * `\restrict`) and the data lines of `COPY … FROM stdin` up to their `\.` terminator.
 */
export function blankNonSql(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  let inCopyData = false;
  let start = 0;
  while (start < out.length) {
    let end = out.indexOf(0x0a, start);
    if (end < 0) end = out.length;
    const line = out.subarray(start, end).toString('latin1');
    if (inCopyData) {
      if (/^\\\.\r?$/.test(line)) inCopyData = false;
      out.fill(0x20, start, end);
    } else if (line.startsWith('\\')) {
      out.fill(0x20, start, end);
    } else if (/^COPY\s.*\bFROM\s+stdin\b.*;\s*$/i.test(line)) {
      inCopyData = true;
    }
    start = end + 1;
  }
  return out;
}
