/**
 * Applying a migration plan to a live PostgreSQL database one statement at a time, with a
 * journal that makes every run resumable and reversible. Only one apply runs per database at a
 * time (a session advisory lock). The connection must be in autocommit mode (no open
 * transaction): CONCURRENTLY statements cannot run inside one.
 *
 * A run owns only what it changed: a step whose effect was already there is recorded as found
 * done and left alone by that run's rollback. Every step that drops or replaces an index first
 * checks that the index is still the one the plan was reviewed with; every rollback step first
 * checks that the catalog is still what the run left.
 */
import type { Queryable } from '../dialects/types.js';
import type { PlanStep } from '../plan/types.js';
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
import { checkApplyPrivileges, checkJournalAccess } from './privileges.js';
import { ApplyStoppedError, checkBeforeStep, checkBeforeUndo } from './checks.js';
import { liveIndex } from '../dialects/postgres/catalog-state.js';

import { Journal, JOURNAL_TABLE, NOT_ROLLED_BACK, STARTED, UNFINISHED, type JournalEntry } from './journal.js';
import { watchIndexBuild, type BuildWatch } from './build-progress.js';
import type { Statement } from '../model/actions.js';

/** Advisory lock key held while an apply or rollback runs ("dbdoctor" in ASCII). */
const APPLY_LOCK = '7233166094848012146';

export interface EngineOptions {
  readonly policy?: Partial<ExecutionPolicy>;
  readonly log: Log;
  readonly sleep?: Sleep;
  /** Reports the progress of each index build from a second connection; none when absent. */
  readonly buildWatch?: BuildWatch;
}

