import type { ModelLookup } from '../model/lookup.js';
import type { SchemaModel } from '../model/types.js';
import type { TableTypes } from '../classify/types.js';
import type { Workload } from '../workload/types.js';

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
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** What to do about it, in one sentence. */
  readonly help: string;
  /** The facts behind the finding (definitions, sizes, scans, writes). */
  readonly evidence: { readonly [key: string]: EvidenceValue };
  readonly fix?: Fix;
}

/** Settings every rule may read. */
export interface RuleOptions {
  /** A table has "real traffic" from this many estimated rows on. */
  readonly trafficRowThreshold: number;
  /** …or from this many writes and scans since the statistics reset. */
  readonly trafficActivityThreshold: number;
}

/** Defaults for {@link RuleOptions}. */
export const DEFAULT_RULE_OPTIONS: RuleOptions = {
  trafficRowThreshold: 1000,
  trafficActivityThreshold: 100,
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
