/**
 * Splits a SQL file into statements with PostgreSQL's own parser. When the file as a whole does
 * not parse (one bad statement), it is cut at the scanner's top-level semicolons and each piece
 * parsed alone, so one statement psql would reject does not hide the others.
 */
import { parse, scan } from 'libpg-query';
import { SourceText } from './source-text.js';

/** One statement of a file. */
export interface SqlStatement {
  readonly source: SourceText;
  /** Byte offset of its first token. */
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
  readonly stmt_location?: number;
  readonly stmt_len?: number | null;
}

interface ScanToken {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Byte length of the whitespace and comments before a statement's first token. */
function leadingTrivia(text: string): number {
  const match = /^(?:\s+|--[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(text);
  return match ? Buffer.byteLength(match[0]) : 0;
}

function statementAt(source: SourceText, start: number, end: number, raw: RawStatement | null, error: string | null): SqlStatement | null {
  const full = source.slice(start, end);
  const skip = leadingTrivia(full);
  const text = source.slice(start + skip, end).trim();
  if (text === '' || text === ';') return null;
  const kind = raw ? (Object.keys(raw.stmt)[0] ?? null) : null;
  return { source, offset: start + skip, text, kind, node: kind && raw ? (raw.stmt[kind] ?? null) : null, syntaxError: error };
}

async function parseAll(sql: string): Promise<RawStatement[]> {
  const parsed = (await parse(sql)) as { stmts?: RawStatement[] };
  return parsed.stmts ?? [];
}

/** The statements of one file, in order. */
export async function splitStatements(source: SourceText): Promise<SqlStatement[]> {
  const sql = source.slice(0);
  try {
    const raws = await parseAll(sql);
    const out: SqlStatement[] = [];
    for (const raw of raws) {
      const start = raw.stmt_location ?? 0;
      const end = raw.stmt_len ? start + raw.stmt_len : source.bytes.length;
      const statement = statementAt(source, start, end, raw, null);
      if (statement) out.push(statement);
    }
    return out;
  } catch {
    return splitBySemicolons(source, sql);
  }
}

async function splitBySemicolons(source: SourceText, sql: string): Promise<SqlStatement[]> {
  const { tokens } = (await scan(sql)) as { tokens: readonly ScanToken[] };
  const out: SqlStatement[] = [];
  let start = 0;
  const cut = async (end: number): Promise<void> => {
    const piece = source.slice(start, end);
    let raw: RawStatement | null = null;
    let error: string | null = null;
    try {
      raw = (await parseAll(piece))[0] ?? null;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const statement = statementAt(source, start, end, raw, error);
    if (statement) out.push(statement);
  };
  for (const token of tokens) {
    if (token.text !== ';') continue;
    await cut(token.end);
    start = token.end;
  }
  await cut(source.bytes.length);
  return out;
}
