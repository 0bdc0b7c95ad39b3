/**
 * Applying a migration plan to a live database (PostgreSQL, MySQL/MariaDB, SQLite) one statement
 * at a time, with a journal that makes every run resumable and reversible. What differs between
 * dialects (the run lock that lets one apply run per database at a time, timeouts, the journal's
 * SQL, catalog lookups, privileges) comes from an {@link ApplyDialect}; PostgreSQL when none is given.
 *
 * A run owns only what it changed: a step whose effect was already there is recorded as found
 * done and left alone by that run's rollback. Every step that drops or replaces an index first
 * checks that the index is still the one the plan was reviewed with; every rollback step first
 * checks that the catalog is still what the run left.
 */
import type { Queryable } from '../dialects/types.js';
import type { ApplyDialect } from '../dialects/apply-types.js';
import { postgresApply } from '../dialects/postgres/apply.js';
import type { PlanStep } from '../plan/types.js';
import { UserError } from '../util/errors.js';
import {
  DEFAULT_EXECUTION_POLICY,
  FailedTries,
  ms,
  realSleep,
  retryingLocks,
  runStatement,
  StatementError,
  type ExecutionPolicy,
  type Log,
  type Sleep,
} from './execute.js';
import { ApplyStoppedError, checkBeforeStep, checkBeforeUndo, ensureNoUnfinishedRun } from './checks.js';
import { Journal, NOT_ROLLED_BACK, STARTED, type JournalEntry } from './journal.js';
import { watchIndexBuild, type BuildWatch } from './build-progress.js';
import type { Statement } from '../model/actions.js';

