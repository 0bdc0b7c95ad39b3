/**
 * The apply journal: a table in the database being changed (PostgreSQL `dbdoctor.dbdoctor_journal`,
 * MySQL/MariaDB `dbdoctor_journal` in the URL's database, SQLite `dbdoctor_journal` in the file),
 * one row per step of each apply run, updated after every statement. It lives with the database
 * it describes, so an apply interrupted anywhere (a lost connection, a killed process, another
 * machine) can be resumed or rolled back from the journal alone. `dbdoctor apply` creates it;
 * `dbdoctor audit` never writes anything.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../dialects/types.js';
import type { JournalSql } from '../dialects/apply-types.js';
import type { PlanStep } from '../plan/types.js';
import { displayConnectionString, redactSecrets } from '../util/credentials.js';

/**
 * Status of one step. `pending` → `applying` → `applied` (or `found-done`: its effect was already
 * there, so this run changed nothing and its rollback leaves it alone; `skipped`: nothing to do; or
 * `failed`); a rollback takes a started step through `rolling-back` to `rolled-back` (or
 * `irreversible` when it has no way back), marks a found-done step `left-alone` (the run that
 * made that change still owns it) and cancels steps that never started.
 */
export type StepStatus =
  | 'pending'
  | 'applying'
  | 'applied'
  | 'found-done'
  | 'skipped'
  | 'failed'
  | 'rolling-back'
  | 'rolled-back'
  | 'irreversible'
  | 'cancelled'
  | 'left-alone';

/** Steps that did something, or may have: a rollback undoes them. */
export const STARTED: ReadonlySet<StepStatus> = new Set(['applying', 'applied', 'failed', 'rolling-back']);
/** Steps an apply has not finished: a new apply waits until the run is resumed or rolled back. */
export const UNFINISHED: ReadonlySet<StepStatus> = new Set(['pending', 'applying', 'failed', 'rolling-back']);
/** Steps a rollback of their run has yet to deal with: undo them, or (found done) leave them to the run that made them. */
export const NOT_ROLLED_BACK: ReadonlySet<StepStatus> = new Set([...STARTED, 'found-done']);

export interface JournalEntry {
  readonly runId: string;
  /** 1-based position in the run. */
  readonly position: number;
  readonly total: number;
  readonly step: PlanStep;
  readonly status: StepStatus;
  /** Statements of `up` (or `down`) known to be done. */
  readonly upDone: number;
  readonly downDone: number;
  readonly attempts: number;
  readonly error: string | null;
  readonly source: string;
  readonly target: string;
  /** What the step left behind, to check before undoing it: the definition of the index it created. */
  readonly leftDefinition: string | null;
}

interface Row {
  run_id: string;
  position: number;
  total: number;
  step: PlanStep | string;
  status: StepStatus;
  up_done: number;
  down_done: number;
  attempts: number;
  error: string | null;
  source: string;
  target: string;
  left_definition: string | null;
}

function entryOf(row: Row): JournalEntry {
  return {
    runId: row.run_id,
    position: Number(row.position),
    total: Number(row.total),
    step: typeof row.step === 'string' ? (JSON.parse(row.step) as PlanStep) : row.step,
    status: row.status,
    upDone: Number(row.up_done),
    downDone: Number(row.down_done),
    attempts: Number(row.attempts),
    error: row.error,
    source: row.source,
    target: row.target,
    leftDefinition: row.left_definition ?? null,
  };
}

/** Changes to one entry. */
export interface EntryUpdate {
  readonly status?: StepStatus;
  readonly upDone?: number;
  readonly downDone?: number;
  readonly attempts?: number;
  readonly error?: string | null;
  readonly leftDefinition?: string | null;
}

/** Statuses of a run that changed something, or may have, and is not rolled back yet (for SQL). */
const WITH_CHANGES = `'applying', 'applied', 'failed', 'rolling-back', 'found-done'`;
const COLUMNS = 'run_id, position, total, step, status, up_done, down_done, attempts, error, source, target, left_definition';

/** Steps per INSERT: 8 parameters each, within every dialect's limit (SQLite 32,766; PostgreSQL 65,535). */
const ROWS_PER_INSERT = 1000;

/** The journal of one database, in its dialect's SQL. */
export class Journal {
  private readonly table: string;
  constructor(
    private readonly db: Queryable,
    private readonly sql: JournalSql,
  ) {
    this.table = sql.table;
  }

  private query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> {
    return this.db.query(this.sql.placeholders(text), params);
  }

  /** True when the journal table exists (read-only check). */
  async exists(): Promise<boolean> {
    return (await this.db.query(this.sql.existsQuery)).rows.length > 0;
  }

  /** Creates the table (and its schema) if it is not there, and adds columns newer versions need. */
  async ensure(): Promise<void> {
    if (!(await this.exists())) for (const sql of this.sql.setup) await this.db.query(sql);
    for (const sql of this.sql.upgrade) await this.db.query(sql);
  }

