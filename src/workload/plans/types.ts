/**
 * What the planner says about the workload's queries on the audited database: the plan of each
 * query (indexes used, sequential scans, sorts, cost) and, where hypopg is installed, whether a
 * proposed index really lowers a query's cost. Produced before the rules run (rules are
 * synchronous) by {@link collectPlanEvidence} in ./collect.ts; read by missing-index and the
 * strategy document. Plain readonly data, JSON-safe.
 */
import type { IndexSpec } from '../../model/actions.js';

/** How a plan was obtained. */
export type PlanMethod =
  /** `EXPLAIN (GENERIC_PLAN, FORMAT JSON)` (PostgreSQL 16+). */
  | 'generic-plan'
  /** `PREPARE` + `SET LOCAL plan_cache_mode = force_generic_plan` + `EXPLAIN EXECUTE` with NULL parameters (before 16). */
  | 'prepared-generic';

/** A sequential scan in a plan. */
export interface PlanSeqScan {
  readonly schema: string | null;
  readonly table: string;
  /** Rows the planner expects the scan to return (after its filter), per loop. */
  readonly rows: number;
  /** The scan's filter as EXPLAIN prints it, null when it reads every row. */
  readonly filter: string | null;
  readonly totalCost: number;
}

/** A scan through an index whose filter throws rows away after the index condition. */
export interface PlanIndexScan {
  readonly schema: string | null;
  readonly table: string;
  readonly index: string;
  readonly indexCondition: string | null;
  readonly filter: string | null;
  readonly rows: number;
  readonly totalCost: number;
}

/** An explicit sort. */
export interface PlanSort {
  readonly keys: readonly string[];
  /** Rows sorted (estimated). */
  readonly rows: number;
  readonly totalCost: number;
}

/** What a plan does, reduced to what index analysis needs. */
export interface PlanSummary {
  readonly totalCost: number;
  readonly startupCost: number;
  /** Estimated rows of the whole statement. */
  readonly rows: number;
  /** Indexes the plan reads (hypothetical ones as hypopg names them: `<13556>btree_t_b`). */
  readonly indexesUsed: readonly string[];
  readonly seqScans: readonly PlanSeqScan[];
  readonly indexScans: readonly PlanIndexScan[];
  readonly sorts: readonly PlanSort[];
}

/** The planner's answer for one query pattern. */
export type QueryPlan =
  | { readonly fingerprint: string; readonly status: 'planned'; readonly method: PlanMethod; readonly summary: PlanSummary }
  | { readonly fingerprint: string; readonly status: 'skipped' | 'failed'; readonly reason: string };

/** One key of a proposed index. */
export interface ProposedKey {
  /** The column the key reads. */
  readonly column: string;
  /** The key as it goes into CREATE INDEX: a quoted column, or an expression in parentheses. */
  readonly sql: string;
  readonly descending: boolean;
  /** Why this key: `equality`, `range`, `order-by`, `join`, … */
  readonly role: string;
}

/** An index the analysis proposes for one query on one table. */
export interface IndexProposal {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly keys: readonly ProposedKey[];
  /** WHERE clause of a partial index (the query's constant predicate), or null. */
  readonly predicate: string | null;
  /** `CREATE INDEX name ON schema.table (…) [WHERE …]` (no CONCURRENTLY: hypopg takes this form). */
  readonly definition: string;
  /** The same index as data, for the fix. */
  readonly spec: IndexSpec;
}

/** Whether hypothetical indexes could be tried, and why not. */
export interface HypotheticalSupport {
  readonly available: boolean;
  /** Why not, in words for a report: "hypopg is not installed in this database (CREATE EXTENSION hypopg)". */
  readonly reason: string | null;
}

/** The outcome of trying a proposal with hypopg. */
export type Verification =
  | {
      readonly status: 'verified';
      readonly costBefore: number;
      readonly costAfter: number;
      readonly saving: number;
      readonly usesIndex: boolean;
    }
  | {
      readonly status: 'rejected';
      readonly costBefore: number;
      readonly costAfter: number;
      readonly saving: number;
      readonly usesIndex: boolean;
      readonly reason: string;
    }
  | { readonly status: 'not-verified'; readonly reason: string };

/** Why the planner's plan of a query suggests an index is missing. */
export interface MissingIndexCandidate {
  readonly fingerprint: string;
  readonly schema: string;
  readonly table: string;
  /** `seq-scan` (a filter on a large table read in full), `filtered-index-scan` (an index read, most rows thrown away), `sort` (a large sort an index would avoid), `join` (a large table read in full to join a few rows). */
  readonly reason: 'seq-scan' | 'filtered-index-scan' | 'sort' | 'join';
  /** What the plan shows, one sentence. */
  readonly planDetail: string;
  readonly tableRows: number;
  readonly proposal: IndexProposal;
  readonly verification: Verification;
  /** An existing index with the proposal's leading columns, which the planner did not choose; the proposal is then not new. */
  readonly existingIndex: string | null;
}

/** Everything the planner step produced, handed to the rules through the RuleContext. */
export interface PlanEvidence {
  readonly plans: readonly QueryPlan[];
  readonly candidates: readonly MissingIndexCandidate[];
  readonly hypothetical: HypotheticalSupport;
  /** What could not be done, in words for a report. */
  readonly notes: readonly string[];
  /** The settings the step ran with. */
  readonly settings: PlannerSettings;
}

/** Settings of the planner step. */
export interface PlannerSettings {
  /** A table is large from this many estimated rows on: smaller ones are read in full cheaply. */
  readonly largeTableRows: number;
  /** A filter is selective when it keeps at most this share of the table's rows (0..1). */
  readonly selectiveFraction: number;
  /** A hypothetical index must lower the query's cost by at least this share (0..1) to be proposed. */
  readonly minSaving: number;
  /** …and on a log table (write-heavy, every index slows each insert) by at least this share. */
  readonly minSavingLogTable: number;
  /** Most query patterns planned (the most expensive first). */
  readonly maxQueries: number;
}

/** Defaults for {@link PlannerSettings}. */
export const DEFAULT_PLANNER_SETTINGS: PlannerSettings = {
  largeTableRows: 5000,
  selectiveFraction: 0.05,
  minSaving: 0.3,
  minSavingLogTable: 0.75,
  maxQueries: 200,
};
