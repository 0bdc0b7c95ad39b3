/**
 * `dbdoctor audit app/models`: SQLAlchemy models as an audit target. The exact reader (the
 * project's Python imports the models, SQLAlchemy compiles their DDL) builds a scratch PostgreSQL
 * in PGlite; when the models cannot be imported, the static reader's declarations are turned into
 * DDL instead, and the report says so. Either way, findings point at the model lines.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { SchemaModel } from '../../model/types.js';
import { quoteIdent } from '../../sql/quote.js';
import { UserError, redactSecrets } from '../../util/errors.js';
import { pgliteExtensions } from '../sql/extensions.js';
import { extensionOf, loadStatements } from '../sql/load.js';
import { splitStatements } from '../sql/split.js';
import Database from 'better-sqlite3';
import { introspectSqlite } from '../../dialects/sqlite/index.js';
import type { ModelTarget, OpenTarget } from '../types.js';
import { readDeclarations, type ModelDeclarations } from './declarations.js';
import { declaredSchema, withDeclarationLocations } from './locate.js';
import { compileModels, findPython, type CompiledModels, type ModelsDialect } from './python.js';
import { staticDdl } from './static-ddl.js';

/** How to read models. */
export interface ModelsOptions {
  /** The Python to import the models with (default: the first of python3, python, /usr/bin/python3 with SQLAlchemy). */
  readonly python?: string;
  /** The dialect SQLAlchemy compiles for; the scratch database is PostgreSQL, so only `postgresql` loads. */
  readonly dialect?: ModelsDialect;
}

const SKIPPED_FOLDERS = new Set(['__pycache__', 'node_modules', 'venv', '.venv', 'migrations', 'alembic', 'tests']);

/** The .py files of a models folder (or the file itself), as the Python side imports them. */
export async function pythonFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [path];
  const out: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) out.push(...(await pythonFiles(full)));
    else if (entry.isFile() && entry.name.endsWith('.py')) out.push(full);
  }
  return out;
}

/** Whether a path is SQLAlchemy models: a .py file, or a folder without .sql files whose Python imports SQLAlchemy. */
export async function isModelsPath(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (info.isFile()) return path.endsWith('.py');
    if (!info.isDirectory()) return false;
    if ((await readdir(path)).some((n) => n.endsWith('.sql'))) return false;
    for (const file of (await pythonFiles(path)).slice(0, 200)) {
      if (/^\s*(from\s+(flask_)?sqlalchemy|import\s+(flask_)?sqlalchemy)/m.test(await readFile(file, 'utf8'))) return true;
    }
    return false;
  } catch {
    return false;
  }
}

/** A path as reports show it: relative to the working directory when inside it. */
export function shownPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** A foreign key SQLAlchemy could not resolve (its target is in a module that failed), added once every table exists. */
function foreignKeySql(fk: { table: string; schema: string | null; name: string | null; columns: string[]; references: string[] }): string {
  const table = `${fk.schema ? `${quoteIdent(fk.schema)}.` : ''}${quoteIdent(fk.table)}`;
  const target = fk.references[0]!.split('.');
  const refTable = target.slice(0, -1).map(quoteIdent).join('.');
  const refColumns = fk.references.map((r) => quoteIdent(r.split('.').pop() ?? r)).join(', ');
  return `ALTER TABLE ${table} ADD ${fk.name ? `CONSTRAINT ${quoteIdent(fk.name)} ` : ''}FOREIGN KEY (${fk.columns.map(quoteIdent).join(', ')}) REFERENCES ${refTable} (${refColumns})`;
}

/** Whether a failed import is of a file whose syntax error is already said (with its line). */
function isSyntaxErrorOf(module: string, declarations: ModelDeclarations): boolean {
  const file = module.split('.').join('/');
  return declarations.syntaxErrors.some((e) => e.file.endsWith(`${file}.py`) || e.file.endsWith(`${file}/__init__.py`));
}

