import type { TargetInfo } from '../model/target.js';
import type { SchemaModel } from '../model/types.js';

/**
 * The one thing an introspector needs from a connection: run a query with parameters and get
 * rows back. `pg.Client`, `pg.PoolClient` and PGlite all satisfy it as they are.
 */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * A connection that can also run several statements sent as one message (PostgreSQL's simple
 * query protocol): the server goes from one statement to the next without waiting for this
 * process, which reads the rows of one while the server works on the next.
 */
export interface MultiStatementQueryable extends Queryable {
  /** Runs `sql` (statements separated by semicolons, no bind parameters); one result per statement. */
  queryStatements(sql: string): Promise<readonly { rows: unknown[] }[]>;
}

/** Whether a connection offers {@link MultiStatementQueryable.queryStatements}. */
export function runsMultipleStatements(db: Queryable): db is MultiStatementQueryable {
  return typeof (db as Partial<MultiStatementQueryable>).queryStatements === 'function';
}

/** What to read of a target. */
interface ReadModelOptions {
  /**
   * Schemas to read. PostgreSQL: all user schemas when empty. MySQL: databases read besides the
   * one in the URL's path (all user databases when neither names one). SQLite: ignored (`main`).
   */
  readonly schemas?: readonly string[];
}

/**
 * An open PostgreSQL database to audit (a server, or PGlite holding a schema file or the demo).
 * `dialect` and `readModel` are optional so that every producer of this shape keeps compiling;
 * `openAuditTarget` fills them in.
 */
export interface OpenTarget {
  readonly dialect?: 'postgres';
  readonly db: Queryable;
  /** Describes the target for reports; never contains credentials. */
  readonly info: Pick<TargetInfo, 'kind' | 'name'>;
  readModel?(options?: ReadModelOptions): Promise<SchemaModel>;
  /**
   * What the source knows beyond the catalog, added to the model it reads: where each object is
   * declared (a file and line) and what could not be loaded (limitations).
   */
  readonly annotateModel?: (model: SchemaModel) => SchemaModel;
  /**
   * What the user must hear before the report, one line each: input that was only partly read
   * (a model file with a syntax error, a model module that failed to import, no SQLAlchemy).
   */
  readonly warnings?: readonly string[];
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
  /** As {@link OpenTarget.warnings}. */
  readonly warnings?: readonly string[];
  close(): Promise<void>;
}

/** Any target an audit can read, told apart by `dialect`. */
export type AuditTarget = PostgresTarget | ModelTarget;
