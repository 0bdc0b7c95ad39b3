/**
 * Index and table usage from performance_schema: rows read per index
 * (table_io_waits_summary_by_index_usage) and rows read and written per table
 * (table_io_waits_summary_by_table), counted since the server started. These are row
 * operations, not scans: a model that carries them says so (`countsRows`).
 */
import type { IndexUsage, TableUsage } from '../../model/types.js';
import { countOf } from './map-tables.js';
import { INDEX_IO_QUERY, INSTRUMENTATION_QUERY, TABLE_IO_QUERY } from './queries.js';
import type { IndexIoRow, InstrumentationRow, TableIoRow } from './rows.js';
import { tryRows, type MysqlQueryable } from './session.js';

/** Usage read from performance_schema, by `schema\0table` and `schema\0table\0index`. */
export interface MysqlUsage {
  /** Whether usage could be read at all (performance_schema ON, instrumented, readable). */
  readonly readable: boolean;
  readonly tables: ReadonlyMap<string, TableUsage>;
  readonly indexes: ReadonlyMap<string, IndexUsage>;
  /** Tables whose I/O is not counted (setup_objects), so their usage is unknown. */
  readonly untracked: readonly string[];
  readonly limitations: readonly string[];
}

const UNREADABLE = (limitation: string): MysqlUsage => ({
  readable: false,
  tables: new Map(),
  indexes: new Map(),
  untracked: [],
  limitations: [limitation],
});

/**
 * Whether performance_schema counts a table's I/O: the setup_objects row that matches it most
 * closely decides (an exact schema and table name, then the schema with `%`, then `%` for both);
 * no matching row means not counted. Names other than exact or `%` are treated as not matching.
 */
function objectInstrumented(objects: readonly InstrumentationRow[], schema: string, table: string): boolean {
  let best: { rank: number; enabled: boolean } | null = null;
  for (const row of objects) {
    const schemaMatch = row.name === schema ? 2 : row.name === '%' ? 0 : -1;
    const tableMatch = row.object_name === table ? 1 : row.object_name === '%' ? 0 : -1;
    if (schemaMatch < 0 || tableMatch < 0) continue;
    const rank = schemaMatch + tableMatch;
    if (best === null || rank > best.rank) best = { rank, enabled: row.enabled === 'YES' };
  }
  return best?.enabled ?? false;
}

/** What the usage reading needs to know of the server and the tables. */
export interface UsageContext {
  readonly performanceSchema: string | undefined;
  /** Sum of the Performance_schema_*_lost counters: above zero, some tables or indexes went untracked. */
  readonly lost: number;
  /** `schema\0table` → the table's row estimate, for TableUsage.liveTuples. */
  readonly tables: ReadonlyMap<string, { readonly schema: string; readonly name: string; readonly rowEstimate: number | null }>;
}

