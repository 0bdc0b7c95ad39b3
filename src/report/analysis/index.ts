/**
 * The professional analysis every document reporter (text, markdown, html) presents: derived
 * once from an audit result, so the three formats cannot disagree.
 */
import type { AuditResult } from '../../audit/types.js';
import { successCriteria, type CheckItem } from './checklist.js';
import { howToApply, nextSteps, type NextStep } from './next-steps.js';
import { estimateSavings, type Savings } from './savings.js';
import { statisticsFacts, type StatisticsFacts } from './statistics.js';
import { tableStrategies, type TableStrategy } from './strategy.js';
import { reportEntries, type ReportEntry } from './entries.js';
import { decidePlan, type PlanDecision } from '../../plan/planner.js';

export type { CheckItem, CheckStatus } from './checklist.js';
export { LOG_TABLE_MAX_INDEXES, successCriteria } from './checklist.js';
export { nextSteps, shellWord, type NextStep } from './next-steps.js';
export { estimateSavings } from './savings.js';
export { describeAge, limitationLines, statisticsFacts, type StatisticsFacts } from './statistics.js';
export {
  createdIndexes,
  droppedIndexNames,
  isDropped,
  verdictOf,
  strategiesByType,
  tableStrategies,
  TYPE_STRATEGY,
  type IndexEntry,
  type TableStrategy,
} from './strategy.js';

export { entriesBySeverity, type ReportEntry } from './entries.js';

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
  /** How a reviewed fix is carried out, for the target's kind. */
  readonly applyHint: string;
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
    applyHint: howToApply(result.target),
    statistics: statisticsFacts(result),
  };
}
