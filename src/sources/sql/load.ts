/**
 * Runs a dump's statements in PGlite the way `psql` without ON_ERROR_STOP does: a statement that
 * fails is skipped and reported, the rest go on. Statements that need an extension PGlite lacks
 * (and what fails after them for want of its types and functions) are told apart from other
 * failures. With `strict`, the first failure stops the load. After each statement that can create
 * a table, index or constraint, the new objects are tied to the statement's file and line.
 */
import type { SourceLocation } from '../../model/types.js';
import { UserError } from '../../util/errors.js';
import { WorkerTimeoutError } from '../pglite-worker.js';
import { pgliteHasExtension } from './extensions.js';
import type { SqlStatement } from './split.js';

/** Statement kinds that only concern roles, privileges and data, which an in-process copy has no use for. */
const SKIPPED_KINDS = new Set([
  'GrantStmt',
  'GrantRoleStmt',
  'AlterDefaultPrivilegesStmt',
  'AlterOwnerStmt',
  'CreateRoleStmt',
  'AlterRoleStmt',
  'CopyStmt',
]);

/** Kinds after which new tables, indexes and constraints are looked for. */
const CREATING_KINDS = new Set(['CreateStmt', 'IndexStmt', 'AlterTableStmt', 'CreateTableAsStmt', 'CreateSchemaStmt', 'DoStmt']);

/** A failure of the kind "needs something an extension would have created". */
const MISSING_OBJECT = /(type|function|operator class|operator|access method|schema|extension) .* does not exist/i;

