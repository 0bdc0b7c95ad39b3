/**
 * The built-in demo behind `dbdoctor audit --demo`: the application the seed audit describes,
 * rebuilt in PGlite (PostgreSQL in WebAssembly) with a synthetic history, so the audit has
 * real catalog entries and real statistics to work from without any server.
 */
import { PGlite } from '@electric-sql/pglite';
import { DEMO_SCHEMA_SQL, FAILED_UNIQUE_INDEX } from './schema.js';
import { flushStatistics, runReadWorkload, runWriteWorkload } from './workload.js';

export { DEMO_TABLES, FAILED_UNIQUE_INDEX } from './schema.js';
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
