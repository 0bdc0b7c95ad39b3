/** A small, hand-built audit result for reporter tests: no database needed. */
import { summarize } from '../../src/audit/summary.js';
import type { AuditResult } from '../../src/audit/types.js';
import type { Index, SchemaModel, Table } from '../../src/model/types.js';
import { columnKey, fakeIndex } from '../helpers/model.js';
import type { Finding } from '../../src/rules/types.js';
import { renderFix } from '../../src/audit/fixes.js';
import { postgresEmitter } from '../../src/dialects/postgres/ddl.js';
import { newIndexSpec, plainKey, type FixAction } from '../../src/model/actions.js';

/** The finding with its actions rendered into `fix` for PostgreSQL, as an audit does. */
export function withFix(finding: Finding): Finding {
  const fix = renderFix(finding, postgresEmitter);
  return fix === undefined ? finding : { ...finding, fix };
}

/** Drops the index of the fixture model with this name. */
function dropOf(name: string): FixAction {
  const index = makeModel().indexes.find((i) => i.name === name)!;
  return { kind: 'drop-index', index, attached: [] };
}

/** A plain btree index on `public.<table>`; override what a test needs. */
export function makeIndex(table: string, name: string, columns: readonly string[], extra: Partial<Index> = {}): Index {
  return fakeIndex({
    name,
    table,
    keys: columns.map((c) => columnKey(c, { opclass: null, opfamily: null })),
    sizeBytes: 8192,
    definition: `CREATE INDEX ${name} ON public.${table} USING btree (${columns.join(', ')})`,
    usage: { scans: 0, tuplesRead: 0, tuplesFetched: 0, lastScanAt: null },
    creationOrder: null,
    ...extra,
  });
}

/** A table in `public` with no columns listed (reporters never read them). */
export function makeTable(name: string, extra: Partial<Table> = {}): Table {
  return {
    schema: 'public',
    name,
    kind: 'table',
    parent: null,
    columns: [],
    rowEstimate: 10_000,
    sizeBytes: 1_258_291,
    indexesSizeBytes: null,
    usage: null,
    replicaIdentityIndex: null,
    comment: null,
    ...extra,
  };
}

/** The model behind the findings below. */
function makeModel(limitations: readonly string[] = []): SchemaModel {
  return {
    dialect: 'postgres',
    capabilities: { usageStatistics: true, sizes: true, foreignKeysAutoIndexed: false, concurrentIndexBuild: true, partialIndexes: true },
    database: {
      name: 'app',
      serverVersion: '16.4',
      serverVersionNum: 160004,
      statsResetAt: null,
      readAt: '2025-01-01T00:00:00Z',
      settings: {},
      extensions: [],
      inRecovery: false,
    },
    schemas: ['public'],
    tables: [makeTable('users'), makeTable('orders')],
    indexes: [
      makeIndex('users', 'users_pkey', ['id'], {
        unique: true,
        primary: true,
        constraint: { name: 'users_pkey', type: 'primary', immediate: true, definition: 'PRIMARY KEY (id)' },
      }),
      makeIndex('users', 'users_email_key', ['email'], {
        unique: true,
        constraint: { name: 'users_email_key', type: 'unique', immediate: true, definition: 'UNIQUE (email)' },
      }),
      makeIndex('users', 'idx_users_email', ['email'], { sizeBytes: 1_258_291 }),
      makeIndex('orders', 'orders_pkey', ['id'], { unique: true, primary: true }),
      makeIndex('orders', 'orders_user_id_idx', ['user_id']),
      makeIndex('orders', 'orders_user_id_created_at_idx', ['user_id', 'created_at']),
    ],
    foreignKeys: [],
    limitations,
  };
}

/** One finding of each severity, deliberately listed out of severity order. */
export function makeFindings(): Finding[] {
  const fkIndex = newIndexSpec({ schema: 'public', name: 'orders' }, 'orders_product_id_idx', [plainKey('product_id')]);
  const findings: Finding[] = [
    {
      rule: 'unindexed-foreign-key',
      severity: 'low',
      schema: 'public',
      table: 'orders',
      constraint: 'orders_product_id_fkey',
      columns: ['product_id'],
      message: 'Foreign key orders_product_id_fkey on public.orders (product_id) has no index.',
      help: 'Create an index on public.orders (product_id) concurrently.',
      evidence: { table: { rowEstimate: 10_000, sizeBytes: 1_258_291 }, proposedIndex: 'orders_product_id_idx' },
      actions: [{ kind: 'create-index', index: fkIndex, onPartitionedTable: false, partitions: [] }],
    },
    {
      rule: 'duplicate-index',
      severity: 'critical',
      schema: 'public',
      table: 'users',
      index: 'idx_users_email',
      columns: ['email'],
      coveredBy: 'users_email_key',
      message: 'Index idx_users_email duplicates users_email_key | both index (email).',
      help: 'Drop idx_users_email and keep users_email_key, because it backs the unique constraint users_email_key.',
      evidence: { index: { sizeBytes: 1_258_291, scans: 0 }, writesSinceStatsReset: 1234 },
      actions: [dropOf('idx_users_email')],
    },
    {
      rule: 'redundant-index',
      severity: 'medium',
      schema: 'public',
      table: 'orders',
      index: 'orders_user_id_idx',
      columns: ['user_id'],
      coveredBy: 'orders_user_id_created_at_idx',
      message: 'Index orders_user_id_idx on public.orders is redundant.',
      help: 'Drop orders_user_id_idx; queries on (user_id) use orders_user_id_created_at_idx.',
      // No index evidence: the reporter must fall back to the model for size and scans.
      evidence: {},
      actions: [dropOf('orders_user_id_idx')],
    },
  ];
  return findings.map(withFix);
}

