/**
 * A schema file (pg_dump output, Rails `structure.sql`, Django `sqlmigrate`, plain DDL) or a
 * folder of migrations, loaded into an in-process PGlite so that it is audited by the same
 * introspection as a server. Extensions PGlite ships are loaded; what cannot be loaded is skipped
 * and said in the report's limitations (or stops the load with `strict`); every table, index and
 * constraint keeps the file and line of the statement that created it.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';
import type { SchemaModel, SourceLocation } from '../model/types.js';
import { UserError } from '../util/errors.js';
import { pgliteModules } from './sql/extensions.js';
import { PGliteWorker } from './pglite-worker.js';
import { extensionOf, loadStatements, type LoadOutcome, type SkippedStatement } from './sql/load.js';
import { parseStatement, scanFile, splitFile, type SqlStatement } from './sql/split.js';
import type { OpenTarget } from './types.js';

/** How to load a schema file. */
export interface SqlFileOptions {
  /** Stop at the first statement that fails, instead of skipping it as psql does. */
  readonly strict?: boolean;
  /** How long one statement may run while loading (default 30 s); past it the load stops. */
  readonly statementTimeoutMs?: number;
  /** Hears how many statements are loaded: 0 once the engine has started, then as each is done. */
  readonly onStatement?: (loaded: number, total: number) => void;
}

const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
/** PGlite's start (initdb in WebAssembly, the extensions' files) takes seconds, more on a busy machine. */
const STARTUP_TIMEOUT_MS = 180_000;
/** The audit's own catalog queries, once the file is loaded. */
const QUERY_TIMEOUT_MS = 300_000;

/** Migration tools keep the way back beside the way forward: only the forward files are applied. */
const DOWN_MIGRATION = /(^|[._-])(down|rollback|undo)\.sql$|^U\d+__/i;

/** What a path that is neither a regular file nor a folder is, in words. */
function specialKind(info: Awaited<ReturnType<typeof stat>>): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isDirectory()) return 'a directory';
  return 'a device';
}

/**
 * The .sql files to load: the file itself, or a folder's forward migrations in name order. Anything
 * else named *.sql (a FIFO, a device, a folder) is refused before it is opened: a FIFO blocks its reader.
 */
export async function sqlFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UserError(`no such file or directory: ${path}`);
  }
  if (info.isDirectory()) {
    const names = (await readdir(path))
      .filter((n) => n.endsWith('.sql') && !DOWN_MIGRATION.test(n))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    if (names.length === 0) throw new UserError(`no .sql files in ${path}`);
    const files = names.map((n) => join(path, n));
    for (const file of files) {
      const entry = await stat(file).catch(() => null);
      if (entry === null) throw new UserError(`${file} cannot be read (a broken link?)`);
      if (!entry.isFile())
        throw new UserError(`${file} is ${specialKind(entry)}, not a .sql file: remove it from ${path} or audit the files one by one`);
    }
    return files;
  }
  if (!info.isFile()) throw new UserError(`${path} is ${specialKind(info)}, not a .sql file or a folder of them`);
  return [path];
}

/** A path as reports show it: relative to the working directory when inside it. */
function shownPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function firstLines(skipped: readonly SkippedStatement[]): string {
  const shown = skipped.slice(0, 3).map((s) => `${s.location.file}:${s.location.line} (${s.message})`);
  return shown.join('; ') + (skipped.length > 3 ? `; and ${skipped.length - 3} more` : '');
}

/** What the report must say about a load that skipped statements. */
function loadLimitations(outcome: LoadOutcome): string[] {
  const out: string[] = [];
  if (outcome.needExtension.length > 0) {
    out.push(
      `${outcome.needExtension.length} statement(s) need extensions PGlite does not have (${outcome.missingExtensions.join(', ')}) ` +
        `and were skipped with what depends on them; audit a server that has them for those objects: ${firstLines(outcome.needExtension)}`,
    );
  }
  if (outcome.failed.length > 0) {
    out.push(
      `${outcome.failed.length} statement(s) failed and were skipped, as psql would (--strict stops at the first): ${firstLines(outcome.failed)}`,
    );
  }
  return out;
}

/** The model with the file locations of its objects, and the load's limitations. */
function annotateFromLoad(model: SchemaModel, outcome: LoadOutcome): SchemaModel {
  const at = (map: ReadonlyMap<string, SourceLocation>, ...parts: string[]): SourceLocation | undefined => map.get(parts.join('\u0000'));
  return {
    ...model,
    tables: model.tables.map((t) => {
      const location = at(outcome.tables, t.schema, t.name);
      return location ? { ...t, location } : t;
    }),
    indexes: model.indexes.map((i) => {
      const location =
        (i.constraint ? at(outcome.constraints, i.schema, i.table, i.constraint.name) : undefined) ?? at(outcome.indexes, i.schema, i.name);
      return location ? { ...i, location } : i;
    }),
    foreignKeys: model.foreignKeys.map((fk) => {
      const location = at(outcome.constraints, fk.schema, fk.table, fk.name);
      return location ? { ...fk, location } : fk;
    }),
    limitations: [...model.limitations, ...loadLimitations(outcome)],
  };
}

/**
 * A first pass over the files, in chunks: how many statements there are (for progress) and which
 * extensions they create (PGlite is started with its extensions, before the first statement).
 */
async function survey(files: readonly string[]): Promise<{ total: number; extensions: string[] }> {
  let total = 0;
  const extensions: string[] = [];
  for (const file of files) {
    for await (const piece of scanFile(file)) {
      total++;
      if (!/^create\s+extension\b/i.test(piece.text)) continue;
      const extension = extensionOf(await parseStatement(file, piece));
      if (extension !== null) extensions.push(extension);
    }
  }
  return { total, extensions };
}

/** The statements of the files, in order, read in chunks as the load asks for them. */
async function* statementsOf(files: readonly string[]): AsyncGenerator<SqlStatement> {
  for (const file of files) yield* splitFile(file, shownPath(file));
}

/** Loads a schema file or a folder of migrations into PGlite (see the module comment). */
export async function openSqlFile(path: string, options: SqlFileOptions = {}): Promise<OpenTarget> {
  const files = await sqlFiles(path);
  const { total, extensions: created } = await survey(files);
  const extensions = pgliteModules(created);
  // In a worker thread: PGlite ignores statement_timeout, and a statement that never ends must not hold the process.
  const lite = await PGliteWorker.start(extensions, STARTUP_TIMEOUT_MS);
  const timeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  lite.setQueryTimeout(timeoutMs);
  let outcome: LoadOutcome;
  try {
    outcome = await loadStatements(
      { exec: (sql) => lite.exec(sql, timeoutMs), query: (sql, params) => lite.query(sql, params) },
      statementsOf(files),
      total,
      options.strict ?? false,
      options.onStatement,
    );
    // A dump empties search_path; leave the session as a fresh connection would be.
    await lite.exec('RESET search_path', timeoutMs);
  } catch (error) {
    await lite.close().catch(() => undefined);
    throw error;
  }
  lite.setQueryTimeout(QUERY_TIMEOUT_MS);
  return {
    db: lite,
    info: { kind: 'sql-file', name: path },
    annotateModel: (model) => annotateFromLoad(model, outcome),
    close: () => lite.close(),
  };
}
