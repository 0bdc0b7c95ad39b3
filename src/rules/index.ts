import type { Rule } from './types.js';
import { duplicateIndex } from './duplicate-index.js';
import { redundantIndex } from './redundant-index.js';
import { unindexedForeignKey } from './unindexed-foreign-key.js';
import { invalidIndex } from './invalid-index.js';
import { unjustifiedCompositeIndex } from './unjustified-composite-index.js';
import { missingIndex } from './missing-index.js';
import { lowCardinalityIndex } from './low-cardinality-index.js';
import { overIndexedTable } from './over-indexed-table.js';
import { compositeColumnOrder } from './composite-column-order.js';
import { partitionCandidate } from './partition-candidate.js';
import { unusedIndex } from './unused-index.js';
import { tableWithoutPrimaryKey } from './table-without-primary-key.js';
import { monitoringNotReady } from './monitoring-not-ready.js';
import { modelDrift } from './model-drift.js';

/** Every rule, in the order reports list them. */
export const allRules: readonly Rule[] = [
  duplicateIndex,
  redundantIndex,
  unindexedForeignKey,
  invalidIndex,
  lowCardinalityIndex,
  overIndexedTable,
  compositeColumnOrder,
  partitionCandidate,
  unusedIndex,
  tableWithoutPrimaryKey,
  monitoringNotReady,
  unjustifiedCompositeIndex,
  missingIndex,
  modelDrift,
];

/** Finds a rule by id. */
export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.id === id);
}

export * from './types.js';
