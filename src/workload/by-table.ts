import type { QueryPattern, Workload } from '../model/workload.js';

const byTableName = new WeakMap<Workload, Map<string, readonly QueryPattern[]>>();
const NONE: readonly QueryPattern[] = [];

/**
 * The queries of a workload that name a table of this name (in FROM, or in a condition group),
 * in workload order: a superset of those on any one table of that name, for a caller that then
 * checks the schema. Rules ask this per index, so it is worked out once per workload: scanning
 * every query per index grows with indexes × queries, and pg_stat_statements holds thousands.
 */
export function queriesNamingTable(workload: Workload, tableName: string): readonly QueryPattern[] {
  let index = byTableName.get(workload);
  if (!index) {
    const built = new Map<string, QueryPattern[]>();
    for (const query of workload.queries) {
      const names = new Set<string>();
      for (const t of query.tables) names.add(t.table);
      for (const g of query.groups) names.add(g.table.table);
      for (const name of names) {
        const list = built.get(name);
        if (list) list.push(query);
        else built.set(name, [query]);
      }
    }
    index = built;
    byTableName.set(workload, index);
  }
  return index.get(tableName) ?? NONE;
}
