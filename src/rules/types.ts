import type { ModelLookup } from '../model/lookup.js';
import type { Index, QualifiedName, SchemaModel, SourceLocation } from '../model/types.js';
import type { FixAction } from '../model/actions.js';
import type { QueryPattern } from '../model/workload.js';
import type { NameAllocator } from '../semantics/names.js';
import type { MatchOptions } from '../semantics/query-match.js';
import type { IndexUsageFacts } from './context/index-usage.js';
import type { NodeStatistics, StatisticsTrust } from './context/trust.js';
import type { DuplicatePair } from './_duplicates.js';
import type { UnjustifiedComposite } from './_workload-evidence.js';
import type { TableTypes } from './context/classify-types.js';
import type { Workload } from '../model/workload.js';
import type { PlanEvidence } from '../workload/plans/types.js';

/** Every rule's id: stable and kebab-case (reports, configs, baselines and docs pages use them). */
export const RULE_IDS = [
  'duplicate-index',
  'redundant-index',
  'unindexed-foreign-key',
  'invalid-index',
  'low-cardinality-index',
  'over-indexed-table',
  'composite-column-order',
  'partition-candidate',
  'unused-index',
  'table-without-primary-key',
  'monitoring-not-ready',
  'unjustified-composite-index',
  'missing-index',
  'model-drift',
] as const;

/** The id of one of dbdoctor's rules. */
export type RuleId = (typeof RULE_IDS)[number];

/** How urgent a finding is, in the seed audit's three levels. */
export type Severity = 'critical' | 'medium' | 'low';

/** Severities from most to least urgent. */
export const SEVERITIES: readonly Severity[] = ['critical', 'medium', 'low'];

/** Numeric rank for comparisons: higher is more urgent. */
export function severityRank(severity: Severity): number {
  return severity === 'critical' ? 3 : severity === 'medium' ? 2 : 1;
}

/**
 * How a finding is fixed, rendered for the audited dialect from its actions: SQL that fixes it and
 * SQL that undoes the fix (complete statements, one per entry), and the actions themselves.
 */
export interface Fix {
  readonly up: readonly string[];
  readonly down: readonly string[];
  /** The fix as data: what each writer, `apply` and the planner work from. */
  readonly actions: readonly FixAction[];
  /** False: statements must run outside a transaction block (CONCURRENTLY). */
  readonly transactional?: boolean;
  /** Caveats a person applying the fix must know (locks it takes, what it cannot restore). */
  readonly notes?: readonly string[];
}

/** A JSON-safe value for evidence. */
export type EvidenceValue = string | number | boolean | null | readonly EvidenceValue[] | { readonly [key: string]: EvidenceValue };

/** One problem a rule found. Field names are a public contract: add, never rename. */
export interface Finding<Id extends string = RuleId> {
  readonly rule: Id;
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
  /**
   * What fixes the finding, as data (a rule sets these, never SQL); the audit renders them for
   * the dialect into `fix`. Absent: the finding is advice, and no fix is offered.
   */
  readonly actions?: readonly FixAction[];
  /** A rule's own caveats for its fix (what to check before applying it), added to the dialect's notes. */
  readonly fixNotes?: readonly string[];
  /** The rendered fix: set by the audit from `actions`, never by a rule. */
  readonly fix?: Fix;
  /** Where the object is declared, when the audited source is a file (schema dump, migration, ORM model). */
  readonly location?: SourceLocation;
  /** Stable identity of the finding: its rule and the object it is about, hashed (the audit sets it). */
  readonly fingerprint?: string;
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
  /**
   * Since when the usage statistics count (ISO date or timestamp), when the server says they were
   * never reset and cannot date them (`--stats-since`, `statsSince`); null: not given.
   */
  readonly statsSince: string | null;
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
  statsSince: null,
};

/** Facts of one audit that several rules need, worked out once before the rules run. */
export interface AuditFacts {
  /** How far the usage statistics can be trusted; usage-based verdicts change no index while they are not. */
  readonly trust: StatisticsTrust;
  /** Every node whose statistics were read, the primary first. */
  readonly nodes: readonly NodeStatistics[];
  /** Index scans summed over every node (and a partitioned index's partitions). */
  readonly usage: IndexUsageFacts;
  /** The workload's queries on one table (none without a workload). */
  readonly queriesOn: (table: QualifiedName) => readonly QueryPattern[];
  /** How queries match index keys on this database (its default collation). */
  readonly matchOptions: MatchOptions;
  /** Indexes interchangeable with another one, each with the one to keep. */
  readonly duplicates: readonly DuplicatePair[];
  /** Indexes another index covers (not duplicates), with the indexes that cover each. */
  readonly redundant: ReadonlyMap<Index, readonly Index[]>;
  /** Composites whose later keys no query of the workload uses. */
  readonly unjustified: readonly UnjustifiedComposite[];
  /** Of those, the ones dropped because another index already serves their used prefix. */
  readonly droppedAsUnjustified: ReadonlySet<Index>;
  /** Names for new indexes, shared by every rule of the audit. */
  readonly names: NameAllocator;
}

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
  /** Facts of this audit that several rules need. */
  readonly facts: AuditFacts;
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
  readonly id: RuleId;
  /** The severity of its findings unless the check says otherwise. */
  readonly severity: Severity;
  readonly docs: RuleDocs;
  check(context: RuleContext): readonly Finding[];
}