/** The DDL of the models, what the report must say about how it was read, and what stderr must say. */
async function modelDdl(
  path: string,
  declarations: ModelDeclarations,
  options: ModelsOptions,
): Promise<{ sql: string; notes: string[]; warnings: string[]; imported: number }> {
  const notes: string[] = [];
  const warnings = declarations.syntaxErrors.map(
    (e) => `${e.file}:${e.line}: Python syntax error: that file is read only as far as it parses, the other model files are audited`,
  );
  const dialect = options.dialect ?? 'postgresql';
  if (dialect !== 'postgresql') {
    throw new UserError(
      `models are loaded into an embedded PostgreSQL or SQLite: --dialect ${dialect} cannot be audited from models (audit the ${dialect} database with --models PATH)`,
    );
  }
  const found = await findPython(options.python);
  if ('python' in found) {
    try {
      const compiled = await compileModels(found.python, path, dialect);
      for (const failure of compiled.failures) {
        // The application's own error text: it may quote a connection string with its password.
        const error = redactSecrets(failure.error);
        notes.push(`model module ${failure.module} could not be imported (${error})`);
        if (!isSyntaxErrorOf(failure.module, declarations))
          warnings.push(`model module ${failure.module} could not be imported (${error}): it is read statically`);
      }
      if (compiled.metadata > 0) {
        notes.unshift(
          `models read by importing them with ${found.python} (SQLAlchemy ${compiled.sqlalchemy}) and compiling their PostgreSQL DDL`,
        );
        // Tables of modules that could not be imported come from the static reader.
        const compiledTables = new Set(compiled.tables.map((t) => t.split('.').pop() ?? t));
        const missing = declarations.tables.filter((t) => !compiledTables.has(t.name));
        const statements = [...compiled.statements];
        if (compiled.failures.length > 0 && missing.length > 0) {
          statements.push(...staticDdl({ ...declarations, tables: missing }).statements);
          notes.push(`${missing.map((t) => t.name).join(', ')}: read statically from the files that could not be imported`);
        }
        for (const fk of compiled.unresolvedForeignKeys) statements.push(foreignKeySql(fk));
        return { sql: statements.join(';\n') + ';\n', notes, warnings, imported: compiled.tables.length };
      }
      notes.push(`importing the models with ${found.python} found no SQLAlchemy MetaData`);
    } catch (error) {
      const message = redactSecrets(error instanceof Error ? error.message.split('\n').slice(-3).join(' ').trim() : String(error));
      notes.push(`the models could not be imported with ${found.python} (${message})`);
      warnings.push(`the models could not be imported with ${found.python} (${message}): they are read statically`);
    }
  } else {
    notes.push(found.reason);
    warnings.push(`${found.reason}: the models are read statically, without running them`);
  }
  const ddl = staticDdl(declarations);
  notes.push(
    'models read statically (without running them): column types are inferred from their names' +
      (ddl.approximated.length > 0
        ? `, and ${ddl.approximated.length} column type(s) are unknown and read as text (${ddl.approximated.slice(0, 5).join(', ')})`
        : ''),
  );
  return { sql: ddl.statements.join(';\n') + ';\n', notes, warnings, imported: 0 };
}

/** Opens SQLAlchemy models as a PostgreSQL target (see the module comment). */
export async function openModels(path: string, options: ModelsOptions = {}): Promise<OpenTarget> {
  const files = await pythonFiles(path);
  if (files.length === 0) throw new UserError(`no .py files in ${path}`);
  const declarations = await readDeclarations(files, shownPath);
  const { sql, notes, warnings, imported } = await modelDdl(path, declarations, options);
  const firstError = declarations.syntaxErrors[0];
  if (firstError !== undefined && imported === 0 && !declarations.tables.some((t) => t.columns.length > 0)) {
    // Nothing to audit (at most a table name before the error): a report would look like a clean bill of health.
    throw new UserError(
      `${firstError.file}:${firstError.line}: Python syntax error, and no model table could be read from ${shownPath(path)}`,
    );
  }
  const statements = await splitStatements(`${shownPath(path)} (DDL of the models)`, sql);
  const lite = await PGlite.create({
    extensions: await pgliteExtensions(statements.map(extensionOf).filter((e): e is string => e !== null)),
  });
  try {
    const outcome = await loadStatements(lite, statements, statements.length, false);
    for (const skipped of [...outcome.needExtension, ...outcome.failed]) {
      // Name the statement: the models' DDL is dbdoctor's own text, which the user never sees.
      const statement = statements.find((s) => s.location.line === skipped.location.line);
      const shown = statement ? ` (${statement.text.replace(/\s+/g, ' ').trim().slice(0, 120)})` : '';
      notes.push(`a statement of the models' DDL failed and was skipped${shown}: ${skipped.message}`);
    }
  } catch (error) {
    await lite.close().catch(() => undefined);
    throw error;
  }
  notes.push(...declarations.unresolved);
  const annotateModel = (model: SchemaModel): SchemaModel => {
    const located = withDeclarationLocations(model, declarations);
    return { ...located, limitations: [...located.limitations, ...notes] };
  };
  return { db: lite, info: { kind: 'models', name: path }, annotateModel, warnings, close: () => lite.close() };
}