/** The relation a "does not exist" error names (`relation "public.places" does not exist`). */
const MISSING_RELATION = /relation "(?:[^"]*\.)?([^".]+)" does not exist/;

/** The table a CREATE TABLE statement creates. */
function createdTable(statement: SqlStatement): string | null {
  if (statement.kind !== 'CreateStmt') return null;
  return (statement.node?.relation as { relname?: string } | undefined)?.relname ?? null;
}

/** A statement that was skipped, where it is and why. */
export interface SkippedStatement {
  readonly location: SourceLocation;
  readonly message: string;
}

/** What loading the statements did. */
export interface LoadOutcome {
  /** Where each table, index and constraint was created: keys `schema\0name` (constraints `schema\0table\0name`). */
  readonly tables: ReadonlyMap<string, SourceLocation>;
  readonly indexes: ReadonlyMap<string, SourceLocation>;
  readonly constraints: ReadonlyMap<string, SourceLocation>;
  /** Extensions asked for that PGlite does not ship. */
  readonly missingExtensions: readonly string[];
  /** Skipped because they need one of those extensions. */
  readonly needExtension: readonly SkippedStatement[];
  /** Skipped because they failed for another reason (as psql would go on). */
  readonly failed: readonly SkippedStatement[];
}

function changesOwnerOnly(statement: SqlStatement): boolean {
  if (statement.kind !== 'AlterTableStmt') return false;
  const cmds = (statement.node?.cmds ?? []) as { AlterTableCmd?: { subtype?: string } }[];
  return cmds.length > 0 && cmds.every((c) => c.AlterTableCmd?.subtype === 'AT_ChangeOwner');
}

/** The extension a CREATE EXTENSION statement creates. */
export function extensionOf(statement: SqlStatement): string | null {
  return statement.kind === 'CreateExtensionStmt' ? ((statement.node?.extname as string | undefined) ?? null) : null;
}

const NEW_OBJECTS = `
  SELECT 't' AS kind, n.nspname AS schema, c.relname AS name, NULL AS table_name, c.oid::int8::text AS oid
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p') AND c.oid > $1::oid
  UNION ALL
  SELECT 'i', n.nspname, c.relname, t.relname, c.oid::int8::text
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.oid > $1::oid
  UNION ALL
  SELECT 'c', n.nspname, con.conname, t.relname, con.oid::int8::text
    FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = con.connamespace
   WHERE con.oid > $1::oid`;

interface NewObjectRow {
  readonly kind: 't' | 'i' | 'c';
  readonly schema: string;
  readonly name: string;
  readonly table_name: string | null;
  readonly oid: string;
}

/** What the load needs of the database: PGlite, or PGlite in a worker with a deadline per statement. */
export interface LoadDatabase {
  exec(sql: string): Promise<unknown>;
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Runs the statements in order; see the module comment. They are pulled one at a time: a stream
 * read from a file is not read further while the database works on a statement (backpressure),
 * so memory holds one statement, not the file. `total` is for `onStatement` only.
 */
export async function loadStatements(
  lite: LoadDatabase,
  statements: AsyncIterable<SqlStatement> | Iterable<SqlStatement>,
  total: number,
  strict: boolean,
  onStatement?: (loaded: number, total: number) => void,
): Promise<LoadOutcome> {
  const tables = new Map<string, SourceLocation>();
  const indexes = new Map<string, SourceLocation>();
  const constraints = new Map<string, SourceLocation>();
  const missingExtensions: string[] = [];
  const needExtension: SkippedStatement[] = [];
  const failed: SkippedStatement[] = [];
  // Tables not created for want of an extension: what fails on them depends on it too.
  const withoutExtension = new Set<string>();
  // OIDs only grow in a fresh cluster: objects above the last one seen are new.
  let seen = Number(
    ((await lite.query('SELECT max(oid)::int8::text AS oid FROM pg_class')).rows[0] as { oid: string } | undefined)?.oid ?? 0,
  );

  let done = 0;
  for await (const statement of statements) {
    onStatement?.(done++, total);
    const location = statement.location;
    const skip = (message: string, list: SkippedStatement[]): void => {
      if (strict)
        throw new UserError(`${location.file}:${location.line}: ${message} (without --strict, such statements are skipped and reported)`);
      list.push({ location, message });
    };
    if (statement.syntaxError !== null) {
      skip(statement.syntaxError, failed);
      continue;
    }
    if ((statement.kind !== null && SKIPPED_KINDS.has(statement.kind)) || changesOwnerOnly(statement)) continue;
    const extension = extensionOf(statement);
    if (extension !== null && !pgliteHasExtension(extension)) {
      missingExtensions.push(extension);
      skip(`extension "${extension}" is not available in PGlite`, needExtension);
      continue;
    }
    try {
      await lite.exec(statement.text);
    } catch (error) {
      if (error instanceof WorkerTimeoutError) {
        // The worker, and the database in it, are gone: nothing more can be loaded.
        throw new UserError(
          `${location.file}:${location.line}: the statement ${error.message} while loading the file (PGlite ignores statement_timeout; --load-timeout sets this limit)`,
        );
      }
      const message = error instanceof Error ? error.message : String(error);
      const missingRelation = MISSING_RELATION.exec(message)?.[1];
      const dependsOnExtension =
        missingExtensions.length > 0 &&
        (MISSING_OBJECT.test(message) || (missingRelation !== undefined && withoutExtension.has(missingRelation)));
      const table = createdTable(statement);
      if (dependsOnExtension && table !== null) withoutExtension.add(table);
      skip(message, dependsOnExtension ? needExtension : failed);
      continue;
    }
    if (statement.kind !== null && CREATING_KINDS.has(statement.kind)) {
      const { rows } = await lite.query(NEW_OBJECTS, [String(seen)]);
      for (const row of rows as NewObjectRow[]) {
        seen = Math.max(seen, Number(row.oid));
        if (row.kind === 't') tables.set(`${row.schema}\u0000${row.name}`, location);
        else if (row.kind === 'i') indexes.set(`${row.schema}\u0000${row.name}`, location);
        else constraints.set(`${row.schema}\u0000${row.table_name ?? ''}\u0000${row.name}`, location);
      }
    }
  }
  onStatement?.(total, total);
  return { tables, indexes, constraints, missingExtensions: [...new Set(missingExtensions)], needExtension, failed };
}
