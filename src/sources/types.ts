import type { TargetInfo } from '../model/target.js';
import type { SchemaModel } from '../model/types.js';
import type { Queryable } from '../dialects/types.js';

/** What to read of a target. */
export interface ReadModelOptions {
  /**
   * Schemas to read. PostgreSQL: all user schemas when empty. MySQL: databases read besides the
   * one in the URL's path (all user databases when neither names one). SQLite: ignored (`main`).
   */
  readonly schemas?: readonly string[];
}

/**
 * An open PostgreSQL database to audit (a server, or PGlite holding a schema file or the demo).
 * `dialect` and `readModel` are optional so that every producer of this shape keeps compiling;
 * {@link openAuditTarget} fills them in.
 */
export interface OpenTarget {
  readonly dialect?: 'postgres';
  readonly db: Queryable;
  /** Describes the target for reports; never contains credentials. */
  readonly info: Pick<TargetInfo, 'kind' | 'name'>;
  readModel?(options?: ReadModelOptions): Promise<SchemaModel>;
  close(): Promise<void>;
}

/** A PostgreSQL target that says so and reads its own model. */
export interface PostgresTarget extends OpenTarget {
  readonly dialect: 'postgres';
  readModel(options?: ReadModelOptions): Promise<SchemaModel>;
}

/**
 * A MySQL/MariaDB server or a SQLite file: there is no PostgreSQL connection to hand to the
 * PostgreSQL-specific steps (workload, planner, apply); the target is read through `readModel`.
 */
export interface ModelTarget {
  readonly dialect: 'mysql' | 'sqlite';
  /** Describes the target for reports; never contains credentials. */
  readonly info: Pick<TargetInfo, 'kind' | 'name'>;
  readModel(options?: ReadModelOptions): Promise<SchemaModel>;
  close(): Promise<void>;
}

/** Any target an audit can read, told apart by `dialect`. */
export type AuditTarget = PostgresTarget | ModelTarget;
