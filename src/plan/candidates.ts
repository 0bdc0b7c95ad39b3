/**
 * The planner's input: every action of the selected findings, merged per object (an index is
 * created, dropped or promoted by one step whatever the number of findings asking for it), with
 * what each finding's claim needs to hold (an index that keeps covering the dropped one, or the
 * replacement its finding creates first).
 */
import type { FixAction, IndexSpec } from '../model/actions.js';
import type { Finding } from '../rules/types.js';
import { renderKeys, type KeySyntax } from '../semantics/render.js';
import { refOf, type FindingRef } from './types.js';

/** What must stay true for a finding's reason to drop an index to hold. */
type Need =
  /** Nothing: the index is unused, invalid or not worth its writes. */
  | { readonly kind: 'none' }
  /** Another index still covers it (the one the finding named, or any other that covers it). */
  | { readonly kind: 'cover'; readonly coveredBy: string }
  /** The index the same finding creates to replace it is in the plan. */
  | { readonly kind: 'replacement'; readonly createKey: string };

/** One finding's reason for an action. */
export interface Claim {
  readonly finding: Finding;
  readonly ref: FindingRef;
  readonly need: Need;
  /** Position of the finding in report order (most severe first). */
  readonly rank: number;
}

/** An action on one object, with every finding that asks for it. */
export interface Candidate {
  readonly key: string;
  readonly action: FixAction;
  readonly claims: Claim[];
}

/** Only for telling index shapes apart: the keys as PostgreSQL would write them, whatever the dialect. */
const SHAPE_SYNTAX: KeySyntax = { quoteIdent: (n) => JSON.stringify(n), keyCollations: true, operatorClasses: true, nullsOrdering: true };

/** Two new indexes with this key are the same index, whatever their names. */
export function createKey(spec: IndexSpec): string {
  return [
    'create',
    spec.schema,
    spec.table,
    spec.method,
    spec.unique ? 'unique' : '',
    renderKeys(spec.keys, SHAPE_SYNTAX),
    spec.include.join(','),
    spec.predicate ?? '',
  ].join('\u0000');
}

/** The object an action is about, as a key: one step per key. */
function objectKey(action: FixAction): string {
  switch (action.kind) {
    case 'create-index':
      return createKey(action.index);
    case 'add-primary-key':
      return `primary-key\u0000${action.index.schema}\u0000${action.index.table}`;
    case 'hide-index':
      return `hide\u0000${action.index.schema}\u0000${action.index.name}`;
    default:
      return `drop\u0000${action.index.schema}\u0000${action.index.name}`;
  }
}

/** Merges the actions of the findings into candidates, one per object, claims in report order. */
export function collectCandidates(findings: readonly Finding[]): Candidate[] {
  const byKey = new Map<string, Candidate>();
  findings.forEach((finding, rank) => {
    const actions = finding.actions ?? [];
    const creates = actions.filter((a) => a.kind === 'create-index');
    const ref = refOf(finding);
    for (const action of actions) {
      const key = objectKey(action);
      let need: Need = { kind: 'none' };
      if (action.kind === 'drop-index' || action.kind === 'drop-constraint') {
        if (creates.length > 0) need = { kind: 'replacement', createKey: objectKey(creates[0]!) };
        else if (finding.coveredBy !== undefined) need = { kind: 'cover', coveredBy: finding.coveredBy };
      }
      const claim: Claim = { finding, ref, need, rank };
      const known = byKey.get(key);
      if (known) known.claims.push(claim);
      else byKey.set(key, { key, action, claims: [claim] });
    }
  });
  return [...byKey.values()];
}
