/**
 * What `apply` checks against the live catalog: before a step, that what it drops or replaces is
 * still the object the plan was reviewed with (uniqueness, keys, predicate, constraint,
 * deferrability, validity) and whether its effect is already there; before undoing a step, that
 * the catalog is still what the run left.
 */
import type { Queryable } from '../dialects/types.js';
import type { ApplyDialect, LiveIndex } from '../dialects/apply-types.js';
import type { PlanStep } from '../plan/types.js';
import { UserError } from '../util/errors.js';
import { UNFINISHED, type Journal, type JournalEntry } from './journal.js';

/** An apply or rollback that stopped at a step; the message says how to go on. */
export class ApplyStoppedError extends UserError {}

/** Why the live index is not the one a drop step was planned for, or null when it is. */
function differsFromPlanned(live: LiveIndex, step: PlanStep): string | null {
  const planned = step.action.index;
  if (live.definition !== ('definition' in planned ? planned.definition : live.definition)) return `it is now ${live.definition}`;
  if (step.action.kind === 'drop-index' || step.action.kind === 'drop-constraint') {
    const constraint = step.action.index.constraint;
    const liveType = live.constraint?.type ?? null;
    const plannedType = constraint === null ? null : constraint.type === 'primary' ? 'p' : constraint.type === 'unique' ? 'u' : 'x';
    if (liveType !== plannedType || (constraint !== null && live.constraint?.name !== constraint.name)) {
      return live.constraint === null ? 'it no longer implements a constraint' : `it now implements constraint ${live.constraint.name}`;
    }
    if (constraint !== null && live.constraint !== null && live.constraint.deferrable !== !constraint.immediate) {
      return `its constraint is now ${live.constraint.deferrable ? '' : 'not '}DEFERRABLE`;
    }
    if (live.valid !== step.action.index.valid) return `it is now ${live.valid ? 'valid' : 'INVALID'}`;
  }
  return null;
}

/**
 * Before a step's first statement: is its effect already there (null: go on; 'found-done': this
 * run changes nothing), and is what it drops or replaces still what the plan was made for? Throws
 * when the database has moved on from the plan.
 */
export async function checkBeforeStep(
  db: Queryable,
  dialect: ApplyDialect,
  journal: Journal,
  step: PlanStep,
): Promise<'found-done' | null> {
  const action = step.action;
  const { schema, table, name } = action.index;
  const live = await dialect.liveIndex(db, { schema, table, name });
  if (action.kind === 'create-index') {
    if (live === null) return null;
    const created = await journal.createdDefinition({ schema, table, name });
    if (live.valid && created !== null && created === live.definition) return 'found-done';
    if (!live.valid) return null; // a failed build's leftover: runStatement drops it and builds again
    throw new ApplyStoppedError(
      `an index named ${schema}.${name} already exists (${live.definition}); the plan would create another: make a new plan with dbdoctor fix`,
    );
  }
  if (action.kind === 'add-primary-key') {
    if (live === null)
      throw new ApplyStoppedError(`${schema}.${name} is gone; the plan would make it the primary key: make a new plan with dbdoctor fix`);
    if (live.constraint?.type === 'p') return 'found-done';
    const reason = differsFromPlanned(live, step);
    if (reason !== null)
      throw new ApplyStoppedError(
        `${schema}.${name} is no longer the index the plan was made for (${reason}); make a new plan with dbdoctor fix`,
      );
    return null;
  }
  if (live === null) return 'found-done';
  const reason = differsFromPlanned(live, step);
  if (reason !== null)
    throw new ApplyStoppedError(
      `${schema}.${name} is no longer the index the plan was made for (${reason}); make a new plan with dbdoctor fix`,
    );
  // A drop some finding justified by another index covering it: that index must still be there and valid.
  const covers = step.findings.map((f) => f.coveredBy).filter((c): c is string => c !== undefined);
  if (covers.length > 0 && covers.length === step.findings.length) {
    const states = await Promise.all(covers.map((c) => dialect.liveIndex(db, { schema, table, name: c })));
    if (!states.some((s) => s !== null && s.valid)) {
      const cover = covers[0]!;
      throw new ApplyStoppedError(
        `not dropping ${schema}.${name}: the index that covers it, ${schema}.${cover}, is ${states[0] === null ? 'gone' : 'INVALID'}`,
      );
    }
  }
  return null;
}

/**
 * Whether the catalog is still what the step left: 'undone' when its effect is already gone (as
 * the way back would leave it), null to go on; throws on anything else.
 */
export async function checkBeforeUndo(db: Queryable, dialect: ApplyDialect, entry: JournalEntry): Promise<'undone' | null> {
  const { step } = entry;
  const action = step.action;
  const { schema, table, name } = action.index;
  const live = await dialect.liveIndex(db, { schema, table, name });
  const moved = (what: string): ApplyStoppedError =>
    new ApplyStoppedError(
      `not undoing step ${entry.position}/${entry.total} (${step.summary}): ${what} since run ${entry.runId}; check it by hand`,
    );
  if (action.kind === 'create-index') {
    if (live === null) return 'undone';
    if (entry.leftDefinition !== null && live.definition !== entry.leftDefinition)
      throw moved(`${schema}.${name} was changed (now ${live.definition})`);
    return null;
  }
  if (action.kind === 'add-primary-key') {
    if (live === null) throw moved(`${schema}.${name} is gone`);
    if (live.constraint?.type !== 'p') return (await dialect.constraintExists(db, schema, table, name)) ? null : 'undone';
    return null;
  }
  if (live === null) return null;
  if (live.definition === action.index.definition) {
    // A dropped constraint is back only with the constraint itself, not just an index like its own.
    const constraint = action.kind === 'drop-constraint' ? action.index.constraint : null;
    if (constraint !== null && live.constraint?.name !== constraint.name)
      throw moved(`${schema}.${name} exists again without constraint ${constraint.name}`);
    return 'undone';
  }
  throw moved(`an index named ${schema}.${name} exists again with another definition (${live.definition})`);
}

/** Throws when the latest run is unfinished, naming the way out. */
export function ensureNoUnfinishedRun(latest: readonly JournalEntry[] | null, journalTable: string): void {
  if (latest === null) return;
  if (latest.some((e) => e.status === 'rolling-back')) {
    throw new UserError(`the rollback of run ${latest[0]!.runId} did not finish; finish it with dbdoctor apply --rollback`);
  }
  if (latest.some((e) => UNFINISHED.has(e.status))) {
    throw new UserError(
      `run ${latest[0]!.runId} did not finish (see ${journalTable}); continue it with dbdoctor apply --resume, or undo it with dbdoctor apply --rollback`,
    );
  }
}
