/**
 * The built-in demo behind `dbdoctor audit --demo`: the application the seed audit describes,
 * rebuilt in PGlite (PostgreSQL in WebAssembly) with a synthetic history, so the audit has
 * real catalog entries and real statistics to work from without any server.
 */
import { PGlite } from '@electric-sql/pglite';
import { DEMO_SCHEMA_SQL, FAILED_UNIQUE_INDEX } from './schema.js';
import { flushStatistics, runReadWorkload, runWriteWorkload } from './workload.js';

export { DEMO_TABLES, FAILED_UNIQUE_INDEX, type DemoTable } from './schema.js';
export { DEMO_QUERY_FILE, READ_QUERIES, type ReadQuery } from './queries.js';

/** What the demo database is, in one paragraph for the head of a report. */
export const DEMO_DESCRIPTION: string =
  'The demo is the SQLAlchemy application from the hand-written audit in shared/seed (users, datasets, ' +
  'HPO campaigns, experiments, training runs, API keys, email and webhook logs, API request logs, ' +
  'notification preferences, experiment tags, saved searches), created exactly as SQLAlchemy emits it ' +
  'and loaded into an in-memory PGlite (PostgreSQL 18) with a deterministic synthetic workload: tens of ' +
  'thousands of batched log-table writes with their updates and retention deletes, then a few hundred ' +
  'typical reads. It holds the problems that audit really has (indexes duplicated by unique=True plus ' +
  'Index(), single-column indexes made redundant by composites they lead, foreign keys without any index, ' +
  'over-indexed log tables, and an index left INVALID by a failed CREATE UNIQUE INDEX CONCURRENTLY), ' +
  'and also the indexes that audit wrongly called duplicates, which must not be reported.';

/** SQLSTATE unique_violation: what a unique index build over duplicate values fails with. */
const UNIQUE_VIOLATION = '23505';

function isFailedBuildOf(error: unknown, indexName: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === UNIQUE_VIOLATION && typeof message === 'string' && message.includes(`"${indexName}"`);
}

/**
 * Replays the failed migration. CREATE INDEX CONCURRENTLY commits the index's catalog entry
 * before building it, so when the build hits a duplicate the entry stays, marked INVALID:
 * that leftover is the point. Any other error means the demo is broken and is rethrown.
 */
async function replayFailedUniqueIndex(db: PGlite): Promise<void> {
  try {
    await db.exec(FAILED_UNIQUE_INDEX.sql);
  } catch (error) {
    if (isFailedBuildOf(error, FAILED_UNIQUE_INDEX.name)) return;
    throw error;
  }
  throw new Error(`demo: ${FAILED_UNIQUE_INDEX.name} was expected to fail on duplicate request ids, but it was built`);
}

/**
 * Builds the demo database in memory: the schema, the write workload, the failed
 * unique-index migration, the read workload, and the statistics flushed so that
 * pg_stat_user_tables and pg_stat_user_indexes show them. The same every time; takes a few
 * seconds (most of it PGlite starting). The caller closes it.
 */
export async function createDemoDatabase(): Promise<PGlite> {
  const db = new PGlite();
  try {
    await db.exec(DEMO_SCHEMA_SQL);
    await runWriteWorkload(db);
    await replayFailedUniqueIndex(db);
    await runReadWorkload(db);
    await flushStatistics(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}
