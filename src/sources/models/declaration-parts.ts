/**
 * The pieces of a model file the static reader reads: a column call, an item of `__table_args__`
 * or `Table(...)` (Index, UniqueConstraint, …), the string constants f-strings read, and where a
 * new `Index(...)` would go.
 */
import type { SyntaxNode } from '../syntax/tree-sitter.js';
import type { ColumnDeclaration, FileContext, IndexInsertion, TableItemDeclaration } from './declaration-types.js';
import { callName, children, keywordArguments, locationOf, positionalArguments, resolvedString, stringValue } from './python-syntax.js';

export const COLUMN_CALLS = new Set(['Column', 'mapped_column']);
/** Mapped attributes that are not columns of the table (SQL expressions, relationships). */
export const NOT_COLUMNS = new Set(['column_property', 'query_expression', 'deferred', 'synonym', 'composite', 'relationship']);
const ITEM_KINDS: Readonly<Record<string, TableItemDeclaration['kind']>> = {
  Index: 'index',
  UniqueConstraint: 'unique',
  PrimaryKeyConstraint: 'primary-key',
  ForeignKeyConstraint: 'foreign-key',
};

export function indentAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? '';
}

/** Where an index entry goes into `__table_args__ = <value>`. */
export function tableArgsInsertion(value: SyntaxNode, context: FileContext): IndexInsertion | null {
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

/** `NAME = "text"` at a module's or class body's top level, in order: the names an f-string there can read. */
export function stringAssignment(statement: SyntaxNode): { name: string; value: string } | null {
  const assignment = statement.type === 'expression_statement' ? children(statement)[0] : undefined;
  if (assignment?.type !== 'assignment') return null;
  const left = assignment.childForFieldName('left');
  const value = stringValue(assignment.childForFieldName('right'));
  return left?.type === 'identifier' && value !== null ? { name: left.text, value } : null;
}

export function moduleConstants(root: SyntaxNode): Map<string, string> {
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
export function columnFrom(
  call: SyntaxNode,
  name: string | null,
  annotation: SyntaxNode | null,
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
  const primaryKey = isTrue(keywords.get('primary_key')?.node);
  return {
    name: columnName,
    type: typeNode ? typeNode.text : (annotation?.text ?? null),
    index: isTrue(keywords.get('index')?.node),
    unique: isTrue(keywords.get('unique')?.node),
    primaryKey,
    nullable: nullable
      ? isTrue(nullable.node)
      : // mapped_column (2.0) takes NOT NULL from a `Mapped[...]` that does not allow None; Column ignores the annotation.
        callName(call) === 'mapped_column' && !primaryKey && annotation !== null
        ? mappedAllowsNone(annotation)
        : null,
    references: referenced ? stringValue(referenced) : null,
    location: locationOf(context.file, at),
    indexArgument: keywords.get('index')?.span ?? null,
    call: { start: call.startIndex, end: call.endIndex },
  };
}

/** `column_property(Column(...), ...)`, `deferred(Column(...))`: the column they wrap. */
export function wrappedColumn(call: SyntaxNode): SyntaxNode | null {
  if (!NOT_COLUMNS.has(callName(call) ?? '')) return null;
  const first = positionalArguments(call)[0];
  return first?.type === 'call' && COLUMN_CALLS.has(callName(first) ?? '') ? first : null;
}

/** The call a helper function returns (`def created_at(): return Column(DateTime, index=True)`). */
export function helperCall(call: SyntaxNode, context: FileContext): SyntaxNode | null {
  const name = callName(call);
  return name !== null ? (context.helpers.get(name) ?? null) : null;
}

export function itemFrom(
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
export function tableArgs(
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

/**
 * `due_at: Mapped[datetime | None]` with nothing assigned: SQLAlchemy 2.0's declarative mapping
 * makes that a column of the annotated type (nullable when the annotation allows None).
 */
export function annotatedColumn(assignment: SyntaxNode, left: SyntaxNode, context: FileContext): ColumnDeclaration | null {
  const annotation = assignment.childForFieldName('type');
  if (annotation === null || mappedType(annotation) === null || left.text.startsWith('__')) return null;
  return {
    name: left.text,
    type: annotation.text,
    index: false,
    unique: false,
    primaryKey: false,
    nullable: mappedAllowsNone(annotation),
    references: null,
    location: locationOf(context.file, left),
    indexArgument: null,
    call: null,
  };
}

/** A generic's name (last dotted part) and its type arguments: `Mapped[int]`, `so.Mapped[int]`, `typing.Optional[X]`. */
function generic(node: SyntaxNode): { name: string; args: SyntaxNode[] } | null {
  const inner = node.type === 'type' ? node.namedChildren[0] : node;
  if (!inner) return null;
  if (inner.type === 'generic_type') {
    const [head, parameters] = inner.namedChildren;
    if (!head || parameters?.type !== 'type_parameter') return null;
    return { name: head.text.split('.').pop() ?? '', args: parameters.namedChildren.filter((c): c is SyntaxNode => c !== null) };
  }
  if (inner.type === 'subscript') {
    const value = inner.childForFieldName('value');
    if (!value) return null;
    const args = inner.childrenForFieldName('subscript').filter((c): c is SyntaxNode => c !== null);
    return { name: value.text.split('.').pop() ?? '', args };
  }
  return null;
}

/** The type inside `Mapped[...]`, or null when the annotation is not `Mapped[...]`. */
function mappedType(annotation: SyntaxNode): SyntaxNode | null {
  const mapped = generic(annotation);
  return mapped?.name === 'Mapped' && mapped.args.length === 1 ? (mapped.args[0] ?? null) : null;
}

/** Whether a type allows None (`Optional[X]`, `X | None`, `Union[X, None]`); null when it cannot be told (a string annotation). */
function allowsNone(node: SyntaxNode): boolean | null {
  const inner = node.type === 'type' ? node.namedChildren[0] : node;
  if (!inner) return null;
  if (inner.type === 'none') return true;
  if (inner.type === 'string') return null;
  if (inner.type === 'binary_operator' && inner.childForFieldName('operator')?.text === '|') {
    const sides = [inner.childForFieldName('left'), inner.childForFieldName('right')].map((s) => (s ? allowsNone(s) : null));
    return sides.includes(true) ? true : sides.includes(null) ? null : false;
  }
  const typed = generic(inner);
  if (typed?.name === 'Optional') return true;
  if (typed?.name === 'Union') {
    const members = typed.args.map(allowsNone);
    return members.includes(true) ? true : members.includes(null) ? null : false;
  }
  return false;
}

/**
 * Whether SQLAlchemy 2.0 makes the column of a `Mapped[...]` annotation nullable: yes when the type
 * allows None, NOT NULL otherwise; null when the annotation is not `Mapped[...]` or cannot be read.
 */
function mappedAllowsNone(annotation: SyntaxNode): boolean | null {
  const type = mappedType(annotation);
  return type === null ? null : allowsNone(type);
}
