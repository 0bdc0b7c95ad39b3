/**
 * pg_stat_statements as a query source: cumulative calls, time, rows and shared-buffer use per
 * normalized statement of the current database. Read-only: one query to see whether the view is
 * there and readable, one to read it. Never errors a transaction: every reason it cannot be read
 * is checked first and becomes a note.
 */
import { withReadOnlyTransaction } from '../dialects/postgres/introspect/session.js';
import type { Queryable } from '../dialects/types.js';
import type { WorkloadBuilder } from './aggregate.js';

interface Availability {
  readonly version_num: string | number;
  readonly preload: string | null;
  readonly available: boolean;
  readonly installed_schema: string | null;
  readonly installed_version: string | null;
  readonly can_select: boolean | null;
}

interface StatementRow {
  readonly query: string | null;
  readonly calls: string | number;
  readonly total_ms: string | number | null;
  readonly rows: string | number | null;
  readonly hit: string | number | null;
  readonly read: string | number | null;
}

const AVAILABILITY = `
SELECT current_setting('server_version_num') AS version_num,
       -- Superuser-only setting: invisible (null) to a role without pg_read_all_settings.
       (SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries') AS preload,
       EXISTS (SELECT FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available,
       e.extnamespace::regnamespace::text AS installed_schema,
       e.extversion AS installed_version,
       CASE WHEN e.oid IS NULL THEN NULL
            ELSE has_table_privilege(format('%I.pg_stat_statements', e.extnamespace::regnamespace::text), 'SELECT') END AS can_select
  FROM (SELECT 1) AS one
  LEFT JOIN pg_extension e ON e.extname = 'pg_stat_statements'`;

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function loaded(preload: string | null): boolean {
  return (preload ?? '').split(',').some((lib) => lib.trim().replace(/^"|"$/g, '').replace(/^.*\//, '') === 'pg_stat_statements');
}

const NOT_LOADED = 'pg_stat_statements is installed but not loaded: add it to shared_preload_libraries and restart the server';

async function readRows(db: Queryable, view: string, totalColumn: string): Promise<StatementRow[]> {
  const result = await db.query(
    `SELECT s.query, s.calls, s.${totalColumn} AS total_ms, s.rows, s.shared_blks_hit AS hit, s.shared_blks_read AS read
       FROM ${view} AS s
      WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return result.rows as StatementRow[];
}

function num(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}

/** Reads pg_stat_statements of the current database into the builder; says in notes why it could not. */
export async function addStatStatements(builder: WorkloadBuilder, db: Queryable): Promise<void> {
  try {
    // The audit's own session rules: read only, with statement and lock timeouts.
    await withReadOnlyTransaction(db, (tx) => readStatStatements(builder, tx));
  } catch (error) {
    builder.notes.push(`pg_stat_statements not read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function readStatStatements(builder: WorkloadBuilder, db: Queryable): Promise<void> {
  const availability = (await db.query(AVAILABILITY)).rows[0] as Availability | undefined;
  if (!availability) return;
  if (!availability.available) {
    builder.notes.push(
      'pg_stat_statements is not available on this server (PGlite has none; on PostgreSQL install the contrib package); give queries with --log or --queries',
    );
    return;
  }
  if (availability.installed_schema === null) {
    builder.notes.push(
      availability.preload === null
        ? 'pg_stat_statements is not installed in this database: run CREATE EXTENSION pg_stat_statements (it must also be in shared_preload_libraries)'
        : loaded(availability.preload)
          ? 'pg_stat_statements is loaded but not installed in this database: run CREATE EXTENSION pg_stat_statements'
          : 'pg_stat_statements is not installed: add it to shared_preload_libraries, restart the server, then CREATE EXTENSION pg_stat_statements',
    );
    return;
  }
  if (availability.preload !== null && !loaded(availability.preload)) {
    builder.notes.push(NOT_LOADED);
    return;
  }
  if (availability.can_select !== true) {
    builder.notes.push('pg_stat_statements is not readable by this role: GRANT pg_read_all_stats (or pg_monitor), or SELECT on the view');
    return;
  }
  const version = Number(availability.version_num);
  // PostgreSQL 13 split planning from execution time and renamed the columns.
  const totalColumn = version >= 130000 ? 'total_exec_time' : 'total_time';
  const view = `${quoteIdent(availability.installed_schema)}.pg_stat_statements`;
  let rows: StatementRow[];
  // When this role cannot see shared_preload_libraries, reading the view is the test: contain its failure.
  const guarded = availability.preload === null;
  if (guarded) await db.query('SAVEPOINT dbdoctor_stat_statements');
  try {
    rows = await readRows(db, view, totalColumn);
  } catch (error) {
    if (!guarded) throw error;
    await db.query('ROLLBACK TO SAVEPOINT dbdoctor_stat_statements');
    const message = error instanceof Error ? error.message : String(error);
    builder.notes.push(/shared_preload_libraries/.test(message) ? NOT_LOADED : `pg_stat_statements not read: ${message}`);
    return;
  }

  builder.sourcesRead.add('pg_stat_statements');
  let hidden = 0;
  let read = 0;
  for (const row of rows) {
    // Without pg_read_all_stats, other roles' statements show as '<insufficient privilege>'.
    if (row.query === null || row.query.startsWith('<insufficient privilege>')) {
      hidden++;
      continue;
    }
    read++;
    builder.add({
      source: 'pg_stat_statements',
      location: 'pg_stat_statements',
      text: row.query,
      isExample: false,
      calls: Number(row.calls),
      totalMs: num(row.total_ms),
      timedCalls: Number(row.calls),
      rows: num(row.rows),
      sharedBlocksHit: num(row.hit),
      sharedBlocksRead: num(row.read),
    });
  }
  builder.notes.push(
    `pg_stat_statements ${availability.installed_version ?? ''}: ${read} statement${read === 1 ? '' : 's'} of this database`.replace(
      '  ',
      ' ',
    ),
  );
  if (hidden > 0)
    builder.notes.push(
      `pg_stat_statements: ${hidden} statements of other roles hidden from this role (grant pg_read_all_stats to see them)`,
    );
}