/** An audit result over {@link makeModel}; `findings` defaults to {@link makeFindings}. */
export function makeResult(options: { findings?: readonly Finding[]; limitations?: readonly string[] } = {}): AuditResult {
  const model = makeModel(options.limitations ?? []);
  const findings = options.findings ?? makeFindings();
  return {
    version: 1,
    target: { kind: 'demo', dialect: 'postgres', name: 'demo', database: 'app', serverVersion: '16.4', schemas: ['public'] },
    summary: summarize(findings, model, 12),
    findings,
    tables: [
      {
        schema: 'public',
        table: 'users',
        type: 'transaction',
        confidence: 'high',
        source: 'statistics',
        evidence: ['reads outnumber writes 40 to 1'],
      },
      { schema: 'public', table: 'orders', type: 'unknown', confidence: 'low', source: 'statistics', evidence: [] },
    ],
    model,
    workload: null,
  };
}

/** Table usage with the given writes and scans; the rest zero. */
function makeUsage(
  writes: { inserts?: number; updates?: number; hotUpdates?: number; deletes?: number; seqScans?: number; indexScans?: number } = {},
): NonNullable<Table['usage']> {
  return {
    seqScans: writes.seqScans ?? 0,
    seqTuplesRead: 0,
    indexScans: writes.indexScans ?? 0,
    indexTuplesFetched: 0,
    inserts: writes.inserts ?? 0,
    updates: writes.updates ?? 0,
    hotUpdates: writes.hotUpdates ?? 0,
    deletes: writes.deletes ?? 0,
    liveTuples: 0,
    deadTuples: 0,
    lastVacuum: null,
    lastAutovacuum: null,
    lastAnalyze: null,
    lastAutoanalyze: null,
  };
}

/**
 * A richer audit: three tables with usage (one named with markup and quotes), a log table, settings
 * and extensions, statistics reset 30 days before the read. For the analysis and HTML tests.
 */
export function makeRichResult(
  options: {
    findings?: readonly Finding[];
    settings?: { [name: string]: string };
    statsResetAt?: string | null;
    extensions?: string[];
  } = {},
): AuditResult {
  const base = makeModel();
  const odd = '<b>"odd" & ünïcode</b>';
  const model: SchemaModel = {
    ...base,
    database: {
      ...base.database,
      statsResetAt: options.statsResetAt === undefined ? '2024-12-02T00:00:00Z' : options.statsResetAt,
      settings: options.settings ?? {
        shared_preload_libraries: 'pg_stat_statements',
        log_min_duration_statement: '1000',
        track_io_timing: 'on',
        track_counts: 'on',
      },
      extensions: (options.extensions ?? ['pg_stat_statements']).map((name) => ({ name, version: '1.10', schema: 'public' })),
    },
    tables: [
      makeTable('users', { usage: makeUsage({ inserts: 100, updates: 50, hotUpdates: 20, deletes: 5, seqScans: 3, indexScans: 900 }) }),
      makeTable('orders', { usage: makeUsage({ inserts: 1000, updates: 10, hotUpdates: 10, deletes: 0, seqScans: 1, indexScans: 40 }) }),
      makeTable(odd, { usage: makeUsage({ inserts: 7 }), sizeBytes: 16384 }),
    ],
    indexes: [
      ...base.indexes.map((i) => ({
        ...i,
        usage: {
          scans: i.name === 'users_pkey' ? 500 : i.name === 'orders_pkey' ? 40 : 0,
          tuplesRead: 0,
          tuplesFetched: 0,
          lastScanAt: null,
        },
      })),
      makeIndex(odd, `${odd}_pkey`, ['id'], { primary: true, unique: true, sizeBytes: 16384 }),
    ],
  };
  const findings = options.findings ?? makeFindings();
  return {
    version: 1,
    target: {
      kind: 'postgres',
      dialect: 'postgres',
      name: 'postgres://app@db.example/app',
      database: 'app',
      serverVersion: '16.4',
      schemas: ['public'],
    },
    summary: summarize(findings, model, 12),
    findings,
    tables: [
      {
        schema: 'public',
        table: 'users',
        type: 'transaction',
        confidence: 'high',
        source: 'statistics',
        evidence: ['reads outnumber writes 40 to 1'],
      },
      {
        schema: 'public',
        table: 'orders',
        type: 'log',
        confidence: 'medium',
        source: 'statistics',
        evidence: ['99% of writes are inserts'],
      },
      { schema: 'public', table: odd, type: 'unknown', confidence: 'low', source: 'shape', evidence: [] },
    ],
    model,
    workload: null,
  };
}
