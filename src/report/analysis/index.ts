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

/** Everything the report says beyond the findings themselves. */
export interface Analysis {
  readonly strategies: readonly TableStrategy[];
  readonly savings: Savings;
  readonly checklist: readonly CheckItem[];
  readonly nextSteps: readonly NextStep[];
  readonly statistics: StatisticsFacts;
}

/** Derives the analysis of an audit. */
export function analyze(result: AuditResult): Analysis {
  const strategies = tableStrategies(result);
  const checklist = successCriteria(result);
  return {
    strategies,
    savings: estimateSavings(strategies),
    checklist,
    nextSteps: nextSteps(result, checklist),
    statistics: statisticsFacts(result),
  };
}
