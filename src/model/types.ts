/**
 * The dialect-neutral schema model. Every introspector and source reader produces a
 * {@link SchemaModel}; every rule reads one. Everything here is readonly data: no methods,
 * no database handles, so a model can be serialised, cached and compared.
 */

/** A schema-qualified name. */
export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

/** The database product a model was read from. */
export type Dialect = 'postgres' | 'mysql' | 'sqlite';

/**
 * Where an object is declared in a file the user can edit: a schema dump, a migration, an ORM
 * model. Lines and columns are 1-based; columns count characters (code points), not bytes.
 */
export interface SourceLocation {
  /** The path as the user gave it (relative paths stay relative). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** What can be known about a database, so rules can say when they could not look. */
export interface Capabilities {
  /** Cumulative usage statistics (scans, writes) were readable. */
  readonly usageStatistics: boolean;
  /** Relation sizes were readable. */
  readonly sizes: boolean;
  /** Indexes on foreign-key columns are created automatically (InnoDB), so none can be missing. */
  readonly foreignKeysAutoIndexed: boolean;
  /** Indexes can be built and dropped without blocking writes (`CONCURRENTLY`). */
  readonly concurrentIndexBuild: boolean;
  /** Partial indexes (`WHERE` predicate) exist. */
  readonly partialIndexes: boolean;
  /**
   * Settings and statistics describe the server the application runs on; false for a schema
   * file loaded into a scratch database, whose settings mean nothing for the application.
   */
  readonly serverSettings?: boolean;
  /**
   * The engine refuses to drop the last index whose leading columns are a foreign key's (InnoDB,
   * error 1553), and creates one when a foreign key is added without it.
   */
  readonly foreignKeyNeedsIndex?: boolean;
  /** A partial index can serve the lookup of a foreign-key check (PostgreSQL: when the predicate follows; SQLite: never). */
  readonly partialIndexesServeForeignKeys?: boolean;
  /** Longest identifier in bytes (PostgreSQL 63, MySQL 64); longer names are cut or refused. */
  readonly identifierMaxBytes?: number;
  /** How an index is hidden from the planner without dropping it, where the server can. */
  readonly indexVisibility?: 'invisible' | 'ignored' | null;
  /** An index that implements a UNIQUE or PRIMARY KEY constraint can be dropped with the constraint (SQLite: never). */
  readonly constraintIndexesDroppable?: boolean;
  /**
   * How an index is built or dropped while writes go on: `concurrently` (PostgreSQL CREATE/DROP INDEX
   * CONCURRENTLY), `inplace-lock-none` (MySQL/MariaDB InnoDB `ALGORITHM=INPLACE, LOCK=NONE`: writes continue,
   * with brief exclusive metadata locks at start and end; not for MyISAM or MEMORY tables), or null where
   * building an index blocks writes (SQLite).
   */
  readonly onlineIndexBuild?: 'concurrently' | 'inplace-lock-none' | null;
  /**
   * Where index names must be unique: per `schema` (PostgreSQL, SQLite: shared with tables and views) or per
   * `table` (MySQL: every table has an index named PRIMARY). With `table`, identify an index by schema, table
   * and name. Absent means `schema`.
   */
  readonly indexNamespace?: 'schema' | 'table';
  /**
   * An existing unique index can become the primary key without a rebuild (PostgreSQL `ADD PRIMARY KEY
   * USING INDEX`); false where a primary key means rebuilding the table (SQLite) or the unique index
   * already is its clustered key (InnoDB). Absent means true.
   */
  readonly primaryKeyFromIndex?: boolean;
  /**
   * dbdoctor writes a partitioning plan for this engine (PostgreSQL declarative RANGE partitioning);
   * false where it cannot: MySQL/MariaDB partition with other statements (not written yet), SQLite
   * has no partitioning. Absent means true.
   */
  readonly partitioningPlan?: boolean;
  /** The planner skips through a B-tree's few leading values to search by a later key (PostgreSQL 18+). Absent means false. */
  readonly btreeSkipScan?: boolean;
}

/** Table kinds, partitioning included; materialized views are indexed like tables. */
export type TableKind = 'table' | 'partitioned' | 'partition' | 'materialized-view';

/** Cumulative statistics of a table since `statsResetAt` (PostgreSQL: pg_stat_user_tables). */
export interface TableUsage {
  readonly seqScans: number;
  readonly seqTuplesRead: number;
  readonly indexScans: number;
  readonly indexTuplesFetched: number;
  readonly inserts: number;
  readonly updates: number;
  readonly hotUpdates: number;
  readonly deletes: number;
  readonly liveTuples: number;
  readonly deadTuples: number;
  readonly lastVacuum: string | null;
  readonly lastAutovacuum: string | null;
  readonly lastAnalyze: string | null;
  readonly lastAutoanalyze: string | null;
  /**
   * True when the scan fields count rows rather than scans (MySQL performance_schema counts row operations):
   * `seqScans` and `seqTuplesRead` are then rows read without an index, `indexScans` and `indexTuplesFetched`
   * rows read through indexes. Zero still means none; a count is not comparable with PostgreSQL's. Absent means false.
   */
  readonly countsRows?: boolean;
}

/** A column of a table. */
export interface Column {
  readonly name: string;
  /** 1-based position in the table (PostgreSQL attnum). */
  readonly position: number;
  /** The type as the database prints it, e.g. `character varying(255)`. */
  readonly type: string;
  readonly notNull: boolean;
  /** Collation name when it differs from the type's default, else null. */
  readonly collation: string | null;
  /**
   * Broad kind of the type, for rules that reason about values rather than type names
   * (PostgreSQL: pg_type.typcategory mapped to words; domains resolved to their base type).
   */
  readonly typeCategory: TypeCategory;
  /** Planner statistics of the column (PostgreSQL: pg_stats), null when never analyzed or not readable. */
  readonly statistics: ColumnStatistics | null;
}

/** What kind of values a column holds. */
export type TypeCategory =
  | 'boolean'
  | 'enum'
  | 'numeric'
  | 'string'
  | 'datetime'
  | 'timespan'
  | 'uuid'
  | 'json'
  | 'array'
  | 'network'
  | 'geometric'
  | 'range'
  | 'bitstring'
  | 'other';

/** Planner statistics of one column, as ANALYZE last sampled them. */
export interface ColumnStatistics {
  /** Fraction of rows that are NULL (0..1). */
  readonly nullFraction: number;
  /**
   * Distinct values as the planner stores them: a positive count, or a negative fraction of
   * the rows (-1: every value distinct), as in pg_stats.n_distinct.
   */
  readonly rawDistinct: number;
  /** Distinct non-null values estimated from `rawDistinct` and the table's row estimate; null if unknown. */
  readonly distinctValues: number | null;
  /** Frequencies of the most common values, most common first (empty when none stand out). */
  readonly mostCommonFrequencies: readonly number[];
  /** The most common values as text, parallel to `mostCommonFrequencies` (empty when unreadable). */
  readonly mostCommonValues: readonly string[];
  /** Correlation of physical order with value order (-1..1), null when not computed. */
  readonly correlation: number | null;
  /** Average width in bytes. */
  readonly averageWidth: number;
  /** Inherited statistics (of a partitioned table over its partitions). */
  readonly inherited: boolean;
  /**
   * False when `mostCommonFrequencies` may leave out values that stand out: an equi-height histogram keeps a
   * value's frequency only when the value fills a bucket of its own, a binary MariaDB histogram keeps none. An
   * empty or short list then says nothing about skew. Absent means true (PostgreSQL's MCV list, a MySQL
   * singleton histogram).
   */
  readonly mostCommonComplete?: boolean;
  /**
   * False when the source does not measure value widths (MySQL 8 histograms): `averageWidth` is then 0 and
   * means nothing. Absent means true.
   */
  readonly averageWidthKnown?: boolean;
}

/** A table, partitioned table or partition. */
export interface Table extends QualifiedName {
  readonly kind: TableKind;
  /** For a partition: the partitioned table it is attached to. */
  readonly parent: QualifiedName | null;
  readonly columns: readonly Column[];
  /** Planner row estimate (reltuples); null when the table was never analyzed. */
  readonly rowEstimate: number | null;
  /** Heap size in bytes (without indexes and TOAST), null when unknown. */
  readonly sizeBytes: number | null;
  /** Total size of its indexes in bytes, null when unknown. */
  readonly indexesSizeBytes: number | null;
  /** Usage statistics, null when they could not be read. */
  readonly usage: TableUsage | null;
  /** Name of the index used as REPLICA IDENTITY, if one is. */
  readonly replicaIdentityIndex: string | null;
  readonly comment: string | null;
  /** Storage engine where the database has several (MySQL: InnoDB, MyISAM, …); absent elsewhere. */
  readonly engine?: string | null;
  /**
   * Rows are stored in primary-key order (InnoDB, SQLite WITHOUT ROWID): every secondary index
   * implicitly ends with the primary key's columns.
   */
  readonly clusteredOnPrimaryKey?: boolean;
  /** Where the table is declared (a schema file, a migration, an ORM model). */
  readonly location?: SourceLocation;
  /**
   * SQLite rowid tables: the `INTEGER PRIMARY KEY` column that is the rowid (the key of the table's own b-tree),
   * or null when the table has none. Absent for WITHOUT ROWID tables and other dialects. The model lists such a
   * primary key as an index with `clustered: true` (it is the table, not a separate index).
   */
  readonly rowidAlias?: string | null;
}

/** Sort direction and NULLS placement of one btree key. */
export interface KeyOrdering {
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** One key of an index: a plain column or an expression. */
export interface IndexKey {
  readonly kind: 'column' | 'expression';
  /** Column name for a column key; null for an expression. */
  readonly column: string | null;
  /** Deparsed expression for an expression key, and the quoted column name for a column key. */
  readonly expression: string;
  /** Columns the key reads (an expression may read several). */
  readonly referencedColumns: readonly string[];
  /** Operator class, schema-qualified (`pg_catalog.text_pattern_ops`). */
  readonly opclass: string | null;
  /** True when the operator class is the default for the key's type and access method. */
  readonly opclassIsDefault: boolean;
  /** Operator family of the operator class, schema-qualified; decides which operators can use the key. */
  readonly opfamily: string | null;
  /** Collation, schema-qualified, or null for a non-collatable key. */
  readonly collation: string | null;
  /** True when the collation is the one the column (or expression) has anyway. */
  readonly collationIsDefault: boolean;
  /** Sort order, only for access methods that order (btree); null otherwise. */
  readonly ordering: KeyOrdering | null;
  /** MySQL prefix key `name(10)`: only the first N characters (bytes for binary types) are indexed; absent for the whole value. */
  readonly prefixLength?: number;
}

/** The constraint an index backs. */
export interface BackedConstraint {
  readonly name: string;
  readonly type: 'primary' | 'unique' | 'exclusion';
  /** False for DEFERRABLE constraints: they do not enforce at statement end. */
  readonly immediate: boolean;
  /** Definition as the database prints it, e.g. `UNIQUE (user_id, event_type)`. */
  readonly definition: string;
}

/** Usage statistics of an index (PostgreSQL: pg_stat_user_indexes). */
export interface IndexUsage {
  readonly scans: number;
  readonly tuplesRead: number;
  readonly tuplesFetched: number;
  /** Last scan time where the server tracks it (PostgreSQL 16+), else null. */
  readonly lastScanAt: string | null;
  /**
   * True when `scans` counts rows read through the index, not scans started (MySQL performance_schema):
   * zero still means never used; a count is not comparable with PostgreSQL's. Absent means false.
   */
  readonly countsRows?: boolean;
}

/** An index with everything that decides what it can do. */
export interface Index extends QualifiedName {
  /** The table it is on (same schema as the index in PostgreSQL). */
  readonly table: string;
  /** Access method: btree, hash, gist, gin, spgist, brin, … */
  readonly method: string;
  readonly keys: readonly IndexKey[];
  /** INCLUDE (non-key) columns, in declaration order. */
  readonly include: readonly string[];
  /** Deparsed predicate of a partial index, or null. */
  readonly predicate: string | null;
  readonly unique: boolean;
  readonly primary: boolean;
  /** UNIQUE NULLS NOT DISTINCT (PostgreSQL 15+). */
  readonly nullsNotDistinct: boolean;
  /** The constraint this index implements, if any. */
  readonly constraint: BackedConstraint | null;
  /** Usable by queries (false after a failed CREATE INDEX CONCURRENTLY, or a partitioned index missing partitions). */
  readonly valid: boolean;
  /** Maintained on writes (indisready). */
  readonly ready: boolean;
  /** Index on a partitioned table (it has no storage of its own). */
  readonly partitioned: boolean;
  /** For a partition's index: the partitioned index it is attached to. */
  readonly parentIndex: QualifiedName | null;
  /** Foreign-key constraints that depend on this index (they reference the table through it). */
  readonly referencedByForeignKeys: readonly QualifiedName[];
  /** This index is the table's REPLICA IDENTITY. */
  readonly replicaIdentity: boolean;
  /** Size in bytes, null when unknown. */
  readonly sizeBytes: number | null;
  /** The exact definition (`pg_get_indexdef`). */
  readonly definition: string;
  readonly tablespace: string | null;
  /** Storage parameters (`fillfactor=70`). */
  readonly storageParameters: readonly string[];
  readonly comment: string | null;
  readonly usage: IndexUsage | null;
  /** Increases with creation time where the database tells (PostgreSQL: the OID), else null. */
  readonly creationOrder: number | null;
  /**
   * Scans on every node whose statistics were read (the primary first, then each `--replica`);
   * present only when replicas were read. An index is unused only if unused on every node.
   */
  readonly usageByNode?: readonly IndexNodeUsage[];
  /**
   * Keys the engine appends to the declared ones (InnoDB and SQLite WITHOUT ROWID secondary
   * indexes end with the primary key's columns); absent when there are none.
   */
  readonly implicitKeys?: readonly IndexKey[];
  /** False when the planner ignores the index though it is maintained (MySQL INVISIBLE, MariaDB IGNORED); absent means visible. */
  readonly visible?: boolean;
  /** Where the index (or the `index=True` column, or the constraint that creates it) is declared. */
  readonly location?: SourceLocation;
  /**
   * The table's rows are stored in this index (InnoDB PRIMARY KEY, SQLite WITHOUT ROWID primary key, SQLite
   * INTEGER PRIMARY KEY rowid): it is the table itself, cannot be dropped on its own and costs no extra writes.
   */
  readonly clustered?: boolean;
  /**
   * Estimated distinct values of each leading prefix of the keys: [0] for the first key, [1] for the first two,
   * … (MySQL information_schema.STATISTICS.CARDINALITY per key part; SQLite sqlite_stat1: rows ÷ average rows per
   * key). An entry is null where the server keeps no estimate; absent when the source has none at all.
   */
  readonly keyPrefixDistinct?: readonly (number | null)[];
}

/** An index's scans on one node (primary or standby). */
export interface IndexNodeUsage {
  /** The node: a URL without credentials, or the target's name. */
  readonly node: string;
  /** Scans since that node's statistics reset; null when the node did not list the index. */
  readonly scans: number | null;
  readonly statsResetAt: string | null;
}

/** A server whose statistics an audit read: the primary, or a standby given with `--replica`. */
export interface StatisticsNode {
  readonly node: string;
  readonly statsResetAt: string | null;
  /** When the node was read (its `now()`). */
  readonly readAt: string;
  /** pg_is_in_recovery(): true on a standby. */
  readonly inRecovery: boolean;
}

/** One column pair of a foreign key. */
export interface ForeignKeyColumn {
  readonly column: string;
  readonly referencedColumn: string;
  /**
   * Operator families that contain the equality operator the referential checks use for this
   * column; an index key serves the check only if its operator family is one of them.
   */
  readonly equalityOpfamilies: readonly string[];
  /** Collation of the referencing column (null where it has none or the engine's default). */
  readonly collation: string | null;
  /**
   * The collation the referential check compares with, where it is not the referencing column's
   * own: SQLite compares with the referenced column's (a NOCASE parent key). An index serves the
   * check only with this collation on the key.
   */
  readonly checkCollation?: string;
}

/** A foreign-key constraint. */
export interface ForeignKey extends QualifiedName {
  readonly table: string;
  readonly columns: readonly ForeignKeyColumn[];
  readonly referencedTable: QualifiedName;
  readonly onDelete: string;
  readonly onUpdate: string;
  /** False while NOT VALID. */
  readonly validated: boolean;
  readonly definition: string;
  /** Where the foreign key is declared (an ORM model: the column that carries it). */
  readonly location?: SourceLocation;
}

/** Database-wide facts that frame the statistics. */
export interface DatabaseInfo {
  readonly name: string | null;
  readonly serverVersion: string;
  /** Numeric version, e.g. 150004. */
  readonly serverVersionNum: number;
  /** When cumulative statistics were last reset, null if never or unknown. */
  readonly statsResetAt: string | null;
  /** When the database was read. */
  readonly readAt: string;
  /**
   * Server settings that matter to an audit (track_counts, track_io_timing,
   * log_min_duration_statement, shared_preload_libraries, max_connections, …), by name, as
   * pg_settings.setting holds them (in the setting's base unit: ms for log_min_duration_statement);
   * a setting the server does not have is absent.
   */
  readonly settings: { readonly [name: string]: string };
  /** Extensions installed in this database, with their versions. */
  readonly extensions: readonly { readonly name: string; readonly version: string; readonly schema: string }[];
  /** Whether the server is a standby (pg_is_in_recovery()). */
  readonly inRecovery: boolean;
  /** The database's default collation (PostgreSQL: pg_database.datcollate), when known. */
  readonly defaultCollation?: string | null;
  /** When the database was created, where the server can tell (PostgreSQL: its directory's PG_VERSION file, readable with pg_read_server_files). */
  readonly createdAt?: string | null;
  /**
   * Since when the server's cumulative statistics have counted without being discarded (a crash
   * recovery discards them): PostgreSQL's pg_stat_bgwriter.stats_reset.
   */
  readonly clusterStatsSince?: string | null;
}

/** A whole database (or schema file) as the rules see it. */
export interface SchemaModel {
  readonly dialect: Dialect;
  readonly capabilities: Capabilities;
  readonly database: DatabaseInfo;
  readonly schemas: readonly string[];
  readonly tables: readonly Table[];
  readonly indexes: readonly Index[];
  readonly foreignKeys: readonly ForeignKey[];
  /**
   * Relations of the schemas read that are neither a table nor an index of this model
   * (sequences, views, composite types, foreign tables, extension-owned tables and their
   * indexes): their names are taken for a new index too. Absent when the source cannot tell.
   */
  readonly otherRelations?: readonly QualifiedName[];
  /** What could not be read, in words a user understands (missing privileges, …). */
  readonly limitations: readonly string[];
  /** Every node whose index usage was read, the primary first; present only when replicas were read. */
  readonly statisticsNodes?: readonly StatisticsNode[];
  /** What the application's models declare (`--models`), to compare with the database; absent otherwise. */
  readonly declared?: DeclaredSchema;
}

/** An index, unique constraint or primary key the application's models declare. */
export interface DeclaredIndexRef {
  readonly schema: string;
  readonly table: string;
  /** The name the models give it (a naming convention, SQLAlchemy's `ix_<table>_<column>`, or the database's default). */
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly primaryKey: boolean;
  readonly location: SourceLocation;
}

/** The tables and indexes an application's models declare (SQLAlchemy models given with `--models`). */
export interface DeclaredSchema {
  /** The models path as the user gave it. */
  readonly source: string;
  readonly tables: readonly (QualifiedName & { readonly location: SourceLocation })[];
  readonly indexes: readonly DeclaredIndexRef[];
}
