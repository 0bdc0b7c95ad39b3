import { readdir, stat } from 'node:fs/promises';
import { UserError } from '../util/errors.js';
import { openPostgresUrl } from '../dialects/postgres/connect.js';
import { introspectPostgres } from '../dialects/postgres/introspect/index.js';
import { openMysqlUrl } from '../dialects/mysql/index.js';
import { isSqliteFile, openSqliteFile, sqlitePathOf } from '../dialects/sqlite/index.js';
import { openSqlFile, sqlFiles, type SqlFileOptions } from './sql-file.js';
import { isModelsPath, openModels, openModelsSqlite, pythonFiles, type ModelsOptions } from './models/open.js';

/** How to open a file target: a .sql file's strictness, the Python that imports models. */
export type TargetOptions = SqlFileOptions & ModelsOptions;
import { refuseForeignSqlFiles } from './foreign-files.js';
import type { AuditTarget, ModelTarget, OpenTarget, PostgresTarget } from './types.js';

export type { AuditTarget, OpenTarget, PostgresTarget } from './types.js';
/** The URL scheme of a target, lower-case, or undefined for a path (a one-letter "scheme" is a Windows drive). */
function schemeOf(target: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase();
  return scheme !== undefined && scheme.length > 1 ? scheme : undefined;
}

/** Whether a plain path names a SQLite database file, by its header (any name: app.db, data.sqlite, prod). */
async function isSqlitePath(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile() && (await isSqliteFile(path));
  } catch {
    return false;
  }
}

/** A PostgreSQL target that reads its own model with the PostgreSQL introspection. */
export function asPostgresTarget(open: OpenTarget): PostgresTarget {
  return {
    ...open,
    dialect: 'postgres',
    readModel: async (options = {}) => {
      const model = await introspectPostgres(open.db, { schemas: options.schemas ?? [] });
      return open.annotateModel ? open.annotateModel(model) : model;
    },
  };
}

async function openMysqlTarget(target: string): Promise<ModelTarget> {
  const server = await openMysqlUrl(target);
  return {
    dialect: 'mysql',
    info: { kind: 'mysql', name: server.name },
    readModel: (options) => server.readModel(options),
    close: () => server.close(),
  };
}

async function openSqliteTarget(path: string): Promise<ModelTarget> {
  const file = await openSqliteFile(path);
  return { dialect: 'sqlite', info: { kind: 'sqlite', name: file.name }, readModel: () => file.readModel(), close: () => file.close() };
}

/**
 * Opens what the user named, whatever its database: a postgres:// URL, a mysql:// or mariadb://
 * URL, a SQLite file (`sqlite:path`, `sqlite:///abs/path`, or a plain path to a file that starts
 * with the SQLite header, whatever its name), or a PostgreSQL .sql file or folder of them.
 */
export async function openAuditTarget(target: string, options: TargetOptions = {}): Promise<AuditTarget> {
  const scheme = schemeOf(target);
  if (scheme === 'mysql' || scheme === 'mariadb') return openMysqlTarget(target);
  if (scheme === 'sqlite') return openSqliteTarget(sqlitePathOf(target));
  if (scheme === undefined && (await isSqlitePath(target))) return openSqliteTarget(target);
  if (scheme === undefined && options.dialect === 'sqlite' && (await isModelsPath(target))) return openModelsSqlite(target, options);
  return asPostgresTarget(await openPostgresTarget(target, scheme, options));
}

/**
 * A folder with neither .sql files nor Python that imports SQLAlchemy: say both were looked for,
 * rather than only "no .sql files" to someone who meant a folder of models.
 */
async function refuseFolderWithoutSchema(target: string): Promise<void> {
  const info = await stat(target).catch(() => null);
  if (!info?.isDirectory() || (await readdir(target)).some((n) => n.endsWith('.sql'))) return;
  const python = await pythonFiles(target).catch(() => []);
  const models =
    python.length === 0 ? 'no .py files' : `${python.length} .py file${python.length === 1 ? '' : 's'}, none importing SQLAlchemy`;
  throw new UserError(
    `${target} holds neither .sql files nor SQLAlchemy models (${models}): give a .sql file, a folder of migrations, a folder of models, or a database URL`,
  );
}

async function openPostgresTarget(target: string, scheme: string | undefined, options: TargetOptions): Promise<OpenTarget> {
  if (scheme === 'postgres' || scheme === 'postgresql') return openPostgresUrl(target);
  if (scheme !== undefined && target.includes('://')) {
    throw new UserError(`unsupported URL scheme "${scheme}:" (expected postgres://, mysql://, mariadb://, sqlite:, or a file)`);
  }
  if (await isModelsPath(target)) return openModels(target, options);
  await refuseFolderWithoutSchema(target);
  // FIFOs, devices and folders named *.sql are refused before anything opens them (a FIFO would block).
  await sqlFiles(target);
  await refuseForeignSqlFiles(target);
  return openSqlFile(target, options);
}

/**
 * Opens a PostgreSQL target (a postgres:// URL, a .sql file or a folder of them), for the steps
 * that need a PostgreSQL connection. MySQL and SQLite targets are recognised and refused in one
 * line (apply opens them itself, through cli/apply-target.ts).
 */
export async function openTarget(target: string, options: TargetOptions = {}): Promise<OpenTarget> {
  const scheme = schemeOf(target);
  const other =
    scheme === 'mysql' || scheme === 'mariadb'
      ? 'a MySQL/MariaDB server'
      : scheme === 'sqlite' || (scheme === undefined && (await isSqlitePath(target)))
        ? 'a SQLite database'
        : null;
  if (other !== null) {
    throw new UserError(`${other} is not a PostgreSQL target: open it with openAuditTarget (dbdoctor audit, fix) or for apply`);
  }
  return openPostgresTarget(target, scheme, options);
}
