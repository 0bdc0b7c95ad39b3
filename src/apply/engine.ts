/**
 * Applying a migration plan to a live PostgreSQL database one statement at a time, with a
 * journal that makes every run resumable and reversible. Only one apply runs per database at a
 * time (a session advisory lock). The connection must be in autocommit mode (no open
 * transaction): CONCURRENTLY statements cannot run inside one.
 */
import type { Queryable } from '../dialects/types.js';
import type { MigrationStep } from '../plan/steps.js';
import { UserError } from '../util/errors.js';
import {
  applySessionSettings,
  DEFAULT_EXECUTION_POLICY,
  ms,
  realSleep,
  runStatement,
  StatementError,
  type ExecutionPolicy,
  type Log,
  type Sleep,
} from './execute.js';
import { Journal, JOURNAL_TABLE, STARTED, UNFINISHED, type JournalEntry } from './journal.js';

/** Advisory lock key held while an apply or rollback runs ("dbdoctor" in ASCII). */
const APPLY_LOCK = '7233166094848012146';

export interface EngineOptions {
  readonly policy?: Partial<ExecutionPolicy>;
  readonly log: Log;
  readonly sleep?: Sleep;
}

/** An apply or rollback that stopped at a step; the message says how to go on. */
export class ApplyStoppedError extends UserError {}

/** How a run ended. */
export interface RunOutcome {
  readonly runId: string;
  /** Steps done (applied, or rolled back) in this invocation. */
  readonly done: number;
  /** Steps with nothing to do. */
  readonly skipped: number;
  /** Steps that cannot be undone (rollback only). */
  readonly irreversible: number;
}

async function withApplyLock<T>(db: Queryable, work: () => Promise<T>): Promise<T> {
  const { rows } = await db.query(`SELECT pg_catalog.pg_try_advisory_lock(${APPLY_LOCK}) AS locked`);
  if ((rows[0] as { locked: boolean } | undefined)?.locked !== true) {
    throw new UserError('another dbdoctor apply or rollback is running on this database; wait for it to finish');
  }
  try {
    return await work();
  } finally {
    await db.query(`SELECT pg_catalog.pg_advisory_unlock(${APPLY_LOCK})`).catch(() => undefined);
  }
}

function policyOf(options: EngineOptions): ExecutionPolicy {
  return { ...DEFAULT_EXECUTION_POLICY, ...options.policy };
}

interface IndexState {
  readonly definition: string;
  readonly valid: boolean;
}

