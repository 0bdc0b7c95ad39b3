/**
 * The same change as a migration, made in the SQLAlchemy models, so that the next
 * `alembic revision --autogenerate` does not put the dropped indexes back: a dropped index loses
 * its `Index(...)` entry or its column's `index=True`; a new index (an unindexed foreign key's)
 * becomes an `Index("name", "column")` entry with the name the migration gives it. The result is
 * a unified diff that `git apply` accepts (paths relative to the working directory), and
 * optionally the edited files themselves. What cannot be edited safely is listed, not guessed.
 */
import { readFile } from 'node:fs/promises';
import { createTwoFilesPatch } from 'diff';
import type { IndexSpec } from '../model/actions.js';
import type { Index, SourceLocation } from '../model/types.js';
import type { MigrationPlan } from '../plan/types.js';
import { readDeclarations, type ModelDeclarations, type TableDeclaration } from '../sources/models/declarations.js';
import { pythonFiles, shownPath } from '../sources/models/open.js';
import { parseSource } from '../sources/syntax/tree-sitter.js';

/** One replacement in a file's text. */
interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The models' side of a plan. */
export interface ModelsPatch {
  /** A unified diff of every edited file; empty when nothing changes. */
  readonly patch: string;
  /** The edited files' new text, by path (as in the diff). */
  readonly files: ReadonlyMap<string, string>;
  /** Steps whose declaration could not be edited, and why. */
  readonly notes: readonly string[];
}

const sameLocation = (a: SourceLocation | undefined, b: SourceLocation): boolean =>
  a !== undefined && a.file === b.file && a.line === b.line && a.column === b.column;

function pyString(value: string): string {
  return JSON.stringify(value);
}

/** Removes a span and, when that leaves its line blank, the whole line. */
function removal(text: string, start: number, end: number): Edit {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', end);
  const before = text.slice(lineStart, start);
  const after = text.slice(end, lineEnd < 0 ? text.length : lineEnd);
  if (before.trim() === '' && after.trim() === '') return { start: lineStart, end: lineEnd < 0 ? text.length : lineEnd + 1, text: '' };
  // `(Index("a"), Index("b"))`: drop the space after the removed entry too.
  return { start, end: after.startsWith(' ') && !before.endsWith('(') ? end : end + (after.match(/^ */)?.[0].length ?? 0), text: '' };
}

/** A location as a map key. */
const locationKey = (l: { file: string; line: number; column: number }): string => `${l.file}:${l.line}:${l.column}`;

function dropEdit(
  index: Index,
  declarations: ModelDeclarations,
  texts: ReadonlyMap<string, string>,
  dropsAt: ReadonlyMap<string, number>,
): { file: string; edit: Edit } | string {
  const location = index.location;
  if (!location) return `${index.name}: no model declares it`;
  const text = texts.get(location.file);
  if (text === undefined) return `${index.name}: ${location.file} is not among the model files`;
  for (const table of declarations.tables) {
    const item = [...table.items, ...declarations.looseIndexes].find((i) => sameLocation(i.location, location));
    if (item) {
      if (item.kind !== 'index')
        return `${index.name}: declared as ${item.kind} constraint at ${location.file}:${location.line}; remove it by hand`;
      return { file: location.file, edit: removal(text, item.entry.start, item.entry.end) };
    }
    const column = table.columns.find((c) => sameLocation(c.location, location));
    if (column) {
      // A mixin's index=True is every inheriting table's index: remove it only if the plan drops all of them.
      const sharers = declarations.tables.filter((t) => t.columns.some((c) => c.index && sameLocation(c.location, location)));
      if (sharers.length > (dropsAt.get(locationKey(location)) ?? 0))
        return `${index.name}: index=True at ${location.file}:${location.line} is inherited by ${sharers.map((t) => t.name).join(', ')}, and the others keep their index; change it by hand`;
      if (column.indexArgument === null)
        return `${index.name}: ${column.name} gets its index from a helper function at ${location.file}:${location.line}`;
      if (column.unique)
        return `${index.name}: index=True with unique=True at ${location.file}:${location.line}; removing index=True would add a unique constraint`;
      return { file: location.file, edit: { start: column.indexArgument.start, end: column.indexArgument.end, text: '' } };
    }
  }
  return `${index.name}: no Index(...) entry or index=True at ${location.file}:${location.line}`;
}

function entryText(spec: IndexSpec, prefix: string): string | null {
  const columns = spec.keys.map((k) =>
    k.kind === 'column' && !k.ordering?.descending && k.opclassIsDefault && k.collationIsDefault ? k.column : null,
  );
  if (columns.some((c) => c === null) || spec.predicate !== null || spec.method !== 'btree' || spec.include.length > 0) return null;
  return `${prefix}Index(${[spec.name, ...(columns as string[])].map(pyString).join(', ')}${spec.unique ? ', unique=True' : ''})`;
}

