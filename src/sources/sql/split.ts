/**
 * The statements of SQL files, read as a stream: {@link StatementScanner} finds where each
 * statement is as chunks arrive, and PostgreSQL's own parser (libpg-query) reads each one alone,
 * so one statement psql would reject does not hide the others and memory does not grow with the
 * file. A string is a stream of one chunk.
 */
import { open } from 'node:fs/promises';
import { loadModule, parse, parseSync } from 'libpg-query';
import type { SourceLocation } from '../../model/types.js';
import { StatementScanner, type StatementPiece } from './scanner.js';

/** One statement of a file. */
export interface SqlStatement {
  /** Where its first token is (line counted by bytes, column in characters). */
  readonly location: SourceLocation;
  /** Byte offset of its first token in its file. */
  readonly offset: number;
  readonly text: string;
  /** The parse tree's node type (`IndexStmt`, `CreateStmt`, …), or null when it does not parse. */
  readonly kind: string | null;
  readonly node: Record<string, unknown> | null;
  /** The parser's message when it does not parse. */
  readonly syntaxError: string | null;
}

interface RawStatement {
  readonly stmt: Record<string, Record<string, unknown>>;
}

/** Whether a statement is `COPY … FROM stdin`, whose data lines follow it in the file. */
function readsCopyData(text: string): boolean {
  if (!/^copy\b/i.test(text)) return false;
  try {
    const raw = (parseSync(text) as { stmts?: RawStatement[] }).stmts?.[0];
    const copy = raw?.stmt.CopyStmt;
    return copy !== undefined && copy.is_from === true && copy.filename === undefined && copy.is_program !== true;
  } catch {
    return /\bfrom\s+stdin\b/i.test(text);
  }
}

/** A statement found by the scanner, parsed. */
export async function parseStatement(file: string, piece: StatementPiece): Promise<SqlStatement> {
  const location = { file, line: piece.line, column: piece.column };
  const base = { location, offset: piece.offset, text: piece.text };
  try {
    const raw = ((await parse(piece.text)) as { stmts?: RawStatement[] }).stmts?.[0];
    const kind = raw ? (Object.keys(raw.stmt)[0] ?? null) : null;
    return { ...base, kind, node: kind && raw ? (raw.stmt[kind] ?? null) : null, syntaxError: null };
  } catch (error) {
    return { ...base, kind: null, node: null, syntaxError: error instanceof Error ? error.message : String(error) };
  }
}

/** The statements found in a stream of chunks, as they are found (not parsed). */
export async function* scanChunks(chunks: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<StatementPiece> {
  await loadModule();
  const scanner = new StatementScanner(readsCopyData);
  for await (const chunk of chunks) yield* scanner.push(chunk);
  yield* scanner.end();
}

/** Read size: large enough for few system calls, small against the engine's own memory. */
const CHUNK_BYTES = 256 * 1024;

/**
 * A file's bytes in chunks, all read into one buffer: a fresh buffer per chunk would be garbage
 * the collector frees late, and a dump of gigabytes would raise the peak memory with it.
 */
async function* chunksOf(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** The statements of a file, read in chunks (bounded memory), not parsed. */
export function scanFile(path: string): AsyncGenerator<StatementPiece> {
  return scanChunks(chunksOf(path));
}

/** The statements of a file, read in chunks and parsed one by one; `shown` is the name their locations carry. */
export async function* splitFile(path: string, shown: string): AsyncGenerator<SqlStatement> {
  for await (const piece of scanFile(path)) yield await parseStatement(shown, piece);
}

/** The statements of a text held in memory (dbdoctor's own DDL), in order. */
export async function splitStatements(file: string, text: string): Promise<SqlStatement[]> {
  const out: SqlStatement[] = [];
  for await (const piece of scanChunks([Buffer.from(text)])) out.push(await parseStatement(file, piece));
  return out;
}
