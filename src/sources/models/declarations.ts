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
import {
  callName,
  children,
  keywordArguments,
  firstSyntaxError,
  locationOf,
  positionalArguments,
  resolvedString,
  stringValue,
  type Span,
} from './python-syntax.js';

/** A column as a model declares it. */
export interface ColumnDeclaration {
  readonly name: string;
  /** The type as written (`String(255)`, `Integer`, `Mapped[int]`), or null. */
  readonly type: string | null;
  readonly index: boolean;
  readonly unique: boolean;
  readonly primaryKey: boolean;
  readonly nullable: boolean | null;
  /** `ForeignKey('users.id')`: the referenced `table.column`. */
  readonly references: string | null;
  readonly location: SourceLocation;
  /** The `index=True` keyword argument, for a patch that removes it. */
  readonly indexArgument: Span | null;
  /** The whole `Column(...)` / `mapped_column(...)` call, for a patch that adds an argument. */
  readonly call: Span | null;
}

/** An `Index`, `UniqueConstraint`, `PrimaryKeyConstraint` or `ForeignKeyConstraint` entry. */
export interface TableItemDeclaration {
  readonly kind: 'index' | 'unique' | 'primary-key' | 'foreign-key';
  readonly name: string | null;
  /** Column names; an expression key (`func.lower(...)`) as null. */
  readonly columns: readonly (string | null)[];
  readonly unique: boolean;
  /** Foreign keys: the referenced `table.column`s. */
  readonly references: readonly string[];
  readonly location: SourceLocation;
  /** The entry itself with its trailing comma, for a patch that removes it. */
  readonly entry: Span;
  /** A module-level `Index('ix', User.email)`: the class its columns belong to. */
  readonly owner: string | null;
}

/**
 * Where a new `Index(...)` entry goes in a table's declaration: at the start of a
 * `__table_args__` tuple, around a `__table_args__` dict, as a new `__table_args__` line after
 * `__tablename__`, or as a last argument of `Table(...)`. Offsets index the file's text.
 */
interface IndexInsertion {
  readonly file: string;
  readonly kind: 'tuple' | 'dict' | 'class-body' | 'table-call';
  /** Where the text goes (for `dict`: the dict's span, which the new tuple wraps). */
  readonly at: number;
  readonly end: number;
  /** The indentation of the entries (or of the class body). */
  readonly indent: string;
  /** Whether the entries are on lines of their own. */
  readonly multiline: boolean;
  /** `Table(...)`: whether the last argument already has a comma after it. */
  readonly trailingComma: boolean;
}

/** A table as the models declare it. */
export interface TableDeclaration {
  readonly name: string;
  readonly schema: string | null;
  /** The class (or `Table(...)` call). */
  readonly location: SourceLocation;
  readonly columns: readonly ColumnDeclaration[];
  readonly items: readonly TableItemDeclaration[];
  /** Where an index entry can be added; null when the declaration's shape is not one of those. */
  readonly insertion: IndexInsertion | null;
}

/** What the static reader found in a set of files. */
export interface ModelDeclarations {
  readonly tables: readonly TableDeclaration[];
  /** `Index(...)` calls outside any table (`Index('ix', User.email)` at module level). */
  readonly looseIndexes: readonly TableItemDeclaration[];
  /** `MetaData(naming_convention={...})` templates by key (`ix`, `uq`, `fk`, `pk`, `ck`). */
  readonly namingConvention: ReadonlyMap<string, string>;
  /** What could not be read: syntax errors, columns of unknown helpers. */
  readonly unresolved: readonly string[];
  /** The first syntax error of each file that has one: the rest of that file is read as far as it parsed. */
  readonly syntaxErrors: readonly SourceLocation[];
}

const COLUMN_CALLS = new Set(['Column', 'mapped_column']);
/** Mapped attributes that are not columns of the table (SQL expressions, relationships). */
const NOT_COLUMNS = new Set(['column_property', 'query_expression', 'deferred', 'synonym', 'composite', 'relationship']);
const ITEM_KINDS: Readonly<Record<string, TableItemDeclaration['kind']>> = {
  Index: 'index',
  UniqueConstraint: 'unique',
  PrimaryKeyConstraint: 'primary-key',
  ForeignKeyConstraint: 'foreign-key',
};