function createEdit(spec: IndexSpec, table: TableDeclaration, prefix: string, text: string): Edit | string {
  const entry = entryText(spec, prefix);
  if (entry === null) return `${spec.name}: an index with expressions, a predicate or another method; add it to the models by hand`;
  const at = table.insertion;
  if (!at) return `${spec.name}: ${table.name}'s __table_args__ is neither a tuple nor a dict; add the index by hand`;
  switch (at.kind) {
    case 'tuple':
      return { start: at.at, end: at.end, text: at.multiline ? `\n${at.indent}${entry},` : `${entry}, ` };
    case 'dict':
      return { start: at.at, end: at.end, text: `(${entry}, ${text.slice(at.at, at.end)})` };
    case 'class-body':
      return { start: at.at, end: at.end, text: `\n${at.indent}__table_args__ = (${entry},)` };
    case 'table-call':
      return {
        start: at.at,
        end: at.end,
        text: `${at.trailingComma ? '' : ','}${at.multiline ? `\n${at.indent}` : ' '}${entry}${at.trailingComma ? ',' : ''}`,
      };
  }
}

/** How the file names SQLAlchemy's Index, and the import to add when it does not. */
async function indexImport(text: string): Promise<{ prefix: string; edit: Edit | null }> {
  if (/^from\s+sqlalchemy\s+import\s+[^\n]*\bIndex\b/m.test(text) || /^from\s+sqlalchemy\s+import\s+\([^)]*\bIndex\b/m.test(text))
    return { prefix: '', edit: null };
  const alias = /^import\s+sqlalchemy\s+as\s+(\w+)/m.exec(text)?.[1];
  if (alias) return { prefix: `${alias}.`, edit: null };
  const root = (await parseSource(text, 'python')).rootNode;
  const imports = root.namedChildren.filter((n) => n?.type === 'import_statement' || n?.type === 'import_from_statement');
  const at = imports.at(-1)?.endIndex ?? 0;
  return { prefix: '', edit: { start: at, end: at, text: `${at === 0 ? '' : '\n'}from sqlalchemy import Index${at === 0 ? '\n' : ''}` } };
}

/** The patch for a plan made on SQLAlchemy models under `modelsPath`. */
export async function modelsPatch(plan: MigrationPlan, modelsPath: string): Promise<ModelsPatch> {
  const files = await pythonFiles(modelsPath);
  const declarations = await readDeclarations(files, shownPath);
  const texts = new Map<string, string>();
  for (const file of files) texts.set(shownPath(file), await readFile(file, 'utf8'));
  const edits = new Map<string, Edit[]>();
  const notes: string[] = [];
  const add = (file: string, edit: Edit): void => {
    const list = edits.get(file) ?? [];
    // Two tables' drops can remove the same mixin declaration: once.
    if (!list.some((e) => e.start === edit.start && e.end === edit.end && e.text === edit.text)) edits.set(file, [...list, edit]);
  };
  const dropsAt = new Map<string, number>();
  for (const step of plan.steps) {
    const location = step.action.kind === 'drop-index' || step.action.kind === 'drop-constraint' ? step.action.index.location : undefined;
    if (location) dropsAt.set(locationKey(location), (dropsAt.get(locationKey(location)) ?? 0) + 1);
  }
  for (const step of plan.steps) {
    const action = step.action;
    if (action.kind === 'drop-index' || action.kind === 'drop-constraint') {
      const edit = dropEdit(action.index, declarations, texts, dropsAt);
      if (typeof edit === 'string') notes.push(edit);
      else add(edit.file, edit.edit);
    } else if (action.kind === 'create-index') {
      const table = declarations.tables.find((t) => t.name === action.index.table);
      const text = table ? texts.get(table.location.file) : undefined;
      if (!table || text === undefined) {
        notes.push(`${action.index.name}: no model declares table ${action.index.table}`);
        continue;
      }
      const imported = await indexImport(text);
      const edit = createEdit(action.index, table, imported.prefix, text);
      if (typeof edit === 'string') notes.push(edit);
      else {
        add(table.location.file, edit);
        if (imported.edit && !(edits.get(table.location.file) ?? []).some((e) => e.text === imported.edit!.text))
          add(table.location.file, imported.edit);
      }
    } else {
      notes.push(`${step.summary}: not a change the models declare`);
    }
  }
  const changed = new Map<string, string>();
  let patch = '';
  for (const [file, list] of [...edits].sort(([a], [b]) => a.localeCompare(b))) {
    const before = texts.get(file)!;
    let after = before;
    for (const edit of [...list].sort((a, b) => b.start - a.start)) after = after.slice(0, edit.start) + edit.text + after.slice(edit.end);
    changed.set(file, after);
    patch += createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 3 })
      .split('\n')
      .filter((line) => !line.startsWith('==='))
      .map((line) => line.replace(/^(---|\+\+\+) (\S+)\t$/, '$1 $2'))
      .join('\n');
  }
  return { patch, files: changed, notes };
}