/** How a run ended. */
export interface RunOutcome {
  readonly runId: string;
  /** Steps done (applied, or rolled back) in this invocation. */
  readonly done: number;
  /** Steps with nothing to do (found done, or already undone). */
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

/** The tables the steps change, for the privilege check. */
function tablesOf(steps: readonly PlanStep[]): { schema: string; table: string }[] {
  return steps.map((s) => ({ schema: s.action.index.schema, table: s.action.index.table }));
}

function policyOf(options: EngineOptions): ExecutionPolicy {
  return { ...DEFAULT_EXECUTION_POLICY, ...options.policy };
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

/** Runs a statement; an index build is watched from the second connection while it runs. */
async function watchedStatement<T>(db: Queryable, statement: Statement, options: EngineOptions, run: () => Promise<T>): Promise<T> {
  const effect = statement.effect;
  if (!options.buildWatch || effect.kind !== 'create-index') return run();
  const { rows } = await db.query('SELECT pg_backend_pid() AS pid');
  const pid = Number((rows[0] as { pid: number | string }).pid);
  const stop = watchIndexBuild(options.buildWatch, pid, `building ${effect.schema}.${effect.name}`);
  try {
    return await run();
  } finally {
    await stop();
  }
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
    let attempts = entry.attempts;
    try {
      if (entry.upDone === 0 && entry.status === 'pending') {
        if ((await checkBeforeStep(db, journal, step)) === 'found-done') {
          log('  found done: its effect is already there; this run changes nothing here');
          await journal.update(runId, position, { status: 'found-done', error: null });
          skipped++;
          continue;
        }
      }
      await journal.update(runId, position, { status: 'applying', error: null });
      for (let i = entry.upDone; i < step.up.length; i++) {
        const statement = step.up[i]!;
        log(`  ${statement.sql}`);
        const outcome = await watchedStatement(db, statement, options, () => runStatement(db, statement, policy, log, sleep));
        attempts += outcome.attempts;
        if (outcome.result === 'done') log(`  ok (${ms(outcome.ms)})`);
        await journal.update(runId, position, { upDone: i + 1, attempts });
      }
      const created = step.action.kind === 'create-index' ? await liveIndex(db, step.action.index.schema, step.action.index.name) : null;
      await journal.update(runId, position, { status: 'applied', leftDefinition: created?.definition ?? null });
      done++;
    } catch (error) {
      const failure =
        error instanceof ApplyStoppedError
          ? error
          : stopped(entry, error, 'fix the cause, then run dbdoctor apply --resume, or undo the run with dbdoctor apply --rollback');
      // The failed statement's tries count too, so the journal and the message agree.
      if (error instanceof StatementError) attempts += error.attempts;
      await journal.update(runId, position, { status: 'failed', attempts, error: failure.message }).catch(() => undefined);
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
  steps: readonly PlanStep[],
  context: { readonly source: string; readonly target: string },
  options: EngineOptions,
): Promise<RunOutcome> {
  return withApplyLock(db, async () => {
    const journal = new Journal(db);
    await checkJournalAccess(db);
    ensureNoUnfinishedRun(await journal.latestRun());
    if (steps.length === 0) return { runId: '', done: 0, skipped: 0, irreversible: 0 };
    await checkApplyPrivileges(db, tablesOf(steps));
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
  await checkJournalAccess(db);
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
    await checkApplyPrivileges(db, tablesOf(todo.map((e) => e.step)));
    options.log(`Resuming run ${todo[0]!.runId}: ${todo.length} step${todo.length === 1 ? '' : 's'} left`);
    await applySessionSettings(db, policyOf(options));
    return runUp(db, new Journal(db), todo, options);
  });
}

/**
 * The run a rollback deals with: the latest one not rolled back yet. A rerun that found every
 * step done is such a run; rolling it back changes nothing and leaves the run that made the
 * changes as it is.
 */
async function runToRollBack(journal: Journal): Promise<JournalEntry[]> {
  const run = await journal.latestRunWithChanges();
  if (run === null) {
    const latest = await latestOrThrow(journal, 'roll back');
    throw new UserError(`nothing to roll back: run ${latest[0]!.runId} changed nothing that is not already undone`);
  }
  return run;
}

/** The steps `--rollback` would deal with (last first): those to undo, and those it found done and leaves alone. */
export async function stepsToRollBack(db: Queryable): Promise<JournalEntry[]> {
  await checkJournalAccess(db);
  const run = await runToRollBack(new Journal(db));
  return run.filter((e) => NOT_ROLLED_BACK.has(e.status)).reverse();
}

/**
 * Undoes the latest run that changed something: every step it started, last first, through its
 * `down` statements (each made safe to run again); steps it found done stay as they are; steps
 * that never started are cancelled.
 */
export async function rollbackLatest(db: Queryable, options: EngineOptions): Promise<RunOutcome> {
  return withApplyLock(db, async () => {
    const journal = new Journal(db);
    const run = await runToRollBack(journal);
    const todo = run.filter((e) => STARTED.has(e.status)).reverse();
    await checkApplyPrivileges(db, tablesOf(todo.map((e) => e.step)));
    const foundDone = run.filter((e) => e.status === 'found-done');
    const policy = policyOf(options);
    const sleep = options.sleep ?? realSleep;
    const log = options.log;
    log(
      `Rolling back run ${run[0]!.runId}: ${todo.length} step${todo.length === 1 ? '' : 's'} to undo` +
        (foundDone.length > 0
          ? `; ${foundDone.length} step${foundDone.length === 1 ? '' : 's'} it found already done ${foundDone.length === 1 ? 'stays' : 'stay'} as ${foundDone.length === 1 ? 'it is' : 'they are'}: an earlier run made ${foundDone.length === 1 ? 'that change' : 'those changes'} (roll that run back next, if that is what you want)`
          : ''),
    );
    await applySessionSettings(db, policy);
    let done = 0;
    let skipped = 0;
    let irreversible = 0;
    for (const entry of todo) {
      const { step, runId, position } = entry;
      log(`[${position}/${entry.total}] undo: ${step.summary}`);
      if (step.down.length === 0) {
        log(`  cannot be undone: ${step.irreversible ?? step.notes.join(' ')}`);
        await journal.update(runId, position, { status: 'irreversible' });
        irreversible++;
        continue;
      }
      try {
        if (entry.status !== 'rolling-back' && (await checkBeforeUndo(db, entry)) === 'undone') {
          log('  already undone');
          await journal.update(runId, position, { status: 'rolled-back', error: null });
          skipped++;
          continue;
        }
        await journal.update(runId, position, { status: 'rolling-back' });
        for (let i = entry.status === 'rolling-back' ? entry.downDone : 0; i < step.down.length; i++) {
          const statement = step.down[i]!;
          log(`  ${statement.sql}`);
          const outcome = await watchedStatement(db, statement, options, () => runStatement(db, statement, policy, log, sleep));
          if (outcome.result === 'done') log(`  ok (${ms(outcome.ms)})`);
          await journal.update(runId, position, { downDone: i + 1 });
        }
        await journal.update(runId, position, { status: 'rolled-back', error: null });
        done++;
      } catch (error) {
        const failure =
          error instanceof ApplyStoppedError ? error : stopped(entry, error, 'fix the cause, then run dbdoctor apply --rollback again');
        await journal.update(runId, position, { error: failure.message }).catch(() => undefined);
        throw failure;
      }
    }
    for (const entry of run.filter((e) => e.status === 'pending'))
      await journal.update(entry.runId, entry.position, { status: 'cancelled' });
    for (const entry of foundDone) await journal.update(entry.runId, entry.position, { status: 'left-alone' });
    return { runId: run[0]!.runId, done, skipped, irreversible };
  });
}
