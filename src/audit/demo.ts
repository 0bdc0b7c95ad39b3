/** How the built-in demo is audited: its scaled-down thresholds and where its workload comes from. */
import type { RuleOptions } from '../rules/types.js';
import { DEMO_QUERY_FILE } from '../sources/demo/queries.js';
import { DEMO_HISTORY_START } from '../sources/demo/workload.js';
import type { WorkloadSources } from './run.js';

/**
 * Rule options the demo is audited with. Its tables hold thousands of rows where the application's
 * hold millions, so the thresholds that depend on table size are scaled down with the data (and the
 * statistics are dated from the start of its synthetic history): column
 * statistics are judged from 200 rows (default 1,000), and log tables are partitioning candidates from
 * 15,000 rows or 10 MB (defaults 10 million rows or 10 GB). The findings quote the thresholds they used.
 */
export const DEMO_RULE_OPTIONS: Partial<RuleOptions> = {
  // The demo's counters stand for its synthetic history, which begins 390 days before its "now": the
  // date the statistics count from, as a user would give it with --stats-since (PGlite made them seconds ago).
  statsSince: DEMO_HISTORY_START,
  cardinalityMinRows: 200,
  partitionMinRows: 15_000,
  partitionMinBytes: 10 * 1024 ** 2,
};

/**
 * Where the demo's audit reads its workload: the application's read queries as a query file, each
 * weighted by how often the demo sends it (PGlite has no pg_stat_statements).
 */
export const DEMO_WORKLOAD_SOURCES: WorkloadSources = { queryText: DEMO_QUERY_FILE, statStatements: false };
