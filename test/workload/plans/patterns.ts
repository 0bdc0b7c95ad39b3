/** Hand-built workload query patterns, for tests that must not depend on the workload reader. */
import type { ColumnUse, ColumnUseGroup, QueryPattern, QueryTableRef, Workload } from '../../../src/model/workload.js';

/** A table reference as the reader resolves it. */
export function ref(table: string, schema: string | null = 'public'): QueryTableRef {
  return { schema, table, inModel: true };
}

/** One column use. */
export function use(table: QueryTableRef, column: string, kind: ColumnUse['kind'], extra: Partial<ColumnUse> = {}): ColumnUse {
  return { table, column, kind, ...extra };
}

/** An AND-group of uses on one table occurrence. */
export function group(table: QueryTableRef, conditions: readonly ColumnUse[], orderBy: readonly ColumnUse[] = []): ColumnUseGroup {
  return { table, conditions, orderBy, groupBy: [], limit: null };
}

let counter = 0;

/** A SELECT pattern with its text, groups and counts. */
export function pattern(text: string, groups: readonly ColumnUseGroup[], extra: Partial<QueryPattern> = {}): QueryPattern {
  const tables = [...new Map(groups.map((g) => [`${g.table.schema}.${g.table.table}`, g.table])).values()];
  return {
    fingerprint: `fp${counter++}`,
    text,
    example: null,
    sources: ['file'],
    command: 'select',
    calls: 100,
    totalMs: 50,
    meanMs: 0.5,
    rows: null,
    sharedBlocksHit: null,
    sharedBlocksRead: null,
    tables,
    tablesWritten: [],
    columnUses: groups.flatMap((g) => [...g.conditions, ...g.orderBy]),
    groups,
    limit: null,
    ...extra,
  };
}

/** A workload of these patterns. */
export function workloadOf(...queries: QueryPattern[]): Workload {
  return { queries, unparsed: [], notes: [] };
}
