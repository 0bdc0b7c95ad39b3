/**
 * Where an application's SQLAlchemy models declare their tables, columns, indexes and
 * constraints, read with a real Python parser (tree-sitter-python): declarative classes with
 * `__tablename__`, mixins and helper functions that return columns, `Column(...)` and
 * `mapped_column(...)` with `index=True` / `unique=True` / `primary_key=True` / `ForeignKey`,
 * `__table_args__` (tuple, dict, or both), `Table(...)`, `Index(...)`, `UniqueConstraint`,
 * `PrimaryKeyConstraint`, `ForeignKeyConstraint`, and `MetaData(naming_convention=...)`.
 * Nothing is imported or run. What cannot be resolved statically is listed, never guessed.
 */
import { readFile } from 'node:fs/promises';
import type { SourceLocation } from '../../model/types.js';
import { parseSource, type SyntaxNode } from '../syntax/tree-sitter.js';
import type {
  ClassInfo,
  ColumnDeclaration,
  FileContext,
  IndexInsertion,
  ModelDeclarations,
  TableDeclaration,
  TableItemDeclaration,
} from './declaration-types.js';
import {
  COLUMN_CALLS,
  NOT_COLUMNS,
  annotatedColumn,
  columnFrom,
  helperCall,
  indentAt,
  itemFrom,
  moduleConstants,
  stringAssignment,
  tableArgs,
  tableArgsInsertion,
  wrappedColumn,
} from './declaration-parts.js';
import { callName, children, firstSyntaxError, keywordArguments, locationOf, positionalArguments, stringValue } from './python-syntax.js';

export type { ColumnDeclaration, ModelDeclarations, TableDeclaration, TableItemDeclaration } from './declaration-types.js';

function classInfo(node: SyntaxNode, context: FileContext): ClassInfo {
  const name = node.childForFieldName('name')?.text ?? '';
  const bases = children(node.childForFieldName('superclasses')).map((b) => b.text.split('.').pop() ?? b.text);
  const info: ClassInfo = {
    name,
    bases,
    tableName: null,
    schema: null,
    location: locationOf(context.file, node),
    columns: [],
    items: [],
    insertion: null,
  };
  let tableName: string | null = null;
  let schema: string | null = null;
  let insertion: IndexInsertion | null = null;
  let argsSeen = false;
  // The names an f-string in the class body reads: the module's constants, then the body's own so far.
  const names = new Map(context.constants);
  for (const statement of children(node.childForFieldName('body'))) {
    const constant = stringAssignment(statement);
    if (constant) names.set(constant.name, constant.value);
    if (statement.type === 'decorated_definition') {
      // `@declared_attr def account_id(cls): return Column(...)`: a column the mixin gives each table.
      const column = declaredAttrColumn(statement, context);
      if (column) info.columns.push(column);
      continue;
    }
    const assignment = statement.type === 'expression_statement' ? children(statement)[0] : undefined;
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    const bare = !right && left?.type === 'identifier' ? annotatedColumn(assignment, left, context) : null;
    if (bare) info.columns.push(bare);
    if (!left || !right || left.type !== 'identifier') continue;
    if (left.text === '__tablename__') {
      tableName = stringValue(right);
      const at = statement.endIndex;
      if (!argsSeen)
        insertion = {
          file: context.file,
          kind: 'class-body',
          at,
          end: at,
          indent: indentAt(context.text, statement.startIndex),
          multiline: true,
          trailingComma: false,
        };
    } else if (left.text === '__table_args__') {
      argsSeen = true;
      insertion = tableArgsInsertion(right, context);
      const args = tableArgs(right, context, names);
      info.items.push(...args.items);
      schema = args.schema;
    } else if (right.type === 'call') {
      const annotation = assignment.childForFieldName('type');
      const direct = COLUMN_CALLS.has(callName(right) ?? '') ? right : (wrappedColumn(right) ?? helperCall(right, context));
      if (direct) {
        const column = columnFrom(direct, left.text, annotation, left, context);
        if (column)
          info.columns.push(direct === right || direct.parent?.parent === right ? column : { ...column, indexArgument: null, call: null });
      } else if (/^\w*_column$|^column$/i.test(callName(right) ?? '') && !NOT_COLUMNS.has(callName(right) ?? '')) {
        context.unresolved.push(
          `${context.file}:${left.startPosition.row + 1}: ${left.text} = ${callName(right) ?? '?'}(...) could not be resolved to a column`,
        );
      }
    }
  }
  return { ...info, tableName, schema, insertion };
}

