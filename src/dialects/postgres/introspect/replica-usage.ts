/**
 * Index usage on a standby: the same read-only session as an audit, one query that returns the
 * node's statistics reset time and the scans of every index in scope. A standby's catalog is
 * the primary's, so indexes are matched by schema and name.
 */
import type { Index, IndexNodeUsage, SchemaModel, StatisticsNode } from '../../../model/types.js';
import { qualifiedKey } from '../../../model/lookup.js';
import type { Queryable } from '../../types.js';
import { DEFAULT_SESSION_OPTIONS, withReadOnlyTransaction, type ReadOnlySessionOptions } from './session.js';

/**
 * One row per index in scope, plus the node's facts on every row; a node without any index in
 * scope still returns one row (the LEFT JOIN on true) so its reset time is known.
 */
export const REPLICA_USAGE_QUERY = `
SELECT d.stats_reset, d.read_at, d.in_recovery, s.schema, s.name, s.idx_scan
FROM (SELECT (SELECT stats_reset FROM pg_catalog.pg_stat_database WHERE datname = current_database())::text AS stats_reset,
             now()::text AS read_at,
             pg_catalog.pg_is_in_recovery() AS in_recovery) d
LEFT JOIN (SELECT schemaname AS schema, indexrelname AS name, idx_scan::float8 AS idx_scan
             FROM pg_catalog.pg_stat_user_indexes
            WHERE $1::text[] IS NULL OR schemaname = ANY ($1::text[])) s ON true`;

interface ReplicaUsageRow {
  stats_reset: string | null;
  read_at: string;
  in_recovery: boolean;
  schema: string | null;
  name: string | null;
  idx_scan: number | null;
}

/** What one node reported. */
export interface NodeIndexUsage {
  readonly node: StatisticsNode;
  /** Scans by `qualifiedKey({ schema, name })` of the index. */
  readonly scans: ReadonlyMap<string, number>;
}

/**
 * A node's name for reports: a URL shown as scheme, host, port and database, never with a user
 * name or password; any other name (a file, `demo`) as it is.
 */
export function nodeNameOf(name: string): string {
  try {
    const url = new URL(name);
    if (url.host === '') return name;
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return name;
  }
}

/** Reads index usage and the stats reset time from one node, read-only, in one query. */
export async function readNodeIndexUsage(
  db: Queryable,
  node: string,
  schemas: readonly string[],
  session: ReadOnlySessionOptions = DEFAULT_SESSION_OPTIONS,
): Promise<NodeIndexUsage> {
  const rows = await withReadOnlyTransaction(
    db,
    async (tx) => (await tx.query(REPLICA_USAGE_QUERY, [schemas.length > 0 ? [...schemas] : null])).rows as ReplicaUsageRow[],
    session,
  );
  const first = rows[0];
  if (!first) throw new Error(`${node} returned no statistics`);
  const scans = new Map<string, number>();
  for (const row of rows) {
    if (row.schema !== null && row.name !== null)
      scans.set(qualifiedKey({ schema: row.schema, name: row.name }), Number(row.idx_scan ?? 0));
  }
  return { node: { node, statsResetAt: first.stats_reset, readAt: first.read_at, inRecovery: first.in_recovery }, scans };
}

/**
 * The model with every index's scans on every node: the primary's own first, then each
 * replica's. Indexes a replica did not list get `scans: null` there (and a limitation), so they
 * are never called unused on the strength of a missing row.
 */
export function withNodeUsage(model: SchemaModel, primaryName: string, replicas: readonly NodeIndexUsage[]): SchemaModel {
  if (replicas.length === 0) return model;
  const primary = nodeNameOf(primaryName);
  const primaryNode: StatisticsNode = {
    node: primary,
    statsResetAt: model.database.statsResetAt,
    readAt: model.database.readAt,
    inRecovery: model.database.inRecovery,
  };
  const limitations = [...model.limitations];
  const indexes: Index[] = model.indexes.map((index) => {
    const key = qualifiedKey(index);
    const usageByNode: IndexNodeUsage[] = [
      { node: primary, scans: index.usage?.scans ?? null, statsResetAt: model.database.statsResetAt },
      ...replicas.map((r) => ({
        node: r.node.node,
        scans: index.partitioned ? 0 : (r.scans.get(key) ?? null),
        statsResetAt: r.node.statsResetAt,
      })),
    ];
    return { ...index, usageByNode };
  });
  for (const r of replicas) {
    const missing = model.indexes.filter((i) => !i.partitioned && !r.scans.has(qualifiedKey(i))).length;
    if (missing > 0)
      limitations.push(
        `${r.node.node} did not list ${missing} of the audited indexes (not the same database?): they are not called unused`,
      );
    if (!r.node.inRecovery)
      limitations.push(`${r.node.node} is not a standby (pg_is_in_recovery() is false): its index usage was counted as a replica's anyway`);
  }
  return { ...model, indexes, limitations, statisticsNodes: [primaryNode, ...replicas.map((r) => r.node)] };
}
