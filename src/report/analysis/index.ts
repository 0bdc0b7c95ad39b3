/**
 * The professional analysis every document reporter (text, markdown, html) presents: derived
 * once from an audit result, so the three formats cannot disagree.
 */
import type { AuditResult } from '../../audit/types.js';
import { successCriteria, type CheckItem } from './checklist.js';
import { nextSteps, type NextStep } from './next-steps.js';
import { estimateSavings, type Savings } from './savings.js';
import { statisticsFacts, type StatisticsFacts } from './statistics.js';
import { tableStrategies, type TableStrategy } from './strategy.js';
import { reportEntries, type ReportEntry } from './entries.js';
import { decidePlan, type PlanDecision } from '../../plan/planner.js';

export type { CheckItem, CheckStatus } from './checklist.js';
export { LOG_TABLE_MAX_INDEXES, successCriteria } from './checklist.js';
export { monitoringChecks } from './monitoring.js';
export { nextSteps, shellWord, type NextStep, type Priority } from './next-steps.js';
export { estimateSavings, type Savings, type TableSavings } from './savings.js';
export { DEFAULT_MIN_STATS_AGE_DAYS, describeAge, limitationLines, statisticsFacts, type StatisticsFacts } from './statistics.js';
export {
  createdIndexes,
  droppedIndexNames,
  dropsIndex,
  isDropped,
  verdictOf,
  strategiesByType,
  tableStrategies,
  TABLE_TYPES,
  TYPE_STRATEGY,
  type CreatedIndex,
  type IndexEntry,
  type TableStrategy,
  type TableWrites,
} from './strategy.js';

export { entriesBySeverity, reportEntries, type EntryDecision, type EntryKind, type ReportEntry } from './entries.js';

/** Everything the report says beyond the findings themselves. */
export interface Analysis {
  /** One entry per object, with every finding about it and what the fix plan does to it. */
  readonly entries: readonly ReportEntry[];
  /** The fix plan's decision, checked as a whole. */
  readonly decision: PlanDecision;
  readonly strategies: readonly TableStrategy[];
  readonly savings: Savings;
  readonly checklist: readonly CheckItem[];
  readonly nextSteps: readonly NextStep[];
  readonly statistics: StatisticsFacts;
}

/** Derives the analysis of an audit. */
export function analyze(result: AuditResult): Analysis {
  const decision = decidePlan(result.findings, result.model);
  const strategies = tableStrategies(result, decision);
  const checklist = successCriteria(result);
  return {
    entries: reportEntries(result, decision),
    decision,
    strategies,
    savings: estimateSavings(strategies),
    checklist,
    nextSteps: nextSteps(result, checklist),
    statistics: statisticsFacts(result),
  };
}
