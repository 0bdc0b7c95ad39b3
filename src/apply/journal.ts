/**
 * The apply journal: a table `dbdoctor.dbdoctor_journal` in the database being changed, one
 * row per step of each apply run, updated after every statement. It lives with the database
 * it describes, so an apply interrupted anywhere (a lost connection, a killed process, another
 * machine) can be resumed or rolled back from the journal alone. `dbdoctor apply` creates it;
 * `dbdoctor audit` never writes anything.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../dialects/types.js';
import { JOURNAL_SCHEMA, type PlanStep } from '../plan/types.js';
import { displayConnectionString, redactSecrets } from '../util/credentials.js';

export const JOURNAL_TABLE = `${JOURNAL_SCHEMA}.dbdoctor_journal`;

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

const SETUP = [
  `CREATE SCHEMA IF NOT EXISTS ${JOURNAL_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${JOURNAL_TABLE} (
  run_id     text        NOT NULL,
  position   integer     NOT NULL,
  total      integer     NOT NULL,
  step_id    text        NOT NULL,
  summary    text        NOT NULL,
  step       jsonb       NOT NULL,
  status     text        NOT NULL DEFAULT 'pending',
  up_done    integer     NOT NULL DEFAULT 0,
  down_done  integer     NOT NULL DEFAULT 0,
  attempts   integer     NOT NULL DEFAULT 0,
  error      text,
  source     text        NOT NULL,
  target     text        NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (run_id, position)
)`,
  `ALTER TABLE ${JOURNAL_TABLE} ADD COLUMN IF NOT EXISTS left_definition text`,
  `COMMENT ON TABLE ${JOURNAL_TABLE} IS 'Steps of dbdoctor apply runs: what ran, what failed, what was rolled back. Safe to drop when no apply is in progress.'`,
];

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

export class Journal {
  constructor(private readonly db: Queryable) {}

  /** True when the journal table exists (read-only check). */
  async exists(): Promise<boolean> {
    const { rows } = await this.db.query(`SELECT to_regclass('${JOURNAL_TABLE}') IS NOT NULL AS present`);
    return (rows[0] as { present: boolean } | undefined)?.present === true;
  }

  /** Creates the schema and table if they are not there, and adds columns newer versions need. */
  async ensure(): Promise<void> {
    if (await this.exists()) {
      await this.db.query(SETUP[2]!);
      return;
    }
    for (const sql of SETUP) await this.db.query(sql);
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
    for (const [i, step] of steps.entries()) {
      await this.db.query(
        `INSERT INTO ${JOURNAL_TABLE} (run_id, position, total, step_id, summary, step, source, target) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
        [runId, i + 1, steps.length, step.id, step.summary, JSON.stringify(step), source, target],
      );
    }
    return runId;
  }

  /** Every entry of the most recent run, in order; null when the journal is empty or absent. */
  async latestRun(): Promise<JournalEntry[] | null> {
    if (!(await this.exists())) return null;
    const { rows } = await this.db.query(
      `SELECT run_id, position, total, step::text AS step, status, up_done, down_done, attempts, error, source, target, left_definition
         FROM ${JOURNAL_TABLE}
        WHERE run_id = (SELECT run_id FROM ${JOURNAL_TABLE} GROUP BY run_id ORDER BY min(started_at) DESC, run_id DESC LIMIT 1)
        ORDER BY position`,
    );
    return rows.length === 0 ? null : (rows as Row[]).map(entryOf);
  }

  /**
   * Every entry of the most recent run not rolled back yet (a step applied, failed, being undone,
   * or found done); null when there is none. A run that found every step done is such a run:
   * rolling it back changes nothing, and leaves the earlier run that made the changes intact
   * (a further `--rollback` undoes that one).
   */
  async latestRunWithChanges(): Promise<JournalEntry[] | null> {
    if (!(await this.exists())) return null;
    const { rows } = await this.db.query(
      `SELECT run_id, position, total, step::text AS step, status, up_done, down_done, attempts, error, source, target, left_definition
         FROM ${JOURNAL_TABLE}
        WHERE run_id = (SELECT run_id FROM ${JOURNAL_TABLE}
                         GROUP BY run_id
                        HAVING bool_or(status IN ('applying', 'applied', 'failed', 'rolling-back', 'found-done'))
                         ORDER BY min(started_at) DESC, run_id DESC LIMIT 1)
        ORDER BY position`,
    );
    return rows.length === 0 ? null : (rows as Row[]).map(entryOf);
  }

  /** The definition an earlier run recorded for the index it created under this name, or null. */
  async createdDefinition(schema: string, name: string): Promise<string | null> {
    if (!(await this.exists())) return null;
    const { rows } = await this.db.query(
      `SELECT left_definition FROM ${JOURNAL_TABLE}
        WHERE status = 'applied' AND left_definition IS NOT NULL
          AND step->'action'->>'kind' = 'create-index' AND step->'action'->'index'->>'schema' = $1 AND step->'action'->'index'->>'name' = $2
        ORDER BY updated_at DESC LIMIT 1`,
      [schema, name],
    );
    return (rows[0] as { left_definition: string } | undefined)?.left_definition ?? null;
  }

  async update(runId: string, position: number, update: EntryUpdate): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [runId, position];
    const add = (column: string, value: unknown): void => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (update.status !== undefined) add('status', update.status);
    if (update.upDone !== undefined) add('up_done', update.upDone);
    if (update.downDone !== undefined) add('down_done', update.downDone);
    if (update.attempts !== undefined) add('attempts', update.attempts);
    if (update.error !== undefined) add('error', update.error === null ? null : redactSecrets(update.error));
    if (update.leftDefinition !== undefined) add('left_definition', update.leftDefinition);
    if (sets.length === 0) return;
    await this.db.query(
      `UPDATE ${JOURNAL_TABLE} SET ${sets.join(', ')}, updated_at = clock_timestamp() WHERE run_id = $1 AND position = $2`,
      params,
    );
  }
}
