/** The order of a plan's steps, their ids and one-line descriptions, and which drops a migration never makes. */
import type { FixAction } from '../model/actions.js';
import type { Index, SchemaModel } from '../model/types.js';
import { whyNotDroppable } from '../semantics/coverage.js';
import type { Candidate } from './candidates.js';

/** Drops the structural rules propose go first: they rest on the schema alone, the others on usage. */
const DROP_ORDER = [
  'duplicate-index',
  'redundant-index',
  'invalid-index',
  'unjustified-composite-index',
  'unused-index',
  'over-indexed-table',
  'low-cardinality-index',
];

/** Where a drop goes among the drops: by the most structural rule that asks for it. */
export function dropRank(candidate: Candidate): number {
  const ranks = candidate.claims.map((c) => {
    const at = DROP_ORDER.indexOf(c.finding.rule);
    return at < 0 ? DROP_ORDER.length : at;
  });
  return Math.min(...ranks);
}

/** The rank of a candidate's earliest claim: the order its findings were selected in. */
export const firstRank = (c: Candidate): number => Math.min(...c.claims.map((claim) => claim.rank));

/** Why dropping this index in a migration is unsafe, or null when it is safe. */
export function whyNotFixable(index: Index, model: SchemaModel): string | null {
  const reason = whyNotDroppable(index, model.capabilities);
  if (reason !== null) return `${index.schema}.${index.name} is not dropped: ${reason}`;
  if (index.constraint && index.partitioned) {
    return (
      `${index.schema}.${index.name} is not dropped: it backs constraint ${index.constraint.name} of a partitioned table, ` +
      'which cannot be re-attached to a prebuilt index (ADD CONSTRAINT … USING INDEX is refused on partitioned tables), so ' +
      'the way back would lock every partition for a full build and rename the partition indexes'
    );
  }
  return null;
}

/** A one-line description of an action. */
export function summarize(action: FixAction): string {
  const on = `${action.index.schema}.${action.index.table}`;
  switch (action.kind) {
    case 'create-index':
      return `create index ${action.index.schema}.${action.index.name} on ${on} (${action.index.keys.map((k) => k.column ?? k.expression).join(', ')})`;
    case 'drop-index':
      return `drop index ${action.index.schema}.${action.index.name}`;
    case 'drop-constraint':
      return `drop constraint ${action.index.constraint?.name ?? action.index.name} on ${on} (and its index ${action.index.name})`;
    case 'add-primary-key':
      return `make ${action.index.schema}.${action.index.name} the primary key of ${on}`;
    case 'hide-index':
      return `hide index ${action.index.schema}.${action.index.name} from the planner`;
  }
}

/** A step's id: its kind and the object it acts on (one step per object). */
export function stepId(action: FixAction): string {
  const kind = {
    'create-index': 'create',
    'drop-index': 'drop',
    'drop-constraint': 'drop',
    'add-primary-key': 'primary-key',
    'hide-index': 'hide',
  }[action.kind];
  return `${kind}:${action.index.schema}.${action.kind === 'add-primary-key' ? action.index.table : action.index.name}`;
}
