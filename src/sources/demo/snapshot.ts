/**
 * The demo, built once when the package is built: its PGlite data directory (dumpDataDir) and the
 * usage counters its workload produced. PGlite does not keep the cumulative statistics
 * (pg_stat_user_tables, pg_stat_user_indexes) in a dumped data directory — they live in shared
 * memory and PostgreSQL discards them when it starts from a copy that was not shut down — so the
 * rows those views returned right after the workload are recorded with the dump, and the demo's
 * connection answers the introspection's two usage queries with them. Every other query, the
 * planner's included, runs on the restored database, whose catalog and planner statistics
 * (pg_class, pg_statistic) are in the dump.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { Queryable } from '../../dialects/types.js';
import { featuresFor } from '../../dialects/postgres/introspect/queries.js';
import { TABLE_USAGE_QUERY, indexUsageQuery } from '../../dialects/postgres/introspect/queries-statistics.js';
import { createDemoDatabase } from './index.js';

/** Where the build writes the snapshot: dist/demo (this module is dist/src/sources/demo/snapshot.js). */
export const DEMO_SNAPSHOT_DIR: string = fileURLToPath(new URL('../../../demo/', import.meta.url));

const DATA_FILE = 'pgdata.tar.gz';
const STATISTICS_FILE = 'statistics.json';

/** The usage queries' text and the rows they returned on the freshly built demo (all schemas). */
interface RecordedStatistics {
  readonly queries: readonly { readonly text: string; readonly rows: readonly { readonly schema: string }[] }[];
}

async function usageQueries(db: Queryable): Promise<string[]> {
  const { rows } = await db.query("SELECT current_setting('server_version_num')::int AS v");
  return [TABLE_USAGE_QUERY, indexUsageQuery(featuresFor(Number((rows[0] as { v: number }).v)))];
}

/** Builds the demo and writes its data directory and recorded usage counters to `dir`. */
export async function writeDemoSnapshot(dir: string = DEMO_SNAPSHOT_DIR): Promise<void> {
  const db = await createDemoDatabase();
  try {
    const queries = [];
    for (const text of await usageQueries(db)) {
      queries.push({ text, rows: (await db.query(text, [null])).rows as { schema: string }[] });
    }
    const data = await db.dumpDataDir('gzip');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, DATA_FILE), Buffer.from(await data.arrayBuffer()));
    await writeFile(join(dir, STATISTICS_FILE), JSON.stringify({ queries } satisfies RecordedStatistics));
  } finally {
    await db.close();
  }
}

/** The demo started from the snapshot: its connection (answering the usage queries from the record) and how to close it. */
export interface DemoSnapshot {
  readonly db: Queryable;
  close(): Promise<void>;
}

/** Starts the demo from the snapshot in `dir`; null when there is none (a checkout that was not built). */
export async function openDemoSnapshot(dir: string = DEMO_SNAPSHOT_DIR): Promise<DemoSnapshot | null> {
  let data: Buffer;
  let recorded: RecordedStatistics;
  try {
    data = await readFile(join(dir, DATA_FILE));
    recorded = JSON.parse(await readFile(join(dir, STATISTICS_FILE), 'utf8')) as RecordedStatistics;
  } catch {
    return null;
  }
  const lite = await PGlite.create({ loadDataDir: new Blob([new Uint8Array(data)]) });
  const answers = new Map(recorded.queries.map((q) => [q.text, q.rows]));
  // exec stays PGlite's own: the planner step sends EXPLAIN (GENERIC_PLAN) over the simple protocol through it.
  const db: Queryable & Pick<PGlite, 'exec'> = {
    exec: (sql, options) => lite.exec(sql, options),
    query: async (text, params) => {
      const rows = answers.get(text);
      if (rows === undefined) return lite.query(text, params);
      // The usage queries take one parameter: the schemas to keep, or null for all.
      const schemas = params?.[0];
      return { rows: Array.isArray(schemas) ? rows.filter((r) => schemas.includes(r.schema)) : [...rows] };
    },
  };
  return { db, close: () => lite.close() };
}
