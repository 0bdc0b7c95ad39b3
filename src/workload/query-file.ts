/**
 * A query file: SQL statements separated by semicolons, comments allowed, each optionally
 * weighted by a `-- calls: N` comment just before it. One workload a team can keep in its repo.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../util/errors.js';
import type { WorkloadBuilder } from './aggregate.js';
import { splitSql, type SqlPiece } from '../sql/statements.js';

const CALLS_COMMENT = /^calls:\s*(\d+)\s*$/i;

/** The weight a statement's preceding comments give it, or null. */
function callsOf(comments: readonly string[]): number | null {
  for (let i = comments.length - 1; i >= 0; i--) {
    const match = CALLS_COMMENT.exec(comments[i] ?? '');
    if (match) return Number(match[1]);
  }
  return null;
}

/** A chunk of text and the line it starts on. */
interface Chunk {
  readonly text: string;
  readonly line: number;
}

/**
 * When the lexer rejects the whole text (an unterminated string or comment somewhere), the
 * statements around the broken one still count: cut at semicolons that end a line and lex each
 * chunk on its own, so only the broken chunk is lost.
 */
function lineChunks(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  const boundary = /;[ \t]*\r?\n/g;
  let start = 0;
  let line = 1;
  const push = (end: number): void => {
    const piece = text.slice(start, end);
    chunks.push({ text: piece, line });
    line += piece.split('\n').length - 1;
  };
  for (let match = boundary.exec(text); match; match = boundary.exec(text)) {
    push(match.index + match[0].length);
    start = match.index + match[0].length;
  }
  push(text.length);
  return chunks;
}

/** Adds the statements of SQL text (a query file's content) to the builder; returns how many. */
export function addQueryText(builder: WorkloadBuilder, text: string, name: string): number {
  builder.sourcesRead.add('file');
  const whole = splitSql(text);
  const chunks: { pieces: SqlPiece[] | null; chunk: Chunk }[] = whole
    ? [{ pieces: whole, chunk: { text, line: 1 } }]
    : lineChunks(text).map((chunk) => ({ pieces: splitSql(chunk.text), chunk }));
  let count = 0;
  for (const { pieces, chunk } of chunks) {
    if (pieces === null) {
      const first = chunk.text.search(/\S/);
      const line = chunk.line + (first < 0 ? 0 : chunk.text.slice(0, first).split('\n').length - 1);
      builder.reject({
        source: 'file',
        location: `${name}:${line}`,
        text: chunk.text.trim().replace(/;$/, ''),
        error: 'cannot be tokenized: an unterminated string, quoted identifier or comment',
      });
      count++;
      continue;
    }
    for (const piece of pieces) {
      count++;
      builder.add({
        source: 'file',
        location: `${name}:${chunk.line + piece.line - 1}`,
        text: piece.text,
        isExample: true,
        calls: callsOf(piece.comments),
        totalMs: null,
        timedCalls: 0,
        rows: null,
        sharedBlocksHit: null,
        sharedBlocksRead: null,
      });
    }
  }
  return count;
}

/** Reads a query file into the builder; a missing file is the user's error. */
export async function addQueryFile(builder: WorkloadBuilder, path: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read query file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const count = addQueryText(builder, text, path);
  builder.notes.push(`${path}: ${count} statement${count === 1 ? '' : 's'}`);
}
