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
const REPLICA_USAGE_QUERY = `
SELECT d.stats_reset, d.read_at, d.in_recovery, d.system_identifier, s.schema, s.name, s.idx_scan
FROM (SELECT (SELECT stats_reset FROM pg_catalog.pg_stat_database WHERE datname = current_database())::text AS stats_reset,
             now()::text AS read_at,
             pg_catalog.pg_is_in_recovery() AS in_recovery,
             (SELECT system_identifier::text FROM pg_catalog.pg_control_system()) AS system_identifier) d
LEFT JOIN (SELECT schemaname AS schema, indexrelname AS name, idx_scan::float8 AS idx_scan
             FROM pg_catalog.pg_stat_user_indexes
            WHERE $1::text[] IS NULL OR schemaname = ANY ($1::text[])) s ON true`;

interface ReplicaUsageRow {
  stats_reset: string | null;
  read_at: string;
  in_recovery: boolean;
  system_identifier: string;
  schema: string | null;
  name: string | null;
  idx_scan: number | null;
}

/** What one node reported. */
export interface NodeIndexUsage {
  readonly node: StatisticsNode;
  /** pg_control_system().system_identifier: the same on a primary and all its physical standbys. */
  readonly systemIdentifier: string;
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
  return {
    node: { node, statsResetAt: first.stats_reset, readAt: first.read_at, inRecovery: first.in_recovery },
    systemIdentifier: first.system_identifier,
    scans,
  };
}

/** Which cluster the audited server belongs to, read before its replicas are accepted. */
export async function readSystemIdentifier(db: Queryable, session: ReadOnlySessionOptions = DEFAULT_SESSION_OPTIONS): Promise<string> {
  const rows = await withReadOnlyTransaction(
    db,
    async (tx) =>
      (await tx.query('SELECT system_identifier::text AS system_identifier FROM pg_catalog.pg_control_system()')).rows as {
        system_identifier: string;
      }[],
    session,
  );
  return rows[0]!.system_identifier;
}

/**
 * Why a node's usage may not count as a replica's of the audited server, or null when it is a
 * standby of it (in recovery, same system identifier). A primary given as its own replica would
 * count its scans twice; a standby of another cluster would count an unrelated server's scans.
 */
export function notAStandbyOf(primarySystemIdentifier: string, replica: NodeIndexUsage): string | null {
  const name = replica.node.node;
  const same = replica.systemIdentifier === primarySystemIdentifier;
  if (!replica.node.inRecovery) {
    return same
      ? `--replica ${name} is not a standby (pg_is_in_recovery() is false) but has the audited server's system identifier: it is the audited server itself (or a promoted copy), whose scans would count twice; give a standby of it`
      : `--replica ${name} is not a standby (pg_is_in_recovery() is false): give a streaming standby of the audited server`;
  }
  if (!same) {
    return `--replica ${name} is a standby of another server (system identifier ${replica.systemIdentifier}; the audited server's is ${primarySystemIdentifier}): its index usage says nothing about this one`;
  }
  return null;
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
  }
  return { ...model, indexes, limitations, statisticsNodes: [primaryNode, ...replicas.map((r) => r.node)] };
}