/** The column a `@declared_attr` method returns, located at the method's name; null for any other method. */
function declaredAttrColumn(statement: SyntaxNode, context: FileContext): ColumnDeclaration | null {
  if (!children(statement).some((c) => c.type === 'decorator' && /\bdeclared_attr\b/.test(c.text))) return null;
  const definition = statement.childForFieldName('definition');
  const name = definition?.childForFieldName('name');
  const body = definition?.childForFieldName('body');
  if (!name || !body) return null;
  const returned = descendants(body, 'return_statement')[0];
  const value = returned ? children(returned)[0] : undefined;
  if (value?.type !== 'call') return null;
  const call = COLUMN_CALLS.has(callName(value) ?? '') ? value : (wrappedColumn(value) ?? helperCall(value, context));
  if (!call) return null;
  const column = columnFrom(call, name.text, null, name, context);
  return column && call === value ? column : column ? { ...column, indexArgument: null, call: null } : null;
}

/** `Table('name', metadata, Column('id', ...), Index(...))` at any level. */
function tableCall(node: SyntaxNode, context: FileContext): TableDeclaration | null {
  const args = positionalArguments(node);
  const name = args[0] ? stringValue(args[0]) : null;
  if (name === null) return null;
  const columns: ColumnDeclaration[] = [];
  const items: TableItemDeclaration[] = [];
  for (const arg of args.slice(1)) {
    if (arg.type !== 'call') continue;
    if (COLUMN_CALLS.has(callName(arg) ?? '')) {
      const column = columnFrom(arg, null, null, arg, context);
      if (column) columns.push(column);
    } else {
      const item = itemFrom(arg, context);
      if (item) items.push(item);
    }
  }
  const schema = keywordArguments(node).get('schema')?.value;
  const last = children(node.childForFieldName('arguments')).at(-1)!;
  const trailingComma = last.nextSibling?.type === ',';
  const insertion: IndexInsertion = {
    file: context.file,
    kind: 'table-call',
    at: trailingComma ? last.nextSibling.endIndex : last.endIndex,
    end: trailingComma ? last.nextSibling.endIndex : last.endIndex,
    indent: indentAt(context.text, last.startIndex),
    multiline: last.startPosition.row > node.startPosition.row,
    trailingComma,
  };
  return { name, schema: typeof schema === 'string' ? schema : null, location: locationOf(context.file, node), columns, items, insertion };
}

/** The dict literal a module-level `name = {...}` assigns, if any. */
function moduleDictionary(root: SyntaxNode, name: string): SyntaxNode | undefined {
  for (const statement of children(root)) {
    const assignment = statement.type === 'expression_statement' ? children(statement)[0] : undefined;
    if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.text !== name) continue;
    const right = assignment.childForFieldName('right');
    if (right?.type === 'dictionary') return right;
  }
  return undefined;
}

function descendants(node: SyntaxNode, type: string): SyntaxNode[] {
  return node.descendantsOfType(type).filter((n): n is SyntaxNode => n !== null);
}

/** A call that is a statement of its own (`Index('ix', User.email)`) or assigned at module level. */
function isStatementLevel(call: SyntaxNode): boolean {
  const parent = call.parent;
  if (parent?.type === 'expression_statement') return true;
  return parent?.type === 'assignment' && parent.parent?.parent?.type === 'module';
}

/** Module-level functions whose return value is a column call: `def created_at(): return Column(...)`. */
function columnHelpers(root: SyntaxNode): Map<string, SyntaxNode> {
  const helpers = new Map<string, SyntaxNode>();
  for (const fn of descendants(root, 'function_definition')) {
    const name = fn.childForFieldName('name')?.text;
    const returned = descendants(fn, 'return_statement')[0]?.namedChildren[0];
    if (name && returned?.type === 'call' && COLUMN_CALLS.has(callName(returned) ?? '')) helpers.set(name, returned);
  }
  return helpers;
}

/**
 * The table a class maps: its `__tablename__`, or for a Flask-SQLAlchemy `db.Model` subclass with
 * a primary key and no `__tablename__`, the snake_case class name Flask-SQLAlchemy gives it.
 */