/**
 * `--models PATH` beside a live database: the model read from the database gets the model files'
 * locations, and what the models declare (for model-drift). Read statically: nothing is imported.
 */
export async function modelsAnnotation(path: string): Promise<(model: SchemaModel) => SchemaModel> {
  const files = await pythonFiles(path).catch(() => {
    throw new UserError(`--models: no such file or folder: ${path}`);
  });
  if (files.length === 0) throw new UserError(`--models: no .py files in ${path}`);
  const declarations = await readDeclarations(files, shownPath);
  return (model) => {
    const defaultSchema = model.dialect === 'postgres' ? 'public' : model.dialect === 'sqlite' ? 'main' : (model.tables[0]?.schema ?? '');
    const declared = declaredSchema(declarations, path, defaultSchema);
    const located = withDeclarationLocations({ ...model, declared }, declarations);
    return declarations.unresolved.length === 0
      ? located
      : { ...located, limitations: [...located.limitations, ...declarations.unresolved] };
  };
}

/**
 * Models compiled for SQLite (`--dialect sqlite`): SQLAlchemy's SQLite DDL loaded into an
 * in-memory SQLite and read by the SQLite introspection, with the declarations' locations. The
 * import must work: the static reader writes PostgreSQL DDL only.
 */
export async function openModelsSqlite(path: string, options: ModelsOptions = {}): Promise<ModelTarget> {
  const files = await pythonFiles(path);
  if (files.length === 0) throw new UserError(`no .py files in ${path}`);
  const declarations = await readDeclarations(files, shownPath);
  const found = await findPython(options.python);
  if (!('python' in found)) throw new UserError(`--dialect sqlite needs the models imported, and ${found.reason}`);
  let compiled: CompiledModels;
  try {
    compiled = await compileModels(found.python, path, 'sqlite');
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n').slice(-3).join(' ').trim() : String(error);
    throw new UserError(`--dialect sqlite needs the models imported, and ${found.python} could not import them (${message})`);
  }
  if (compiled.failures.length > 0 || compiled.metadata === 0) {
    const why = compiled.failures.map((f) => `${f.module}: ${f.error}`).join('; ') || 'no SQLAlchemy MetaData found';
    throw new UserError(`--dialect sqlite needs every model imported (${why}): the static reader writes PostgreSQL DDL only`);
  }
  const db = new Database(':memory:');
  try {
    for (const statement of compiled.statements) db.exec(statement);
  } catch (error) {
    db.close();
    throw new UserError(
      `the SQLite DDL SQLAlchemy compiled for ${path} does not load: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const notes = [
    `models read by importing them with ${found.python} (SQLAlchemy ${compiled.sqlalchemy}) and compiling their SQLite DDL`,
    ...declarations.unresolved,
  ];
  return {
    dialect: 'sqlite',
    info: { kind: 'models', name: path },
    readModel: () => {
      const located = withDeclarationLocations(introspectSqlite(db, { name: path }), declarations);
      return Promise.resolve({ ...located, limitations: [...located.limitations, ...notes] });
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
