/** What the static reader finds in SQLAlchemy model files (see declarations.ts). */
import type { SourceLocation } from '../../model/types.js';
import type { SyntaxNode } from '../syntax/tree-sitter.js';
import type { Span } from './python-syntax.js';

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
export interface IndexInsertion {
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

/** A declarative class as its body declares it. */
export interface ClassInfo {
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

/** A file being read: its path as shown, its text, and the helpers that return a column. */
export interface FileContext {
  readonly file: string;
  readonly text: string;
  readonly helpers: ReadonlyMap<string, SyntaxNode>;
  readonly unresolved: string[];
  /** String constants the module assigns at its top level, for the f-strings that name indexes. */
  readonly constants: ReadonlyMap<string, string>;
}
