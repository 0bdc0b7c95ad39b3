import type { MigrationPlan } from '../plan/types.js';

/** One file a writer produces, relative to the output folder. */
export interface MigrationFile {
  readonly path: string;
  readonly content: string;
}

/** Options some writers read. */
export interface WriteOptions {
  /** Alembic: the revision id (default: 12 random hex digits, as `alembic revision` makes). */
  readonly revision?: string;
  /** Alembic: the revision this one follows (`--down-revision`); none for a first revision. */
  readonly downRevision?: string | null;
  /** Source of randomness for ids; injectable for tests. */
  readonly random?: () => number;
}

/** Turns a plan into migration files for one tool. */
export interface MigrationWriter {
  readonly name: string;
  readonly description: string;
  render(plan: MigrationPlan, options?: WriteOptions): Promise<readonly MigrationFile[]>;
}
