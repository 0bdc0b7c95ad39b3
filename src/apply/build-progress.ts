/**
 * Progress of an index build while it runs: PostgreSQL reports it in pg_stat_progress_create_index
 * (12+) for the building backend. The build's own connection is busy, so a second connection polls
 * the view for that backend's pid.
 */
import type { Queryable } from '../dialects/types.js';
import type { ProgressReporter } from '../util/progress.js';

/** How index builds are watched: a second connection to the same server, and where to report. */
export interface BuildWatch {
  readonly monitor: Queryable;
  readonly progress: ProgressReporter;
  /** Time between polls (default 250 ms). */
  readonly intervalMs?: number;
}

interface ProgressRow {
  phase: string;
  blocks_done: string | number;
  blocks_total: string | number;
  tuples_done: string | number;
  tuples_total: string | number;
}

const PROGRESS_SQL = `SELECT phase, blocks_done, blocks_total, tuples_done, tuples_total
  FROM pg_stat_progress_create_index WHERE pid = $1`;

/**
 * Reports one row: the phase by name, then blocks while the table is scanned and tuples while
 * they are sorted and loaded (whichever total the phase fills in).
 */
function report(row: ProgressRow, label: string, progress: ProgressReporter, last: { phase: string | null }): void {
  if (row.phase !== last.phase) {
    progress.phase(`${label}: ${row.phase}`);
    last.phase = row.phase;
  }
  const blocksTotal = Number(row.blocks_total);
  const tuplesTotal = Number(row.tuples_total);
  if (blocksTotal > 0 && !row.phase.includes('tuples')) progress.count(Number(row.blocks_done), blocksTotal, 'blocks');
  else if (tuplesTotal > 0) progress.count(Number(row.tuples_done), tuplesTotal, 'tuples');
}

/**
 * Polls the build of `label` by backend `pid` until the returned stop function is called (after
 * the statement ended). A failed poll only ends the watching: progress must never fail the build.
 */
export function watchIndexBuild(watch: BuildWatch, pid: number, label: string): () => Promise<void> {
  const last = { phase: null as string | null };
  let stopped = false;
  let polling: Promise<void> = Promise.resolve();
  const poll = async (): Promise<void> => {
    try {
      const { rows } = await watch.monitor.query(PROGRESS_SQL, [pid]);
      const row = rows[0] as ProgressRow | undefined;
      if (row && !stopped) report(row, label, watch.progress, last);
    } catch {
      stopped = true;
    }
  };
  const timer = setInterval(() => {
    if (!stopped) polling = polling.then(poll);
  }, watch.intervalMs ?? 250);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await polling;
  };
}