interface ClassInfo {
  readonly name: string;
  readonly bases: readonly string[];
  readonly tableName: string | null;
  readonly schema: string | null;
  readonly location: SourceLocation;
  readonly columns: ColumnDeclaration[];
  readonly items: TableItemDeclaration[];
  readonly insertion: IndexInsertion | null;
}

/** The whitespace that starts the line `index` is on. */
function indentAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? '';
}

/** Where an index entry goes into `__table_args__ = <value>`. */
function tableArgsInsertion(value: SyntaxNode, context: FileContext): IndexInsertion | null {
  const base = { file: context.file, trailingComma: false };
  if (value.type === 'dictionary') {
    return { ...base, kind: 'dict', at: value.startIndex, end: value.endIndex, indent: '', multiline: false };
  }
  if (value.type !== 'tuple') return null;
  const first = children(value)[0];
  const multiline = first !== undefined && first.startPosition.row > value.startPosition.row;
  return {
    ...base,
    kind: 'tuple',
    at: value.startIndex + 1,
    end: value.startIndex + 1,
    indent: first ? indentAt(context.text, first.startIndex) : '',
    multiline,
  };
}

/** A file being read: its path as shown, its text, and the helpers that return a column. */
interface FileContext {
  readonly file: string;
  readonly text: string;
  readonly helpers: ReadonlyMap<string, SyntaxNode>;
  readonly unresolved: string[];
  /** String constants the module assigns at its top level, for the f-strings that name indexes. */
  readonly constants: ReadonlyMap<string, string>;
}

/** `NAME = "text"` at a module's or class body's top level, in order: the names an f-string there can read. */
function stringAssignment(statement: SyntaxNode): { name: string; value: string } | null {
  const assignment = statement.type === 'expression_statement' ? children(statement)[0] : undefined;
  if (assignment?.type !== 'assignment') return null;
  const left = assignment.childForFieldName('left');
  const value = stringValue(assignment.childForFieldName('right'));
  return left?.type === 'identifier' && value !== null ? { name: left.text, value } : null;
}

function moduleConstants(root: SyntaxNode): Map<string, string> {
  const constants = new Map<string, string>();
  for (const statement of children(root)) {
    const constant = stringAssignment(statement);
    if (constant) constants.set(constant.name, constant.value);
  }
  return constants;
}

function isTrue(node: SyntaxNode | undefined): boolean {
  return node?.type === 'true';
}

/** The column a `Column(...)`/`mapped_column(...)` call declares, named `name` unless its first argument names it. */
function columnFrom(
  call: SyntaxNode,
  name: string | null,
  annotation: string | null,
  at: SyntaxNode,
  context: FileContext,
): ColumnDeclaration | null {
  const positional = positionalArguments(call);
  const keywords = keywordArguments(call);
  let rest = positional;
  const named = positional[0] ? stringValue(positional[0]) : null;
  if (named !== null) rest = positional.slice(1);
  const columnName = named ?? keywords.get('name')?.value ?? name ?? null;
  if (columnName === null || typeof columnName !== 'string') return null;
  const typeNode = rest.find((a) => a.type !== 'call' || callName(a) !== 'ForeignKey');
  const foreignKey = rest.find((a) => a.type === 'call' && callName(a) === 'ForeignKey');
  const referenced = foreignKey ? positionalArguments(foreignKey)[0] : undefined;
  const nullable = keywords.get('nullable');
  return {
    name: columnName,
    type: typeNode ? typeNode.text : annotation,
    index: isTrue(keywords.get('index')?.node),
    unique: isTrue(keywords.get('unique')?.node),
    primaryKey: isTrue(keywords.get('primary_key')?.node),
    nullable: nullable ? isTrue(nullable.node) : null,
    references: referenced ? stringValue(referenced) : null,
    location: locationOf(context.file, at),
    indexArgument: keywords.get('index')?.span ?? null,
    call: { start: call.startIndex, end: call.endIndex },
  };
}

/** `column_property(Column(...), ...)`, `deferred(Column(...))`: the column they wrap. */
function wrappedColumn(call: SyntaxNode): SyntaxNode | null {
  if (!NOT_COLUMNS.has(callName(call) ?? '')) return null;
  const first = positionalArguments(call)[0];
  return first?.type === 'call' && COLUMN_CALLS.has(callName(first) ?? '') ? first : null;
}

