import type { ModelLookup } from '../model/lookup.js';
import type { SchemaModel, SourceLocation } from '../model/types.js';
import type { TableTypes } from './context/classify-types.js';
import type { Workload } from '../model/workload.js';
import type { PlanEvidence } from '../workload/plans/types.js';

/** How urgent a finding is, in the seed audit's three levels. */
export type Severity = 'critical' | 'medium' | 'low';

/** Severities from most to least urgent. */
export const SEVERITIES: readonly Severity[] = ['critical', 'medium', 'low'];

/** Numeric rank for comparisons: higher is more urgent. */
export function severityRank(severity: Severity): number {
  return severity === 'critical' ? 3 : severity === 'medium' ? 2 : 1;
}

/** SQL that fixes a finding, and SQL that undoes the fix. Statements are complete, one per entry. */
export interface Fix {
  readonly up: readonly string[];
  readonly down: readonly string[];
  /** Statements must run outside a transaction block (CONCURRENTLY). */
  readonly transactional?: boolean;
  /** Caveats a person applying the fix must know (locks it takes, what it cannot restore). */
  readonly notes?: readonly string[];
}

/** A JSON-safe value for evidence. */
export type EvidenceValue = string | number | boolean | null | readonly EvidenceValue[] | { readonly [key: string]: EvidenceValue };

/** One problem a rule found. Field names are a public contract: add, never rename. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly schema: string;
  readonly table: string;
  /** The index to act on. */
  readonly index?: string;
  /** The constraint involved (a foreign key, or the constraint an index backs). */
  readonly constraint?: string;
  readonly columns?: readonly string[];
  /** The index that makes `index` unnecessary. */
  readonly coveredBy?: string;
  /** What a database-wide finding is about when it concerns no table: a setting or an extension (`track_io_timing`). */
  readonly subject?: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** What to do about it, in one sentence. */
  readonly help: string;
  /** The facts behind the finding (definitions, sizes, scans, writes). */
  readonly evidence: { readonly [key: string]: EvidenceValue };
  readonly fix?: Fix;
  /** Where the object is declared, when the audited source is a file (schema dump, migration, ORM model). */
  readonly location?: SourceLocation;
}

/** Settings every rule may read. */
export interface RuleOptions {
  /** A table has "real traffic" from this many estimated rows on. */
  readonly trafficRowThreshold: number;
  /** …or from this many writes and scans since the statistics reset. */
  readonly trafficActivityThreshold: number;
  /** unused-index: statistics younger than this many days downgrade findings to low and say so. */
  readonly minStatsAgeDays: number;
  /** Statistics with fewer writes and scans than this (over the audited tables) are a brand-new or idle database: not trusted. */
  readonly minStatsActivity: number;
  /** Table classification: a table with fewer writes and scans than this is judged by its name and shape only. */
  readonly classifyMinActivity: number;
  /** Table classification: a log table received at least this many inserts since the statistics reset… */
  readonly logMinInserts: number;
  /** …at least this many inserted rows per scan of it (write-heavy)… */
  readonly logMinInsertsPerScan: number;
  /** …updates at most this many times per inserted row on average (rows settle once, they are not edited)… */
  readonly logMaxUpdatesPerInsert: number;
  /** …and takes at least this share (0..1) of all inserts into the audited tables (or gets ten times `logMinInsertsPerScan`). */
  readonly logMinInsertShare: number;
  /** Column statistics (distinct values, most common values) are judged only on tables with at least this many estimated rows. */
  readonly cardinalityMinRows: number;
  /** low-cardinality-index: a column with at most this many distinct values is low-cardinality. */
  readonly lowCardinalityMaxDistinct: number;
  /** low-cardinality-index: …and so is one whose most common value (or NULL) covers at least this share of the rows (0..1). */
  readonly lowCardinalityDominantFrequency: number;
  /** low-cardinality-index: a value held by at most this share of the rows is rare, so an index can find it cheaply (0..1). */
  readonly lowCardinalityRareFrequency: number;
  /** over-indexed-table: an index scanned less than once per this many index-entry writes of its table is barely used. */
  readonly overIndexedWritesPerScan: number;
  /** over-indexed-table: a log table with more than this many indexes (primary key included) is over-indexed. */
  readonly overIndexedMaxIndexes: number;
  /** over-indexed-table: a text column whose distinct values are at least this share of the rows is high-cardinality (0..1). */
  readonly overIndexedTextDistinctRatio: number;
  /** over-indexed-table: …and so is one whose values average at least this many bytes. */
  readonly overIndexedTextWidthBytes: number;
  /** composite-column-order: a later key with at least this many times the leading key's distinct values is reported. */
  readonly compositeOrderSelectivityRatio: number;
  /** partition-candidate: a log table with at least this many estimated rows is large… */
  readonly partitionMinRows: number;
  /** partition-candidate: …or with a heap of at least this many bytes. */
  readonly partitionMinBytes: number;
  /** partition-candidate: months of data the proposed retention policy keeps. */
  readonly partitionRetentionMonths: number;
}

/** Defaults for {@link RuleOptions}. */
export const DEFAULT_RULE_OPTIONS: RuleOptions = {
  trafficRowThreshold: 1000,
  trafficActivityThreshold: 100,
  minStatsAgeDays: 7,
  minStatsActivity: 1000,
  classifyMinActivity: 200,
  logMinInserts: 1000,
  logMinInsertsPerScan: 10,
  logMaxUpdatesPerInsert: 1.5,
  logMinInsertShare: 0.05,
  cardinalityMinRows: 1000,
  lowCardinalityMaxDistinct: 10,
  lowCardinalityDominantFrequency: 0.8,
  lowCardinalityRareFrequency: 0.05,
  overIndexedWritesPerScan: 1000,
  overIndexedMaxIndexes: 5,
  overIndexedTextDistinctRatio: 0.1,
  overIndexedTextWidthBytes: 64,
  compositeOrderSelectivityRatio: 10,
  partitionMinRows: 10_000_000,
  partitionMinBytes: 10 * 1024 ** 3,
  partitionRetentionMonths: 12,
};

/** What a rule's check receives. */
export interface RuleContext {
  readonly model: SchemaModel;
  readonly lookup: ModelLookup;
  readonly options: RuleOptions;
  /** The type of every table (transaction, log, junction), with evidence. */
  readonly tableTypes: TableTypes;
  /** The queries the database runs, when a source of them was given or found; null otherwise. */
  readonly workload: Workload | null;
  /** What the planner said about the workload's queries (plans, proposed indexes, hypopg checks); null without a workload or a live database. */
  readonly plans?: PlanEvidence | null;
}

/** Documentation of a rule, shown in reports and linked from SARIF. */
export interface RuleDocs {
  /** One line: what the rule finds. */
  readonly description: string;
  /** Path of the docs page within the package (`docs/rules/<id>.md`). */
  readonly page: string;
}

/** A rule: an id, a default severity, docs and one check. */
export interface Rule {
  readonly id: string;
  /** The severity of its findings unless the check says otherwise. */
  readonly severity: Severity;
  readonly docs: RuleDocs;
  check(context: RuleContext): readonly Finding[];
}
