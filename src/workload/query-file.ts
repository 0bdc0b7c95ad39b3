/**
 * A query file: SQL statements separated by semicolons, comments allowed, each optionally
 * weighted by a `-- calls: N` comment just before it. One workload a team can keep in its repo.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import type { WorkloadBuilder } from './aggregate.js';
import { splitSql } from './statements.js';

const CALLS_COMMENT = /^calls:\s*(\d+)\s*$/i;

/** The weight a statement's preceding comments give it, or null. */
function callsOf(comments: readonly string[]): number | null {
  for (let i = comments.length - 1; i >= 0; i--) {
    const match = CALLS_COMMENT.exec(comments[i] ?? '');
    if (match) return Number(match[1]);
  }
  return null;
}

/** Adds the statements of SQL text (a query file's content) to the builder. */
export function addQueryText(builder: WorkloadBuilder, text: string, name: string): number {
  builder.sourcesRead.add('file');
  const pieces = splitSql(text);
  if (pieces === null) {
    builder.reject({ source: 'file', location: `${name}:1`, text, error: 'the file cannot be tokenized (an unterminated string, quoted identifier or comment)' });
    return 0;
  }
  for (const piece of pieces) {
    builder.add({
      source: 'file',
      location: `${name}:${piece.line}`,
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
  return pieces.length;
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
  builder.sourcesRead.add('file');
  builder.notes.push(`${path}: ${count} statement${count === 1 ? '' : 's'}`);
}