  /** Records a new run with every step pending; returns its id. */
  async startRun(steps: readonly PlanStep[], source: string, target: string): Promise<string> {
    // The journal lives in the database and outlives the run: it never holds a credential.
    source = redactSecrets(displayConnectionString(source));
    target = redactSecrets(displayConnectionString(target));
    const runId = `${new Date()
      .toISOString()
      .replace(/[-:.TZ]/g, '')
      .slice(0, 14)}-${randomUUID().slice(0, 8)}`;
    // The run is recorded whole or not at all: rows inserted one by one left a partial run behind
    // when a later insert failed (a lock timeout, a lost connection). One statement does it; a plan
    // longer than a statement's parameters allow (SQLite: 32,766) is inserted in a transaction.
    const insert = (from: number): Promise<unknown> => {
      const chunk = steps.slice(from, from + ROWS_PER_INSERT);
      return this.query(
        `INSERT INTO ${this.table} (run_id, position, total, step_id, summary, step, source, target) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((step, i) => [runId, from + i + 1, steps.length, step.id, step.summary, JSON.stringify(step), source, target]),
      );
    };
    if (steps.length <= ROWS_PER_INSERT) {
      if (steps.length > 0) await insert(0);
      return runId;
    }
    await this.db.query('BEGIN');
    try {
      for (let from = 0; from < steps.length; from += ROWS_PER_INSERT) await insert(from);
      await this.db.query('COMMIT');
    } catch (error) {
      await this.db.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return runId;
  }

  private async entriesOf(runId: string | undefined): Promise<JournalEntry[] | null> {
    if (runId === undefined) return null;
    const { rows } = await this.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE run_id = ? ORDER BY position`, [runId]);
    return rows.length === 0 ? null : (rows as Row[]).map(entryOf);
  }

  /** Every entry of the most recent run, in order; null when the journal is empty or absent. */
  async latestRun(): Promise<JournalEntry[] | null> {
    if (!(await this.exists())) return null;
    const { rows } = await this.query(
      `SELECT run_id FROM ${this.table} GROUP BY run_id ORDER BY MIN(started_at) DESC, run_id DESC LIMIT 1`,
    );
    return this.entriesOf((rows[0] as { run_id: string } | undefined)?.run_id);
  }

  /**
   * Every entry of the most recent run not rolled back yet (a step applied, failed, being undone,
   * or found done); null when there is none. A run that found every step done is such a run:
   * rolling it back changes nothing, and leaves the earlier run that made the changes intact
   * (a further `--rollback` undoes that one).
   */
  async latestRunWithChanges(): Promise<JournalEntry[] | null> {
    if (!(await this.exists())) return null;
    const { rows } = await this.query(
      `SELECT run_id FROM ${this.table} GROUP BY run_id
        HAVING MAX(CASE WHEN status IN (${WITH_CHANGES}) THEN 1 ELSE 0 END) = 1
        ORDER BY MIN(started_at) DESC, run_id DESC LIMIT 1`,
    );
    return this.entriesOf((rows[0] as { run_id: string } | undefined)?.run_id);
  }

  /** The definition an earlier run recorded for the index it created under this name (on this table), or null. */
  async createdDefinition(index: { schema: string; table: string; name: string }): Promise<string | null> {
    if (!(await this.exists())) return null;
    // The step is JSON text in every dialect's own type: it is matched here rather than in SQL.
    const { rows } = await this.query(
      `SELECT step, left_definition FROM ${this.table}
        WHERE status = 'applied' AND left_definition IS NOT NULL ORDER BY updated_at DESC`,
    );
    for (const row of rows as Pick<Row, 'step' | 'left_definition'>[]) {
      const action = (typeof row.step === 'string' ? (JSON.parse(row.step) as PlanStep) : row.step).action;
      const i = action.index;
      if (action.kind === 'create-index' && i.schema === index.schema && i.table === index.table && i.name === index.name)
        return row.left_definition;
    }
    return null;
  }

  async update(runId: string, position: number, update: EntryUpdate): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [];
    const add = (column: string, value: unknown): void => {
      params.push(value);
      sets.push(`${column} = ?`);
    };
    if (update.status !== undefined) add('status', update.status);
    if (update.upDone !== undefined) add('up_done', update.upDone);
    if (update.downDone !== undefined) add('down_done', update.downDone);
    if (update.attempts !== undefined) add('attempts', update.attempts);
    if (update.error !== undefined) add('error', update.error === null ? null : redactSecrets(update.error));
    if (update.leftDefinition !== undefined) add('left_definition', update.leftDefinition);
    if (sets.length === 0) return;
    await this.query(`UPDATE ${this.table} SET ${sets.join(', ')}, updated_at = ${this.sql.now} WHERE run_id = ? AND position = ?`, [
      ...params,
      runId,
      position,
    ]);
  }
}