/** Reads index and table usage for the tables of `context`, in three queries, or says why it cannot. */
export async function readMysqlUsage(db: MysqlQueryable, schemas: readonly string[], context: UsageContext): Promise<MysqlUsage> {
  if ((context.performanceSchema ?? '').toUpperCase() !== 'ON') {
    return UNREADABLE(
      'performance_schema is OFF on this server: index and table usage (rows read and written) are unknown, so no index can be judged unused (enable it with performance_schema=ON in the server configuration; it takes a restart)',
    );
  }
  const [setup, indexIo, tableIo] = await Promise.all([
    tryRows<InstrumentationRow>(db, INSTRUMENTATION_QUERY),
    tryRows<IndexIoRow>(db, INDEX_IO_QUERY, [schemas]),
    tryRows<TableIoRow>(db, TABLE_IO_QUERY, [schemas]),
  ]);
  const refused = [setup, indexIo, tableIo].find((r) => r.rows === null)?.refused;
  if (refused !== undefined || setup.rows === null || indexIo.rows === null || tableIo.rows === null) {
    return UNREADABLE(`performance_schema could not be read (${refused ?? 'no answer'}): index and table usage are unknown`);
  }
  const instrument = setup.rows.find((r) => r.kind === 'instrument');
  const consumer = setup.rows.find((r) => r.kind === 'consumer');
  if (instrument?.enabled !== 'YES' || consumer?.enabled !== 'YES') {
    return UNREADABLE(
      'performance_schema does not count table I/O (instrument wait/io/table/sql/handler or consumer global_instrumentation is disabled): index and table usage are unknown',
    );
  }
  const objects = setup.rows.filter((r) => r.kind === 'object');

  const indexRows = new Map<string, IndexIoRow[]>();
  for (const row of indexIo.rows) {
    const key = `${row.object_schema}\u0000${row.object_name}`;
    const list = indexRows.get(key);
    if (list) list.push(row);
    else indexRows.set(key, [row]);
  }
  const tableRows = new Map(tableIo.rows.map((r) => [`${r.object_schema}\u0000${r.object_name}`, r]));

  const tables = new Map<string, TableUsage>();
  const indexes = new Map<string, IndexUsage>();
  const untracked: string[] = [];
  for (const [key, table] of context.tables) {
    if (!objectInstrumented(objects, table.schema, table.name)) {
      untracked.push(`${table.schema}.${table.name}`);
      continue;
    }
    let readThroughIndexes = 0;
    let readByScans: number | null = null;
    for (const row of indexRows.get(key) ?? []) {
      const read = countOf(row.count_read) ?? 0;
      if (row.index_name === null) {
        readByScans = read;
        continue;
      }
      readThroughIndexes += read;
      indexes.set(`${key}\u0000${row.index_name}`, {
        scans: read,
        tuplesRead: read,
        tuplesFetched: countOf(row.count_fetch) ?? 0,
        lastScanAt: null,
        countsRows: true,
      });
    }
    const io = tableRows.get(key);
    if (!io) continue;
    const fetched = countOf(io.count_fetch) ?? 0;
    const scanned = readByScans ?? Math.max(0, fetched - readThroughIndexes);
    tables.set(key, {
      seqScans: scanned,
      seqTuplesRead: scanned,
      indexScans: readThroughIndexes,
      indexTuplesFetched: readThroughIndexes,
      inserts: countOf(io.count_insert) ?? 0,
      updates: countOf(io.count_update) ?? 0,
      // InnoDB has no heap-only updates: an update that changes no indexed column writes no index entry, but the counters do not tell which did.
      hotUpdates: 0,
      deletes: countOf(io.count_delete) ?? 0,
      liveTuples: table.rowEstimate ?? 0,
      deadTuples: 0,
      lastVacuum: null,
      lastAutovacuum: null,
      lastAnalyze: null,
      lastAutoanalyze: null,
      countsRows: true,
    });
  }

  const limitations = [
    'performance_schema counts rows read and written since the server started (or since its summary tables were last truncated, which dbdoctor cannot see), not scans',
  ];
  if (untracked.length > 0) {
    limitations.push(
      `performance_schema does not count I/O of ${untracked.length} table${untracked.length === 1 ? '' : 's'} (setup_objects): their usage is unknown (${untracked.slice(0, 5).join(', ')}${untracked.length > 5 ? ', …' : ''})`,
    );
  }
  if (context.lost > 0) {
    limitations.push(
      'performance_schema ran out of room for some tables or indexes (Performance_schema_*_lost > 0): those it does not list have unknown usage',
    );
  }
  return { readable: true, tables, indexes, untracked, limitations };
}

/** Since when the usage counters of the tables read count, and why not since the server started. */
export interface CountersWindow {
  /** Seconds before the reading since which every table's counters count. */
  readonly secondsAgo: number;
  /** Why that is later than the server's start, or null when it is not. */
  readonly limitation: string | null;
}

/**
 * performance_schema keeps a table's counters with its definition in memory: they start again when
 * the table is created or altered (any ALTER TABLE rewrites the definition, and CREATE_TIME with it).
 * A table changed after the server started has counted for less than the uptime, so the usage read
 * counts only since the latest such change: "never read since the server started" would otherwise
 * call an index unused that was read before an ALTER TABLE. Counters lost when a definition leaves
 * the table definition cache leave no trace and cannot be seen. CREATE_TIME and Uptime count whole
 * seconds: a change in the server's first second counts as after its start.
 */
export function countersWindow(
  tables: readonly { readonly schema: string; readonly name: string; readonly changedSecondsAgo: number | null }[],
  uptimeSeconds: number,
): CountersWindow {
  const changed = tables
    .filter((t) => t.changedSecondsAgo !== null && t.changedSecondsAgo <= uptimeSeconds)
    .sort((a, b) => a.changedSecondsAgo! - b.changedSecondsAgo!);
  const latest = changed[0];
  if (latest === undefined) return { secondsAgo: uptimeSeconds, limitation: null };
  const names = changed.map((t) => `${t.schema}.${t.name}`);
  return {
    secondsAgo: latest.changedSecondsAgo!,
    limitation: `${changed.length} table${changed.length === 1 ? ' was' : 's were'} created or altered since the server started (information_schema.TABLES.CREATE_TIME), which restarts their performance_schema counters: usage counts only since the latest change, ${latest.schema}.${latest.name} ${latest.changedSecondsAgo} seconds before this reading (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`,
  };
}