export interface EngineOptions {
  readonly policy?: Partial<ExecutionPolicy>;
  readonly log: Log;
  readonly sleep?: Sleep;
  /** Reports the progress of each index build from a second connection; none when absent. */
  readonly buildWatch?: BuildWatch;
  /** The database's dialect; PostgreSQL when absent. */
  readonly dialect?: ApplyDialect;
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

const dialectOf = (options: Pick<EngineOptions, 'dialect'>): ApplyDialect => options.dialect ?? postgresApply;

async function withApplyLock<T>(db: Queryable, options: EngineOptions, work: (journal: Journal) => Promise<T>): Promise<T> {
  const dialect = dialectOf(options);
  const release = await dialect.tryLock(db);
  if (release === null) throw new UserError('another dbdoctor apply or rollback is running on this database; wait for it to finish');
  try {
    return await work(new Journal(db, dialect.journal));
  } finally {
    await release().catch(() => undefined);
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
  const dialect = dialectOf(options);
  if (!options.buildWatch || effect.kind !== 'create-index' || !dialect.backendId) return run();
  const pid = await dialect.backendId(db);
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
  const dialect = dialectOf(options);
  let done = 0;
  let skipped = 0;
  for (const entry of entries) {
    const { step, runId, position } = entry;
    log(`[${position}/${entry.total}] ${step.summary}`);
    let attempts = entry.attempts;
    try {
      if (entry.upDone === 0 && entry.status === 'pending') {
        if ((await checkBeforeStep(db, dialect, journal, step)) === 'found-done') {
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
        // Where DDL is transactional (SQLite), the statement and its journal row commit together.
        const outcome = await dialect.atomically(db, async () => {
          const o = await watchedStatement(db, statement, options, () => runStatement(db, dialect, statement, policy, log, sleep));
          await journal.update(runId, position, { upDone: i + 1, attempts: attempts + o.attempts });
          return o;
        });
        attempts += outcome.attempts;
        if (outcome.result === 'done') log(`  ok (${ms(outcome.ms)})`);
      }
      const created = step.action.kind === 'create-index' ? await dialect.liveIndex(db, step.action.index) : null;
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

/** Records the steps as a new run in the journal and applies them in order. */
export async function applySteps(
  db: Queryable,
  steps: readonly PlanStep[],
  context: { readonly source: string; readonly target: string },
  options: EngineOptions,
): Promise<RunOutcome> {
  const dialect = dialectOf(options);
  return withApplyLock(db, options, async (journal) => {
    await dialect.checkJournalAccess(db);
    ensureNoUnfinishedRun(await journal.latestRun(), dialect.journal.table);
    if (steps.length === 0) return { runId: '', done: 0, skipped: 0, irreversible: 0 };
    await dialect.checkApplyPrivileges(db, tablesOf(steps));
    // The journal's own writes wait for locks no longer than the steps do, and are retried as they are.
    const policy = policyOf(options);
    await dialect.setTimeouts(db, policy);
    const record = (): Promise<string> => journal.ensure().then(() => journal.startRun(steps, context.source, context.target));
    const runId = await retryingLocks(dialect, policy, options.log, options.sleep ?? realSleep, record).then(
      (recorded) => recorded.value,
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        const locked =
          error instanceof FailedTries && error.reason === 'lock-timeout'
            ? ` (another session held a lock through ${error.attempts} ${error.attempts === 1 ? 'try' : 'tries'} of ${ms(policy.lockTimeoutMs)}); nothing was changed: run it again when the lock is free, or with a longer --lock-timeout`
            : '';
        throw new UserError(`could not record the run in ${dialect.journal.table}: ${message}${locked}`);
      },
    );
    options.log(`Applying ${steps.length} step${steps.length === 1 ? '' : 's'} (run ${runId}, journal ${dialect.journal.table})`);
    const entries = (await journal.latestRun())!.filter((e) => e.runId === runId);
    return runUp(db, journal, entries, options);
  });
}

/** The latest run's entries; throws a UserError naming what is missing. */
async function latestOrThrow(journal: Journal, what: string, journalTable: string): Promise<JournalEntry[]> {
  const latest = await journal.latestRun();
  if (latest === null) throw new UserError(`nothing to ${what}: ${journalTable} records no apply on this database`);
  return latest;
}

/** The steps `--resume` would run, for a dry run or a confirmation. */
export async function stepsToResume(db: Queryable, options: Pick<EngineOptions, 'dialect'> = {}): Promise<JournalEntry[]> {
  const dialect = dialectOf(options);
  await dialect.checkJournalAccess(db);
  const latest = await latestOrThrow(new Journal(db, dialect.journal), 'resume', dialect.journal.table);
  if (latest.some((e) => e.status === 'rolling-back')) {
    throw new UserError(`run ${latest[0]!.runId} was being rolled back; finish that with dbdoctor apply --rollback`);
  }
  const todo = latest.filter((e) => e.status === 'pending' || e.status === 'applying' || e.status === 'failed');
  if (todo.length === 0) throw new UserError(`nothing to resume: run ${latest[0]!.runId} finished`);
  return todo;
}

/** Continues the latest run where it stopped. A statement that may have run is run again safely. */
export async function resumeLatest(db: Queryable, options: EngineOptions): Promise<RunOutcome> {
  const dialect = dialectOf(options);
  return withApplyLock(db, options, async (journal) => {
    const todo = await stepsToResume(db, options);
    await dialect.checkApplyPrivileges(db, tablesOf(todo.map((e) => e.step)));
    options.log(`Resuming run ${todo[0]!.runId}: ${todo.length} step${todo.length === 1 ? '' : 's'} left`);
    await dialect.setTimeouts(db, policyOf(options));
    return runUp(db, journal, todo, options);
  });
}

/**
 * The run a rollback deals with: the latest one not rolled back yet. A rerun that found every
 * step done is such a run; rolling it back changes nothing and leaves the run that made the
 * changes as it is.
 */
async function runToRollBack(journal: Journal, journalTable: string): Promise<JournalEntry[]> {
  const run = await journal.latestRunWithChanges();
  if (run === null) {
    const latest = await latestOrThrow(journal, 'roll back', journalTable);
    throw new UserError(`nothing to roll back: run ${latest[0]!.runId} changed nothing that is not already undone`);
  }
  return run;
}

/** The steps `--rollback` would deal with (last first): those to undo, and those it found done and leaves alone. */
export async function stepsToRollBack(db: Queryable, options: Pick<EngineOptions, 'dialect'> = {}): Promise<JournalEntry[]> {
  const dialect = dialectOf(options);
  await dialect.checkJournalAccess(db);
  const run = await runToRollBack(new Journal(db, dialect.journal), dialect.journal.table);
  return run.filter((e) => NOT_ROLLED_BACK.has(e.status)).reverse();
}

/**
 * Undoes the latest run that changed something: every step it started, last first, through its
 * `down` statements (each made safe to run again); steps it found done stay as they are; steps
 * that never started are cancelled.
 */
export async function rollbackLatest(db: Queryable, options: EngineOptions): Promise<RunOutcome> {
  const dialect = dialectOf(options);
  return withApplyLock(db, options, async (journal) => {
    const run = await runToRollBack(journal, dialect.journal.table);
    const todo = run.filter((e) => STARTED.has(e.status)).reverse();
    await dialect.checkApplyPrivileges(db, tablesOf(todo.map((e) => e.step)));
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
    await dialect.setTimeouts(db, policy);
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
        if (entry.status !== 'rolling-back' && (await checkBeforeUndo(db, dialect, entry)) === 'undone') {
          log('  already undone');
          await journal.update(runId, position, { status: 'rolled-back', error: null });
          skipped++;
          continue;
        }
        await journal.update(runId, position, { status: 'rolling-back' });
        for (let i = entry.status === 'rolling-back' ? entry.downDone : 0; i < step.down.length; i++) {
          const statement = step.down[i]!;
          log(`  ${statement.sql}`);
          const outcome = await dialect.atomically(db, async () => {
            const o = await watchedStatement(db, statement, options, () => runStatement(db, dialect, statement, policy, log, sleep));
            await journal.update(runId, position, { downDone: i + 1 });
            return o;
          });
          if (outcome.result === 'done') log(`  ok (${ms(outcome.ms)})`);
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