async function indexState(db: Queryable, schema: string, name: string): Promise<IndexState | null> {
  const { rows } = await db.query(
    `SELECT pg_catalog.pg_get_indexdef(c.oid) AS definition, x.indisvalid AS valid
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_index x ON x.indexrelid = c.oid
      WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, name],
  );
  return (rows[0] as IndexState | undefined) ?? null;
}

/**
 * Checks, right before a drop step runs, that it still does what was reviewed: the index is the
 * one the plan was made for, and the index said to cover it is still there and valid. Returns a
 * reason to skip the step (the index is already gone), or null to go ahead; throws when the
 * database has moved on from the plan.
 */
async function checkDropStep(db: Queryable, step: MigrationStep, resuming: boolean): Promise<string | null> {
  if (step.action.kind !== 'drop-index' && step.action.kind !== 'drop-constraint') return null;
  const index = step.action.index;
  const state = await indexState(db, index.schema, index.name);
  if (state === null) return resuming ? null : `${index.schema}.${index.name} is already gone`;
  if (state.definition !== index.definition) {
    throw new ApplyStoppedError(
      `${index.schema}.${index.name} is no longer the index the plan was made for (now: ${state.definition}); make a new plan with dbdoctor fix`,
    );
  }
  const cover = step.finding.coveredBy;
  if (cover !== undefined) {
    const coverState = await indexState(db, index.schema, cover);
    if (coverState === null || !coverState.valid) {
      throw new ApplyStoppedError(
        `not dropping ${index.schema}.${index.name}: the index that covers it, ${index.schema}.${cover}, is ${coverState === null ? 'gone' : 'INVALID'}`,
      );
    }
  }
  return null;
}

function stopped(entry: JournalEntry, error: unknown, next: string): ApplyStoppedError {
  const reason =
    error instanceof StatementError
      ? `${error.message} (after ${error.attempts} attempt${error.attempts === 1 ? '' : 's'})`
      : error instanceof Error
        ? error.message
        : String(error);
  return new ApplyStoppedError(`step ${entry.position}/${entry.total} (${entry.step.summary}) failed: ${reason}; ${next}`);
}

async function runUp(db: Queryable, journal: Journal, entries: readonly JournalEntry[], options: EngineOptions): Promise<RunOutcome> {
  const policy = policyOf(options);
  const sleep = options.sleep ?? realSleep;
  const log = options.log;
  let done = 0;
  let skipped = 0;
  for (const entry of entries) {
    const { step, runId, position } = entry;
    log(`[${position}/${entry.total}] ${step.summary}`);
    const resuming = entry.status !== 'pending';
    let attempts = entry.attempts;
    try {
      const skip = entry.upDone === 0 ? await checkDropStep(db, step, resuming) : null;
      if (skip !== null) {
        log(`  skipped: ${skip}`);
        await journal.update(runId, position, { status: 'skipped', error: skip });
        skipped++;
        continue;
      }
      await journal.update(runId, position, { status: 'applying', error: null });
      for (let i = entry.upDone; i < step.up.length; i++) {
        const sql = step.up[i]!;
        log(`  ${sql}`);
        const outcome = await runStatement(db, sql, policy, log, sleep);
        attempts += Math.max(1, outcome.attempts);
        if (outcome.result === 'done') log(`  ok (${ms(outcome.ms)})`);
        await journal.update(runId, position, { upDone: i + 1, attempts });
      }
      await journal.update(runId, position, { status: 'applied' });
      done++;
    } catch (error) {
      const failure = stopped(
        entry,
        error,
        'fix the cause, then run dbdoctor apply --resume, or undo the run with dbdoctor apply --rollback',
      );
      await journal.update(runId, position, { status: 'failed', attempts: attempts + 1, error: failure.message }).catch(() => undefined);
      throw failure;
    }
  }
  return { runId: entries[0]?.runId ?? '', done, skipped, irreversible: 0 };
}

/** Throws when the latest run is unfinished, naming the way out. */
function ensureNoUnfinishedRun(latest: readonly JournalEntry[] | null): void {
  if (latest === null) return;
  if (latest.some((e) => e.status === 'rolling-back')) {
    throw new UserError(`the rollback of run ${latest[0]!.runId} did not finish; finish it with dbdoctor apply --rollback`);
  }
  if (latest.some((e) => UNFINISHED.has(e.status))) {
    throw new UserError(
      `run ${latest[0]!.runId} did not finish (see ${JOURNAL_TABLE}); continue it with dbdoctor apply --resume, or undo it with dbdoctor apply --rollback`,
    );
  }
}

/** Records the steps as a new run in the journal and applies them in order. */
export async function applySteps(
  db: Queryable,
  steps: readonly MigrationStep[],
  context: { readonly source: string; readonly target: string },
  options: EngineOptions,
): Promise<RunOutcome> {
  return withApplyLock(db, async () => {
    const journal = new Journal(db);
    ensureNoUnfinishedRun(await journal.latestRun());
    if (steps.length === 0) return { runId: '', done: 0, skipped: 0, irreversible: 0 };
    await journal.ensure();
    const runId = await journal.startRun(steps, context.source, context.target);
    options.log(`Applying ${steps.length} step${steps.length === 1 ? '' : 's'} (run ${runId}, journal ${JOURNAL_TABLE})`);
    await applySessionSettings(db, policyOf(options));
    const entries = (await journal.latestRun())!.filter((e) => e.runId === runId);
    return runUp(db, journal, entries, options);
  });
}

/** The latest run's entries; throws a UserError naming what is missing. */
async function latestOrThrow(journal: Journal, what: string): Promise<JournalEntry[]> {
  const latest = await journal.latestRun();
  if (latest === null) throw new UserError(`nothing to ${what}: ${JOURNAL_TABLE} records no apply on this database`);
  return latest;
}

/** The steps `--resume` would run, for a dry run or a confirmation. */
export async function stepsToResume(db: Queryable): Promise<JournalEntry[]> {
  const latest = await latestOrThrow(new Journal(db), 'resume');
  if (latest.some((e) => e.status === 'rolling-back')) {
    throw new UserError(`run ${latest[0]!.runId} was being rolled back; finish that with dbdoctor apply --rollback`);
  }
  const todo = latest.filter((e) => e.status === 'pending' || e.status === 'applying' || e.status === 'failed');
  if (todo.length === 0) throw new UserError(`nothing to resume: run ${latest[0]!.runId} finished`);
  return todo;
}

/** Continues the latest run where it stopped. A statement that may have run is run again safely. */
export async function resumeLatest(db: Queryable, options: EngineOptions): Promise<RunOutcome> {
  return withApplyLock(db, async () => {
    const todo = await stepsToResume(db);
    options.log(`Resuming run ${todo[0]!.runId}: ${todo.length} step${todo.length === 1 ? '' : 's'} left`);
    await applySessionSettings(db, policyOf(options));
    return runUp(db, new Journal(db), todo, options);
  });
}

/** The steps `--rollback` would undo (last first), for a dry run or a confirmation. */
export async function stepsToRollBack(db: Queryable): Promise<JournalEntry[]> {
  const latest = await latestOrThrow(new Journal(db), 'roll back');
  const started = latest.filter((e) => STARTED.has(e.status)).reverse();
  if (started.length === 0 && !latest.some((e) => e.status === 'pending')) {
    throw new UserError(`nothing to roll back: run ${latest[0]!.runId} has no applied step left to undo`);
  }
  return started;
}

/**
 * Undoes the latest run: every step that started, last first, through its `down` statements
 * (each made safe to run again); steps that never started are cancelled.
 */
export async function rollbackLatest(db: Queryable, options: EngineOptions): Promise<RunOutcome> {
  return withApplyLock(db, async () => {
    const journal = new Journal(db);
    const latest = await latestOrThrow(journal, 'roll back');
    const todo = await stepsToRollBack(db);
    const policy = policyOf(options);
    const sleep = options.sleep ?? realSleep;
    const log = options.log;
    log(`Rolling back run ${latest[0]!.runId}: ${todo.length} step${todo.length === 1 ? '' : 's'} to undo`);
    await applySessionSettings(db, policy);
    let done = 0;
    let irreversible = 0;
    for (const entry of todo) {
      const { step, runId, position } = entry;
      log(`[${position}/${entry.total}] undo: ${step.summary}`);
      if (step.down.length === 0) {
        log(`  cannot be undone${step.notes.length > 0 ? `: ${step.notes.join(' ')}` : ''}`);
        await journal.update(runId, position, { status: 'irreversible' });
        irreversible++;
        continue;
      }
      try {
        await journal.update(runId, position, { status: 'rolling-back' });
        for (let i = entry.status === 'rolling-back' ? entry.downDone : 0; i < step.down.length; i++) {
          const sql = step.down[i]!;
          log(`  ${sql}`);
          const outcome = await runStatement(db, sql, policy, log, sleep);
          if (outcome.result === 'done') log(`  ok (${ms(outcome.ms)})`);
          await journal.update(runId, position, { downDone: i + 1 });
        }
        await journal.update(runId, position, { status: 'rolled-back', error: null });
        done++;
      } catch (error) {
        const failure = stopped(entry, error, 'fix the cause, then run dbdoctor apply --rollback again');
        await journal.update(runId, position, { error: failure.message }).catch(() => undefined);
        throw failure;
      }
    }
    for (const entry of latest.filter((e) => e.status === 'pending'))
      await journal.update(entry.runId, entry.position, { status: 'cancelled' });
    return { runId: latest[0]!.runId, done, skipped: 0, irreversible };
  });
}
