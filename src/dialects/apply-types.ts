/**
 * What `dbdoctor apply` needs of a dialect to change a live database safely: a run lock, the
 * session's lock timeout, its journal table in that dialect's SQL, the live definition of an index
 * (checked before every drop and every undo step), and a privilege check that names what is
 * missing. Each dialect implements it in its own folder (postgres/apply.ts, mysql/apply.ts,
 * sqlite/apply.ts); the engine in src/apply only talks to this interface.
 */
import type { Index } from '../model/types.js';
import type { Queryable } from './types.js';

/** An index as the catalog shows it now. */
export interface LiveIndex {
  readonly table: string;
  /** The definition exactly as the model's `Index.definition` spells it for this dialect. */
  readonly definition: string;
  readonly valid: boolean;
  /** The constraint it implements (`p` primary key, `u` unique, `x` exclusion) and whether it is deferrable. */
  readonly constraint: { readonly name: string; readonly type: string; readonly deferrable: boolean; readonly deferred: boolean } | null;
}

/** One index by name: index names are unique per schema in PostgreSQL and SQLite, per table in MySQL. */
interface IndexRef {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
}

/** A table a step changes. */
export interface ChangedTable {
  readonly schema: string;
  readonly table: string;
}

/** The session's limits while steps run. */
interface SessionTimeouts {
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

/** The journal table in the dialect's SQL; the queries themselves are shared and use `?` placeholders. */
export interface JournalSql {
  /** The table as messages name it (`dbdoctor.dbdoctor_journal`, `dbdoctor_journal`). */
  readonly table: string;
  /** Statements creating the table (and its schema) when absent. */
  readonly setup: readonly string[];
  /** Statements bringing an existing table up to date (columns newer versions need); run on every apply. */
  readonly upgrade: readonly string[];
  /** A query returning a row when the table exists. */
  readonly existsQuery: string;
  /** The current time, to sub-second precision, as an SQL expression. */
  readonly now: string;
  /** The statement with each `?` turned into the driver's placeholder. */
  placeholders(sql: string): string;
}

/** How a failed statement may be retried: it waited too long for a lock, or lost a deadlock; null: it failed for good. */
type RetryReason = 'lock-timeout' | 'deadlock' | null;

/** What apply needs of a dialect. */
export interface ApplyDialect {
  readonly journal: JournalSql;
  /** Takes the run lock without waiting; returns how to release it, or null when another apply holds it. */
  tryLock(db: Queryable): Promise<(() => Promise<void>) | null>;
  /** Sets the session's lock (and statement) timeout. */
  setTimeouts(db: Queryable, timeouts: SessionTimeouts): Promise<void>;
  /** What {@link setTimeouts} sets, in the server's own settings, for the session line apply prints. */
  describeTimeouts(timeouts: SessionTimeouts): string;
  /** Whether an error of a statement (by its driver code) is worth retrying. */
  retryReason(code: string | undefined): RetryReason;
  /** What a statement's error means when the server's own message does not say (a build stopped by a timeout); null when it does. */
  explainFailure?(error: { readonly code?: unknown; readonly errno?: unknown }): string | null;
  /** The index as it is now, or null when there is none. */
  liveIndex(db: Queryable, index: IndexRef): Promise<LiveIndex | null>;
  /** Whether the table has a constraint of this name. */
  constraintExists(db: Queryable, schema: string, table: string, name: string): Promise<boolean>;
  /** Whether `child` is attached to the partitioned index `parent` (PostgreSQL only; others have no such thing). */
  isAttached?(db: Queryable, parent: { schema: string; name: string }, child: { schema: string; name: string }): Promise<boolean>;
  /** Throws a UserError naming what the session lacks to write or to keep the journal. */
  checkJournalAccess(db: Queryable): Promise<void>;
  /** Throws a UserError naming the privilege the session lacks to change these tables' indexes. */
  checkApplyPrivileges(db: Queryable, tables: readonly ChangedTable[]): Promise<void>;
  /**
   * Runs a statement and the journal update that records it as one unit where the dialect's DDL is
   * transactional (SQLite); elsewhere DDL commits on its own and `work` just runs.
   */
  atomically<T>(db: Queryable, work: () => Promise<T>): Promise<T>;
  /** The server process running this session, for watching an index build from a second connection; absent when it cannot be watched. */
  backendId?(db: Queryable): Promise<number>;
}

/**
 * An index as the audit's own reader gives it, in the shape the definition checks compare: the
 * dialects without a catalog query of their own for it (MySQL/MariaDB, SQLite) read it this way, so
 * its definition is spelt exactly as the plan's.
 */
export function liveIndexOf(index: Index): LiveIndex {
  return {
    table: index.table,
    definition: index.definition,
    valid: index.valid,
    // Neither engine has deferrable constraints.
    constraint:
      index.constraint === null
        ? null
        : { name: index.constraint.name, type: index.primary ? 'p' : 'u', deferrable: false, deferred: false },
  };
}
