/**
 * Scopes of a statement's query blocks: what each name in a FROM list means (a table
 * occurrence, a subquery or CTE with its output columns, or something opaque such as a set-
 * returning function), and how a column reference resolves through them.
 */
import type { Table } from '../model/types.js';
import { bodyOf, listOf, names, type AstBody } from './ast.js';
import type { QueryTableRef } from '../model/workload.js';

/** One appearance of a table in a statement (a self-join has two). */
export interface Occurrence {
  readonly id: number;
  readonly ref: QueryTableRef;
  /** The model table, when the reference resolved to one. */
  readonly table: Table | undefined;
}

/** A column reference resolved to a column of one table occurrence. */
export interface ResolvedColumn {
  readonly occurrence: Occurrence;
  readonly column: string;
}

/** An output column of a subquery or CTE: its name and, when it is a plain column, where it comes from. */
export interface OutputColumn {
  readonly name: string;
  readonly source: ResolvedColumn | null;
}

/** What a name in a FROM list stands for. */
export type RangeEntry =
  | { readonly kind: 'table'; readonly name: string; readonly schema: string | null; readonly occurrence: Occurrence }
  | { readonly kind: 'derived'; readonly name: string; readonly outputs: readonly OutputColumn[] }
  | { readonly kind: 'opaque'; readonly name: string };

/** Prefix of entry names dbdoctor makes up (for JOIN … USING); SQL cannot write them. */
export const HIDDEN = '\u0000';

/** The FROM entries of one query block, and the block it is nested in (for correlated references). */
export interface Scope {
  readonly entries: RangeEntry[];
  readonly parent: Scope | null;
}

function tableHasColumn(occurrence: Occurrence, column: string): boolean | null {
  if (!occurrence.table) return null;
  return occurrence.table.columns.some((c) => c.name === column);
}

function resolveInEntry(entry: RangeEntry, column: string): ResolvedColumn | null | undefined {
  // undefined: the entry has no such column; null: it has it, but it does not lead to a table column.
  if (entry.kind === 'table') {
    const has = tableHasColumn(entry.occurrence, column);
    if (has === false) return undefined;
    return { occurrence: entry.occurrence, column };
  }
  if (entry.kind === 'derived') {
    const output = entry.outputs.find((o) => o.name === column);
    return output === undefined ? undefined : output.source;
  }
  return null;
}

function qualifiedResolve(scope: Scope | null, qualifier: string[], column: string): ResolvedColumn | null {
  for (let s = scope; s; s = s.parent) {
    const entry = s.entries.find((e) =>
      qualifier.length === 1 ? e.name === qualifier[0] : e.kind === 'table' && e.schema === qualifier[0] && e.name === qualifier[1],
    );
    if (entry) return resolveInEntry(entry, column) ?? null;
  }
  return null;
}

function unqualifiedResolve(scope: Scope | null, column: string): ResolvedColumn | null {
  for (let s = scope; s; s = s.parent) {
    const found: (ResolvedColumn | null)[] = [];
    let unknown = 0;
    for (const entry of s.entries) {
      if (entry.name.startsWith(HIDDEN)) continue;
      if (entry.kind === 'opaque' || (entry.kind === 'table' && !entry.occurrence.table)) {
        unknown++;
        continue;
      }
      const result = resolveInEntry(entry, column);
      if (result !== undefined) found.push(result);
    }
    if (found.length === 1 && unknown === 0) return found[0] ?? null;
    // A table the model does not know, alone in its block, is the only thing the name can mean.
    if (found.length === 0 && unknown === 1 && s.entries.filter((e) => !e.name.startsWith(HIDDEN)).length === 1) {
      const only = s.entries.find((e) => !e.name.startsWith(HIDDEN));
      return only?.kind === 'table' ? { occurrence: only.occurrence, column } : null;
    }
    // Ambiguous, or possibly a column of a table we cannot see: leave it out rather than guess.
    if (found.length > 0 || unknown > 0) return null;
  }
  return null;
}

/** Resolves a ColumnRef through aliases, subqueries and CTEs, innermost scope first; null when unknown or ambiguous. */
export function resolveColumnRef(ref: AstBody, scope: Scope | null): ResolvedColumn | null {
  const fields = names(listOf(ref, 'fields'));
  const column = fields[fields.length - 1];
  if (column === undefined || column === '*' || column === '?') return null;
  if (fields.length === 1) return unqualifiedResolve(scope, column);
  return qualifiedResolve(scope, fields.slice(-3, -1), column);
}

/** The column a node resolves to when it is a plain column reference. */
export function resolveColumnNode(value: unknown, scope: Scope | null): ResolvedColumn | null {
  const ref = bodyOf(value, 'ColumnRef');
  return ref ? resolveColumnRef(ref, scope) : null;
}

/** Every output column of a scope's entries, for `SELECT *`. */
export function starOutputs(scope: Scope, qualifier: string | null): OutputColumn[] {
  const out: OutputColumn[] = [];
  for (const entry of scope.entries) {
    if (qualifier !== null && entry.name !== qualifier) continue;
    if (entry.kind === 'table' && entry.occurrence.table) {
      for (const c of entry.occurrence.table.columns) out.push({ name: c.name, source: { occurrence: entry.occurrence, column: c.name } });
    } else if (entry.kind === 'derived') out.push(...entry.outputs);
  }
  return out;
}
