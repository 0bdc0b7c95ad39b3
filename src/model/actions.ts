/**
 * Fixes as data. A rule proposes actions (create this index, drop that one); a dialect's DDL
 * emitter turns each action into statements; the fix planner checks the actions of all findings
 * as a whole; writers, `apply`, reports and the strategy document all read the same actions.
 * Nothing ever parses dbdoctor's own SQL back: what a statement does travels with it as its
 * {@link StatementEffect}.
 */
import type { Index, IndexKey, QualifiedName, Table } from './types.js';

/** A complete index definition: enough for any dialect's emitter to write `CREATE INDEX` exactly. */
export interface IndexSpec {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  /** Access method: btree, hash, gin, …; `fulltext`/`spatial` on MySQL. */
  readonly method: string;
  readonly unique: boolean;
  /** Keys with their operator classes, collations, directions, NULLS placement and prefix lengths. */
  readonly keys: readonly IndexKey[];
  readonly include: readonly string[];
  /** WHERE clause of a partial index, in the dialect's SQL; null for none. */
  readonly predicate: string | null;
  readonly nullsNotDistinct: boolean;
  readonly storageParameters: readonly string[];
  readonly tablespace: string | null;
  readonly comment: string | null;
}

/** The index of one partition of a partitioned table, built separately and attached to the parent's index. */
export interface PartitionIndexSpec {
  readonly index: IndexSpec;
  /** The partition is itself partitioned (its index cannot be built concurrently and attaches its own partitions). */
  readonly partitioned: boolean;
}

/** What a fix does to the schema. */
export type FixAction =
  /**
   * Build an index. On a partitioned table (`partitions` non-empty or `onPartitionedTable`) the
   * parent index is created on the parent alone and each partition's index is built and attached.
   */
  | {
      readonly kind: 'create-index';
      readonly index: IndexSpec;
      readonly onPartitionedTable: boolean;
      readonly partitions: readonly PartitionIndexSpec[];
    }
  /**
   * Drop an index as it is now (the full {@link Index}, so that the way back rebuilds it exactly);
   * `attached` are the partition indexes below a partitioned index, which go with it.
   */
  | { readonly kind: 'drop-index'; readonly index: Index; readonly attached: readonly Index[] }
  /** Drop the UNIQUE or PRIMARY KEY constraint an index implements; the index goes with it. */
  | { readonly kind: 'drop-constraint'; readonly index: Index }
  /** Hide an index from the planner without dropping it (MySQL INVISIBLE, MariaDB IGNORED): a reversible first step. */
  | { readonly kind: 'hide-index'; readonly index: Index }
  /** Make an existing unique index over NOT NULL columns the table's primary key, under its own name. */
  | { readonly kind: 'add-primary-key'; readonly index: Index };

/** What a statement changes, so that `apply` can tell whether it is already done and clean up after it. */
type StatementEffect =
  | {
      readonly kind: 'create-index';
      readonly schema: string;
      readonly table: string;
      readonly name: string;
      readonly concurrently: boolean;
    }
  | { readonly kind: 'drop-index'; readonly schema: string; readonly table: string; readonly name: string; readonly concurrently: boolean }
  | {
      readonly kind: 'add-constraint';
      readonly schema: string;
      readonly table: string;
      readonly name: string;
      readonly usingIndex: string | null;
    }
  | { readonly kind: 'drop-constraint'; readonly schema: string; readonly table: string; readonly name: string }
  | { readonly kind: 'attach-index'; readonly parent: QualifiedName; readonly child: QualifiedName }
  | { readonly kind: 'comment'; readonly schema: string; readonly name: string }
  | { readonly kind: 'set-visibility'; readonly schema: string; readonly table: string; readonly name: string; readonly visible: boolean };

/** One statement of a fix, with what it does. */
export interface Statement {
  readonly sql: string;
  readonly effect: StatementEffect;
}

/** An action rendered for one dialect. */
export interface EmittedAction {
  readonly up: readonly Statement[];
  /** Empty when the action cannot be undone; `irreversible` then says why. */
  readonly down: readonly Statement[];
  /** A statement cannot run inside a transaction block (CONCURRENTLY). */
  readonly outsideTransaction: boolean;
  /** What a person applying it must know (locks it takes, what it cannot restore). */
  readonly notes: readonly string[];
  /** Why there is no way back, or null. */
  readonly irreversible: string | null;
}

/** Session limits every migration runs under. */
export interface MigrationSettings {
  readonly lockTimeoutMs: number;
  /** 0: no limit (index builds on large tables take long; a cancelled concurrent build leaves an INVALID index). */
  readonly statementTimeoutMs: number;
}

/** What a dialect's key syntax allows, for writing an index key back exactly. */
export interface KeySyntax {
  /** Quotes an identifier only as needed (`"Mixed Case"`, `` `order` ``). */
  quoteIdent(name: string): string;
  /** `COLLATE x` after a key (PostgreSQL, SQLite; not MySQL, whose key collation is the column's). */
  readonly keyCollations: boolean;
  /** An operator class after a key (PostgreSQL). */
  readonly operatorClasses: boolean;
  /** `NULLS FIRST` / `NULLS LAST` after a key (PostgreSQL). */
  readonly nullsOrdering: boolean;
}

/** Turns actions into one dialect's DDL. */
export interface DdlEmitter {
  readonly dialect: 'postgres' | 'mysql' | 'sqlite';
  emit(action: FixAction): EmittedAction;
  /** Statements that set the session's limits before a migration. */
  sessionSettings(settings: MigrationSettings): readonly string[];
  /** Statements that put the session back as it was. */
  resetSettings(): readonly string[];
  /** The definition of a new index as its `CREATE INDEX` statement, for reports. */
  describeCreate(index: IndexSpec): string;
  /** How the dialect writes index keys, for showing an index's shape. */
  readonly keySyntax: KeySyntax;
  /**
   * How a table without a primary key gets one the engine numbers itself, with the statement, as a
   * phrase of advice: "an identity column (ALTER TABLE …, which …)".
   */
  describeSurrogateKey(table: QualifiedName): string;
  /** What else a table without a primary key costs on the engine (its replication, its row addresses), as a clause; null when nothing. */
  readonly costWithoutPrimaryKey: string | null;
}

/** A plain column key in ascending order with the type's default operator class and the column's collation. */
export function plainKey(column: string, descending = false): IndexKey {
  return {
    kind: 'column',
    column,
    expression: column,
    referencedColumns: [column],
    opclass: null,
    opclassIsDefault: true,
    opfamily: null,
    collation: null,
    collationIsDefault: true,
    ordering: { descending, nullsFirst: descending },
  };
}

/** A new btree index on `table` with `keys`, nothing else set. */
export function newIndexSpec(
  table: Pick<Table, 'schema' | 'name'>,
  name: string,
  keys: readonly IndexKey[],
  extra: Partial<IndexSpec> = {},
): IndexSpec {
  return {
    schema: table.schema,
    table: table.name,
    name,
    method: 'btree',
    unique: false,
    keys,
    include: [],
    predicate: null,
    nullsNotDistinct: false,
    storageParameters: [],
    tablespace: null,
    comment: null,
    ...extra,
  };
}

/** An expression key (`lower(email)`) over the columns it reads, ascending, default operator class and collation. */
export function expressionKey(expression: string, referencedColumns: readonly string[], descending = false): IndexKey {
  return {
    kind: 'expression',
    column: null,
    expression,
    referencedColumns,
    opclass: null,
    opclassIsDefault: true,
    opfamily: null,
    collation: null,
    collationIsDefault: true,
    ordering: { descending, nullsFirst: descending },
  };
}
