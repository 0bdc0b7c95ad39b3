import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { parse } from 'libpg-query';
import { UserError } from '../util/errors.js';
import type { OpenTarget } from './types.js';

/** Statement kinds that only concern roles and privileges, which an in-process copy has no use for. */
const SKIPPED_STATEMENTS = new Set([
  'GrantStmt',
  'GrantRoleStmt',
  'AlterDefaultPrivilegesStmt',
  'AlterOwnerStmt',
  'CreateRoleStmt',
  'AlterRoleStmt',
]);

interface ParsedStatement {
  readonly text: string;
  readonly offset: number;
  readonly kind: string;
  readonly changesOwner: boolean;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** psql meta-commands (`\connect`, pg_dump's `\restrict`) are not SQL; blank them, keeping offsets. */
function withoutMetaCommands(text: string): string {
  return text.replace(/^\\[^\n]*/gm, (m) => ' '.repeat(m.length));
}

async function splitStatements(file: string, text: string): Promise<ParsedStatement[]> {
  let parsed: {
    stmts?: {
      stmt: Record<string, { cmds?: { AlterTableCmd?: { subtype?: string } }[] }>;
      stmt_location?: number;
      stmt_len?: number | null;
    }[];
  };
  try {
    parsed = (await parse(text)) as typeof parsed;
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const where = details?.cursorPosition !== undefined ? `:${lineOf(text, details.cursorPosition)}` : '';
    throw new UserError(`${file}${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (parsed.stmts ?? []).map((s) => {
    const offset = s.stmt_location ?? 0;
    const kind = Object.keys(s.stmt)[0] ?? 'unknown';
    const body = s.stmt[kind];
    return {
      text: s.stmt_len ? text.slice(offset, offset + s.stmt_len) : text.slice(offset),
      offset,
      kind,
      changesOwner: kind === 'AlterTableStmt' && (body?.cmds ?? []).every((c) => c.AlterTableCmd?.subtype === 'AT_ChangeOwner'),
    };
  });
}

/** The .sql files to load: the file itself, or a folder's files in name order (migrations). */
async function sqlFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UserError(`no such file or directory: ${path}`);
  }
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => n.endsWith('.sql')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (names.length === 0) throw new UserError(`no .sql files in ${path}`);
  return names.map((n) => join(path, n));
}

/**
 * Loads a schema file (pg_dump --schema-only output, or plain DDL) or a folder of migration
 * files into an in-process PGlite, so it is audited by the same introspection as a server.
 * `onStatement` hears how many statements are loaded: 0 once the engine has started, then as each is done.
 */
export async function openSqlFile(path: string, onStatement?: (loaded: number, total: number) => void): Promise<OpenTarget> {
  const files = await sqlFiles(path);
  const statements: { file: string; source: string; statement: ParsedStatement }[] = [];
  for (const file of files) {
    const source = withoutMetaCommands(await readFile(file, 'utf8'));
    for (const statement of await splitStatements(file, source)) statements.push({ file, source, statement });
  }
  const lite = new PGlite();
  try {
    await lite.waitReady;
    for (const [i, { file, source, statement }] of statements.entries()) {
      onStatement?.(i, statements.length);
      if (SKIPPED_STATEMENTS.has(statement.kind) || statement.changesOwner) continue;
      try {
        await lite.exec(statement.text);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new UserError(`${file}:${lineOf(source, statement.offset + leadingWhitespace(statement.text))}: ${message}`);
      }
    }
    onStatement?.(statements.length, statements.length);
    // A dump empties search_path; leave the session as a fresh connection would be.
    await lite.exec('RESET search_path');
  } catch (error) {
    await lite.close().catch(() => undefined);
    throw error;
  }
  return { db: lite, info: { kind: 'sql-file', name: path }, close: () => lite.close() };
}

/** Length of the whitespace and comments before a statement's first token. */
function leadingWhitespace(text: string): number {
  const match = /^(?:\s+|--[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(text);
  return match ? match[0].length : 0;
}
