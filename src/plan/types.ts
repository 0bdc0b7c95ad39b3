/**
 * A fix plan: every action the selected findings propose, checked as a whole and put in order,
 * one step per object, each listing every finding it resolves. `dbdoctor fix` writes it (the
 * file `dbdoctor-plan.json` holds exactly this), the writers render it, `dbdoctor apply` runs it.
 */
import type { FixAction, MigrationSettings, Statement } from '../model/actions.js';
import type { Dialect } from '../model/types.js';
import { SEVERITIES, severityRank, type Finding, type RuleId, type Severity } from '../rules/types.js';

export type { MigrationSettings } from '../model/actions.js';

/** The finding a step fixes, as it was reported (without evidence and fix). */
export interface FindingRef {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly schema: string;
  readonly table: string;
  readonly index?: string;
  readonly constraint?: string;
  readonly coveredBy?: string;
  readonly columns?: readonly string[];
  readonly message: string;
  readonly help: string;
}

/** One step of a plan: one action on one object. */
export interface PlanStep {
  /** Stable within a plan: `<kind>:<schema>.<object>`. */
  readonly id: string;
  /** The first finding it resolves (the one that ranks highest). */
  readonly finding: FindingRef;
  /** Every finding it resolves. */
  readonly findings: readonly FindingRef[];
  readonly action: FixAction;
  /** What the step does, in a few words (`drop index public.orders_dup`). */
  readonly summary: string;
  readonly up: readonly Statement[];
  /** Empty when the step cannot be undone (`irreversible` says why). */
  readonly down: readonly Statement[];
  /** A statement runs CONCURRENTLY, so the step must run outside a transaction block. */
  readonly outsideTransaction: boolean;
  readonly notes: readonly string[];
  readonly irreversible: string | null;
}

/** A finding left out of the plan, with the reason. */
export interface SkippedFinding {
  readonly finding: FindingRef;
  readonly reason: string;
}

/** An action the whole-plan check refused, with the findings that proposed it and why. */
export interface RefusedAction {
  readonly summary: string;
  readonly findings: readonly FindingRef[];
  readonly reason: string;
}

export const DEFAULT_MIGRATION_SETTINGS: MigrationSettings = { lockTimeoutMs: 5_000, statementTimeoutMs: 0 };

/** The current shape of a plan file; an older one is refused with a clear message. */
export const PLAN_VERSION = 2;

/** A whole plan. */
export interface MigrationPlan {
  readonly version: typeof PLAN_VERSION;
  readonly generator: string;
  readonly createdAt: string;
  readonly target: { readonly name: string; readonly database: string | null; readonly serverVersion: string; readonly dialect: Dialect };
  /** Schemas the audit covered; empty for every user schema. */
  readonly schemas: readonly string[];
  readonly settings: MigrationSettings;
  readonly steps: readonly PlanStep[];
  readonly skipped: readonly SkippedFinding[];
  readonly refused: readonly RefusedAction[];
}

/** Which findings to fix. */
export interface FixFilters {
  /** Rule ids; all when absent or empty. */
  readonly rules?: readonly string[];
  /** Only findings at this severity or above. */
  readonly minSeverity?: Severity;
  /** `table` or `schema.table`; all when absent or empty. */
  readonly tables?: readonly string[];
}

/** The schema `dbdoctor apply` keeps its journal in on PostgreSQL; never part of a plan. */
const JOURNAL_SCHEMA = 'dbdoctor';
/** The journal table's name (MySQL/MariaDB and SQLite keep it beside the tables it changes); never part of a plan. */
const JOURNAL_TABLE_NAME = 'dbdoctor_journal';

/** Whether a finding is about apply's own journal, which no plan touches and no re-audit reports. */
export function isJournalFinding(f: Pick<Finding, 'schema' | 'table'>): boolean {
  return f.schema === JOURNAL_SCHEMA || f.table === JOURNAL_TABLE_NAME;
}

/** The findings the filters select, outside the journal's schema. */
export function selectFindings(findings: readonly Finding[], filters: FixFilters = {}): Finding[] {
  const rules = filters.rules && filters.rules.length > 0 ? new Set(filters.rules) : null;
  const bar = severityRank(filters.minSeverity ?? SEVERITIES[SEVERITIES.length - 1]!);
  const tables = filters.tables && filters.tables.length > 0 ? new Set(filters.tables) : null;
  return findings.filter(
    (f) =>
      !isJournalFinding(f) &&
      (rules === null || rules.has(f.rule)) &&
      severityRank(f.severity) >= bar &&
      (tables === null || tables.has(f.table) || tables.has(`${f.schema}.${f.table}`)),
  );
}

/** A finding as a step refers to it. */
export function refOf(f: Finding): FindingRef {
  return {
    rule: f.rule,
    severity: f.severity,
    schema: f.schema,
    table: f.table,
    ...(f.index !== undefined ? { index: f.index } : {}),
    ...(f.constraint !== undefined ? { constraint: f.constraint } : {}),
    ...(f.coveredBy !== undefined ? { coveredBy: f.coveredBy } : {}),
    ...(f.columns !== undefined ? { columns: f.columns } : {}),
    message: f.message,
    help: f.help,
  };
}

/** An action the plan takes, with every finding it resolves (report order). */
interface AcceptedAction {
  readonly action: FixAction;
  readonly findings: readonly Finding[];
}

/** An action the whole-plan check refused, with the findings that proposed it and why. */
interface RefusedDecision {
  readonly action: FixAction;
  readonly findings: readonly Finding[];
  readonly reason: string;
}

/** What the planner decided, before any SQL is written: what reports show as the recommended set. */
export interface PlanDecision {
  /** Creates, then primary-key promotions, then drops. */
  readonly accepted: readonly AcceptedAction[];
  readonly refused: readonly RefusedDecision[];
  /** Findings that propose no action (advice). */
  readonly advice: readonly Finding[];
}
