/** Small readers over tree-sitter-python nodes: call names, arguments, string literals, positions. */
import type { SourceLocation } from '../../model/types.js';
import type { SyntaxNode } from '../syntax/tree-sitter.js';

/** A range of the source, in UTF-16 code units as tree-sitter reports them for a JavaScript string. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** The called name, without its module (`sa.Column` → `Column`), or null for other callees. */
export function callName(call: SyntaxNode): string | null {
  const fn = call.childForFieldName('function');
  if (!fn) return null;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text ?? null;
  return null;
}

/** A node's named children, without comments. */
export function children(node: SyntaxNode | null | undefined): SyntaxNode[] {
  return (node?.namedChildren ?? []).filter((n): n is SyntaxNode => n !== null && n.type !== 'comment');
}

function argumentNodes(call: SyntaxNode): SyntaxNode[] {
  return children(call.childForFieldName('arguments'));
}

/** The positional arguments of a call. */
export function positionalArguments(call: SyntaxNode): SyntaxNode[] {
  return argumentNodes(call).filter((a) => a.type !== 'keyword_argument' && a.type !== 'dictionary_splat' && a.type !== 'list_splat');
}

/** A keyword argument: its value node, the value when it is a string, and the span to remove it by (with its comma). */
export interface KeywordArgument {
  readonly node: SyntaxNode;
  readonly value: string | null;
  readonly span: Span;
}

/** The keyword arguments of a call, by name. */
export function keywordArguments(call: SyntaxNode): Map<string, KeywordArgument> {
  const out = new Map<string, KeywordArgument>();
  for (const argument of argumentNodes(call)) {
    if (argument.type !== 'keyword_argument') continue;
    const name = argument.childForFieldName('name')?.text;
    const value = argument.childForFieldName('value');
    if (!name || !value) continue;
    // Remove ", index=True" (the comma before it), or "index=True, " when it comes first.
    const before = argument.previousSibling;
    const after = argument.nextSibling;
    const span =
      before?.type === ','
        ? { start: before.startIndex, end: argument.endIndex }
        : after?.type === ','
          ? { start: argument.startIndex, end: after.endIndex }
          : { start: argument.startIndex, end: argument.endIndex };
    out.set(name, { node: value, value: stringValue(value), span });
  }
  return out;
}

/** The value of a plain string literal (no f-string interpolation), or null. */
export function stringValue(node: SyntaxNode | null | undefined): string | null {
  if (!node || node.type !== 'string') return null;
  const parts = children(node);
  if (parts.some((c) => c.type === 'interpolation')) return null;
  const content = parts.filter((c) => c.type === 'string_content');
  return content.map((c) => c.text).join('');
}

/**
 * A string literal's value where the static reader can know it: a plain string, or an f-string
 * whose every interpolation is a bare name with a known string value (`f"ix_{__tablename__}_a"`,
 * as class bodies write index names). Null for anything else: a format spec, a call, an unknown name.
 */
export function resolvedString(node: SyntaxNode | null | undefined, names: ReadonlyMap<string, string>): string | null {
  if (!node || node.type !== 'string') return null;
  let value = '';
  for (const part of children(node)) {
    if (part.type === 'string_content') value += part.text;
    else if (part.type === 'interpolation') {
      const inner = children(part);
      const known = inner.length === 1 && inner[0]!.type === 'identifier' ? names.get(inner[0]!.text) : undefined;
      if (known === undefined) return null;
      value += known;
    } else if (part.type !== 'string_start' && part.type !== 'string_end') return null;
  }
  return value;
}

/** Where a node starts, as a finding's location (1-based line and column). */
export function locationOf(file: string, node: SyntaxNode): SourceLocation {
  return { file, line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}

/**
 * Where a file's first syntax error starts (1-based), or null when it parsed cleanly: the first
 * ERROR or MISSING node in source order, which is where Python's own parser stops too for the
 * usual mistakes (an unclosed bracket, a missing colon).
 */
export function firstSyntaxError(root: SyntaxNode): { line: number; column: number } | null {
  if (!root.hasError) return null;
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const node = stack.shift()!;
    if (node.type === 'ERROR' || node.isMissing) return { line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
    // Depth first, in source order: the children before the node's later siblings.
    stack.unshift(...node.children.filter((c): c is SyntaxNode => c !== null && c.hasError));
  }
  return null;
}