/** The call a helper function returns (`def created_at(): return Column(DateTime, index=True)`). */
function helperCall(call: SyntaxNode, context: FileContext): SyntaxNode | null {
  const name = callName(call);
  return name !== null ? (context.helpers.get(name) ?? null) : null;
}

function itemFrom(
  node: SyntaxNode,
  context: FileContext,
  names: ReadonlyMap<string, string> = context.constants,
): TableItemDeclaration | null {
  if (node.type !== 'call') return null;
  const kind = ITEM_KINDS[callName(node) ?? ''];
  if (kind === undefined) return null;
  const positional = positionalArguments(node);
  const keywords = keywordArguments(node);
  const values = positional.map(
    (a) => resolvedString(a, names) ?? (a.type === 'attribute' ? (a.childForFieldName('attribute')?.text ?? null) : null),
  );
  let name: string | null = null;
  let columns: (string | null)[] = values;
  if (kind === 'index') {
    name = values[0] ?? null;
    columns = values.slice(1);
    if (name === null && positional[0] !== undefined)
      // Never a silent guess: a fix would name an index that does not exist.
      context.unresolved.push(
        `${context.file}:${node.startPosition.row + 1}: the index name ${positional[0].text.slice(0, 80)} is computed: read without running the models, that index takes the name SQLAlchemy's convention gives an unnamed one, and a finding on it may lack its location`,
      );
  }
  if (kind === 'foreign-key') columns = positional[0]?.type === 'list' ? children(positional[0]).map((c) => stringValue(c)) : [];
  const references =
    kind === 'foreign-key' && positional[1]?.type === 'list' ? children(positional[1]).map((c) => stringValue(c) ?? '') : [];
  const named = keywords.get('name')?.value;
  // The entry with the comma after it, so that removing it leaves a well-formed tuple.
  const next = node.nextSibling;
  const end = next?.type === ',' ? next.endIndex : node.endIndex;
  return {
    kind,
    name: typeof named === 'string' ? named : name,
    columns,
    unique: kind === 'unique' || kind === 'primary-key' || isTrue(keywords.get('unique')?.node),
    references,
    location: locationOf(context.file, node),
    entry: { start: node.startIndex, end },
    owner: positional.find((a) => a.type === 'attribute')?.childForFieldName('object')?.text ?? null,
  };
}

/** `__table_args__`: a tuple of items (maybe ending with a dict), or a dict alone. */
function tableArgs(
  value: SyntaxNode,
  context: FileContext,
  names: ReadonlyMap<string, string>,
): { items: TableItemDeclaration[]; schema: string | null } {
  const items: TableItemDeclaration[] = [];
  let schema: string | null = null;
  const entries = value.type === 'tuple' || value.type === 'list' || value.type === 'parenthesized_expression' ? children(value) : [value];
  for (const entry of entries) {
    if (entry.type === 'dictionary') {
      for (const pair of children(entry)) {
        if (pair.type === 'pair' && stringValue(pair.childForFieldName('key')) === 'schema')
          schema = stringValue(pair.childForFieldName('value'));
      }
      continue;
    }
    const item = itemFrom(entry, context, names);
    if (item) items.push(item);
  }
  return { items, schema };
}

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
      const annotation = assignment.childForFieldName('type')?.text ?? null;
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

/**
 * `due_at: Mapped[datetime | None]` with nothing assigned: SQLAlchemy 2.0's declarative mapping
 * makes that a column of the annotated type (nullable when the annotation allows None).
 */
function annotatedColumn(assignment: SyntaxNode, left: SyntaxNode, context: FileContext): ColumnDeclaration | null {
  const annotation = assignment.childForFieldName('type')?.text ?? null;
  if (annotation === null || !/^(\w+\.)?Mapped\[/.test(annotation) || left.text.startsWith('__')) return null;
  return {
    name: left.text,
    type: annotation,
    index: false,
    unique: false,
    primaryKey: false,
    nullable: /\bOptional\[|\|\s*None\b|\bNone\s*\|/.test(annotation) ? true : null,
    references: null,
    location: locationOf(context.file, left),
    indexArgument: null,
    call: null,
  };
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
