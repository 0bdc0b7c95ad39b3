/**
 * How long-running steps (an audit's phases, loading a schema, an index build) say how far they
 * are. The steps call it; the CLI decides whether anyone sees it (a spinner on a terminal's
 * stderr) — a library caller gets the silent default. Never meant for stdout.
 */
export interface ProgressReporter {
  /** A new phase begins (the previous one, if any, is finished). */
  phase(name: string): void;
  /** How far the current phase is: `done` of `total` (e.g. statements, blocks, tuples). */
  count(done: number, total: number, unit?: string): void;
  /** Everything is finished: stop showing progress. */
  done(): void;
}

/** The reporter that reports nothing. */
export const silentProgress: ProgressReporter = {
  phase: () => undefined,
  count: () => undefined,
  done: () => undefined,
};
