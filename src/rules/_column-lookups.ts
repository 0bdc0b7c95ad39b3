/** The workload's lookups of one column, for low-cardinality-index: which queries, which values, which orderings. */
import type { Column, Index } from '../model/types.js';
import type { ColumnUseKind, Workload } from '../model/workload.js';
import { sameTable } from '../sql/resolve.js';
import type { RuleContext } from './types.js';

/** Kinds of condition that look values of the column up. */
const LOOKUPS = new Set<ColumnUseKind>(['equality', 'in', 'is-null', 'is-not-null']);

/** What the known queries look up in the column: the statements, and the constant values they compare with. */
export interface KnownLookups {
  readonly queries: readonly string[];
  /** Constants as pg_stats prints them (`failed`, `t`, `42`, NULL as null); parameters ($1) are unknown values and left out. */
  readonly values: readonly (string | null)[];
  /** Queries that GROUP BY or ORDER BY the column (an index on it can return rows in its order). */
  readonly ordering: readonly string[];
}

/** A constant from the workload (`'failed'`, `'x'::text`, `true`, `42`) as pg_stats prints the value, or undefined for a parameter. */
function statsValue(text: string): string | undefined {
  const bare = text.trim().replace(/::[\w\s."]+$/, '');
  if (/^\$\d+$/.test(bare)) return undefined;
  if (/^'.*'$/s.test(bare)) return bare.slice(1, -1).replace(/''/g, "'");
  if (/^true$/i.test(bare)) return 't';
  if (/^false$/i.test(bare)) return 'f';
  return bare;
}

/** What the workload's queries on the index's table look up in the column; null when no source of queries was read. */
export function knownLookups(
  workload: Workload | null,
  queriesOn: RuleContext['facts']['queriesOn'],
  index: Index,
  column: Column,
): KnownLookups | null {
  // Without a source of queries nothing is known about them.
  if (workload === null || (workload.sources ?? []).length === 0) return null;
  const table = { schema: index.schema, name: index.table };
  const queries = new Set<string>();
  const values = new Set<string | null>();
  const ordering = new Set<string>();
  for (const query of queriesOn(table)) {
    for (const group of query.groups) {
      if (!sameTable(group.table, table)) continue;
      if ([...group.groupBy, ...group.orderBy].some((u) => u.column === column.name && u.expression === undefined))
        ordering.add(query.text);
      for (const use of group.conditions) {
        if (use.column !== column.name || use.expression !== undefined || !LOOKUPS.has(use.kind)) continue;
        queries.add(query.text);
        if (use.kind === 'is-null') values.add(null);
        for (const part of use.kind === 'in' ? (use.value ?? '').split(', ') : [use.value ?? '']) {
          const value = part === '' ? undefined : statsValue(part);
          if (value !== undefined) values.add(value);
        }
      }
    }
  }
  return { queries: [...queries], values: [...values], ordering: [...ordering] };
}