function tableNameOf(info: ClassInfo): string | null {
  if (info.tableName !== null) return info.tableName;
  if (!info.bases.includes('Model') || !info.columns.some((c) => c.primaryKey)) return null;
  return info.name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** Reads the declarations of every file; `shown(file)` is the path reports use. */
export async function readDeclarations(files: readonly string[], shown: (file: string) => string): Promise<ModelDeclarations> {
  const classes = new Map<string, ClassInfo>();
  const tables: TableDeclaration[] = [];
  const looseIndexes: TableItemDeclaration[] = [];
  const namingConvention = new Map<string, string>();
  const unresolved: string[] = [];
  const syntaxErrors: SourceLocation[] = [];
  // Helpers that return a column are often imported from another module: collect them from every file first.
  const parsed: { path: string; text: string; root: SyntaxNode }[] = [];
  const helpers = new Map<string, SyntaxNode>();
  for (const path of files) {
    const text = await readFile(path, 'utf8');
    const root = (await parseSource(text, 'python')).rootNode;
    parsed.push({ path, text, root });
    for (const [name, call] of columnHelpers(root)) helpers.set(name, call);
  }
  for (const { path, text, root } of parsed) {
    const context: FileContext = { file: shown(path), text, helpers, unresolved, constants: moduleConstants(root) };
    const error = firstSyntaxError(root);
    if (error !== null) {
      syntaxErrors.push({ file: context.file, ...error });
      unresolved.push(`${context.file}:${error.line}: Python syntax error; only what parsed is read`);
    }
    for (const node of descendants(root, 'class_definition')) {
      const info = classInfo(node, context);
      classes.set(info.name, info);
    }
    for (const call of descendants(root, 'call')) {
      const name = callName(call);
      if (name === 'Table') {
        const table = tableCall(call, context);
        if (table) tables.push(table);
      } else if (name === 'Index' && isStatementLevel(call)) {
        const item = itemFrom(call, context);
        if (item) looseIndexes.push(item);
      } else if (name === 'MetaData') {
        const given = keywordArguments(call).get('naming_convention')?.node;
        // `convention = {...}; MetaData(naming_convention=convention)`: the module's dict literal.
        const convention = given?.type === 'identifier' ? moduleDictionary(root, given.text) : given;
        if (given && convention?.type !== 'dictionary')
          unresolved.push(
            `${context.file}:${given.startPosition.row + 1}: naming_convention is not a dict literal: SQLAlchemy's default names are assumed`,
          );
        for (const pair of convention?.type === 'dictionary' ? children(convention) : []) {
          const key = stringValue(pair.childForFieldName('key'));
          const value = stringValue(pair.childForFieldName('value'));
          if (key !== null && value !== null) namingConvention.set(key, value);
        }
      }
    }
  }
  // A class with a table gets the columns and items of the mixins it inherits from. A mapped
  // parent (one with a table of its own) is not a mixin: its columns stay in its table (joined
  // inheritance), and a subclass that declares no columns shares its parent's table.
  const inherited = (info: ClassInfo, seen: Set<string>): { columns: ColumnDeclaration[]; items: TableItemDeclaration[] } => {
    const columns: ColumnDeclaration[] = [];
    const items: TableItemDeclaration[] = [];
    for (const base of info.bases) {
      const parent = classes.get(base);
      if (!parent || seen.has(base) || tableNameOf(parent) !== null) continue;
      seen.add(base);
      const up = inherited(parent, seen);
      columns.push(...up.columns, ...parent.columns);
      items.push(...up.items);
    }
    return { columns, items };
  };
  const attached = new Set<TableItemDeclaration>();
  const mapped = (info: ClassInfo): boolean => info.bases.some((b) => classes.has(b) && tableNameOf(classes.get(b)!) !== null);
  for (const info of classes.values()) {
    const tableName = tableNameOf(info);
    if (tableName === null || (mapped(info) && info.columns.length === 0)) continue;
    const up = inherited(info, new Set([info.name]));
    const own = new Set(info.columns.map((c) => c.name));
    const loose = looseIndexes.filter((i) => i.owner === info.name);
    for (const i of loose) attached.add(i);
    tables.push({
      name: tableName,
      schema: info.schema,
      location: info.location,
      columns: [...up.columns.filter((c) => !own.has(c.name)), ...info.columns],
      items: [...up.items, ...info.items, ...loose],
      insertion: info.insertion,
    });
  }
  return { tables, looseIndexes: looseIndexes.filter((i) => !attached.has(i)), namingConvention, unresolved, syntaxErrors };
}
