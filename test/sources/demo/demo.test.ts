import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDemoDatabase, DEMO_TABLES, FAILED_UNIQUE_INDEX } from '../../../src/sources/demo/index.js';
import { DEMO_RULE_OPTIONS } from '../../../src/audit/demo.js';
import { auditPostgres } from '../../../src/audit/run.js';
import type { AuditResult } from '../../../src/audit/types.js';
import type { Finding } from '../../../src/rules/types.js';
import { lowCardinalityIndex } from '../../../src/rules/low-cardinality-index.js';
import { overIndexedTable } from '../../../src/rules/over-indexed-table.js';
import { compositeColumnOrder } from '../../../src/rules/composite-column-order.js';
import { partitionCandidate } from '../../../src/rules/partition-candidate.js';

const ALL_TABLES = [
  'api_keys',
  'api_request_logs',
  'datasets',
  'email_logs',
  'experiment_tags',
  'experiments',
  'hpo_campaigns',
  'notification_preferences',
  'saved_searches',
  'training_runs',
  'users',
  'webhook_configurations',
  'webhook_logs',
];

/** The seed's write-heavy tables. */
const LOG_TABLES = ['email_logs', 'webhook_logs', 'api_request_logs', 'training_runs'];

/** Foreign keys the demo leaves without an index, because the seed believes PostgreSQL adds one. */
const UNINDEXED_FOREIGN_KEYS = [
  ['training_runs', 'experiment_id'],
  ['datasets', 'user_id'],
  ['saved_searches', 'user_id'],
  ['hpo_campaigns', 'dataset_id'],
  ['webhook_logs', 'webhook_configuration_id'],
] as const;

/** Foreign keys that are indexed, directly or as the leading column of a composite. */
const INDEXED_FOREIGN_KEYS = [
  ['experiments', 'hpo_campaign_id'],
  ['api_keys', 'user_id'],
] as const;

/** Single-column indexes the seed calls duplicates of a composite they are not a prefix of. */
const WRONGLY_ACCUSED = [
  ['api_keys', 'ix_api_keys_is_active', 'is_active'],
  ['email_logs', 'ix_email_logs_event_type', 'event_type'],
  ['email_logs', 'ix_email_logs_status', 'status'],
  ['webhook_configurations', 'ix_webhook_configurations_provider_type', 'provider_type'],
  ['webhook_configurations', 'ix_webhook_configurations_is_active', 'is_active'],
  ['experiments', 'ix_experiments_status', 'status'],
  ['notification_preferences', 'ix_notification_preferences_event_type', 'event_type'],
] as const;

/** Names of the valid indexes on `table` whose first key column is `column`. */
async function indexesLedBy(db: PGlite, table: string, column: string): Promise<string[]> {
  const result = await db.query<{ name: string }>(
    `SELECT i.indexrelid::regclass::text AS name
     FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
     WHERE i.indrelid = $1::regclass AND a.attname = $2 AND i.indisvalid
     ORDER BY 1`,
    [table, column],
  );
  return result.rows.map((r) => r.name);
}

async function indexList(db: PGlite): Promise<string[]> {
  const result = await db.query<{ line: string }>(
    `SELECT tablename || ' ' || indexname || ' ' || indexdef AS line FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname`,
  );
  return result.rows.map((r) => r.line);
}

/** Scans and writes per index and table, as the audit reports them. */
async function activity(db: PGlite): Promise<string[]> {
  const result = await db.query<{ line: string }>(
    `SELECT relname || ' ' || indexrelname || ' ' || idx_scan AS line FROM pg_stat_user_indexes
     UNION ALL
     SELECT relname || ' ' || concat_ws(' ', seq_scan, idx_scan, n_tup_ins, n_tup_upd, n_tup_del, n_live_tup) FROM pg_stat_user_tables
     ORDER BY 1`,
  );
  return result.rows.map((r) => r.line);
}

async function rowCounts(db: PGlite): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ALL_TABLES) {
    const result = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = result.rows[0]!.n;
  }
  return counts;
}

/** One demo database for the whole file: the checks below only read it, except the partitioning plan, which runs last. */
let db: PGlite;
/** The statistics-aware rules' audit of the fresh demo, before any check reads a table (a count(*) may scan an index). */
let demoAudit: AuditResult;
afterAll(async () => {
  await db?.close();
});

describe('demo database', () => {
  /** Taken before any test reads the tables, which would add scans of its own. */
  let activityAfterBuild: string[];
  beforeAll(async () => {
    db = await createDemoDatabase();
    activityAfterBuild = await activity(db);
    // Audited the way `dbdoctor audit --demo` does; an audit only reads the catalog and the statistics views.
    demoAudit = await auditPostgres(
      db,
      { kind: 'demo', name: 'demo' },
      {
        rules: [lowCardinalityIndex, overIndexedTable, compositeColumnOrder, partitionCandidate],
        ruleOptions: DEMO_RULE_OPTIONS,
      },
    );
  });

  test('has the 13 tables of the seed application, and describes each of them', async () => {
    const result = await db.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    expect(result.rows.map((r) => r.tablename)).toEqual(ALL_TABLES);
    expect(DEMO_TABLES.map((t) => t.name).sort()).toEqual(ALL_TABLES);
  });

  test('log tables received more inserts than any other table, and updates and deletes too', async () => {
    const result = await db.query<{ relname: string; n_tup_ins: number; n_tup_upd: number; n_tup_del: number }>(
      `SELECT relname, n_tup_ins::int AS n_tup_ins, n_tup_upd::int AS n_tup_upd, n_tup_del::int AS n_tup_del
       FROM pg_stat_user_tables WHERE schemaname = 'public'`,
    );
    const stats = new Map(result.rows.map((r) => [r.relname, r]));
    const logInserts = LOG_TABLES.map((t) => stats.get(t)?.n_tup_ins ?? 0);
    const otherInserts = ALL_TABLES.filter((t) => !LOG_TABLES.includes(t)).map((t) => stats.get(t)?.n_tup_ins ?? 0);
    expect(Math.min(...logInserts)).toBeGreaterThanOrEqual(8000);
    expect(Math.min(...logInserts)).toBeGreaterThan(Math.max(...otherInserts));
    for (const table of LOG_TABLES) expect((stats.get(table)?.n_tup_upd ?? 0) + (stats.get(table)?.n_tup_del ?? 0)).toBeGreaterThan(0);
    expect(
      DEMO_TABLES.filter((t) => t.kind === 'write-heavy')
        .map((t) => t.name)
        .sort(),
    ).toEqual([...LOG_TABLES].sort());
  });

  test('read traffic shows up in the index statistics', async () => {
    const result = await db.query<{ name: string }>(`SELECT indexrelname AS name FROM pg_stat_user_indexes WHERE idx_scan > 0 ORDER BY 1`);
    const scanned = result.rows.map((r) => r.name);
    expect(scanned.length).toBeGreaterThan(0);
    // Queries on (user_id, status) and time ranges on log tables reach the indexes built for them.
    expect(scanned).toContain('ix_experiments_user_status');
    expect(scanned).toContain('ix_api_request_logs_created_at');
  });

  test('the failed CREATE UNIQUE INDEX CONCURRENTLY left an invalid index behind', async () => {
    const result = await db.query<{ indisvalid: boolean; indisunique: boolean; table: string }>(
      `SELECT indisvalid, indisunique, indrelid::regclass::text AS table FROM pg_index WHERE indexrelid = $1::regclass`,
      [FAILED_UNIQUE_INDEX.name],
    );
    expect(result.rows).toEqual([{ indisvalid: false, indisunique: true, table: 'api_request_logs' }]);
  });

  test.each(UNINDEXED_FOREIGN_KEYS)('%s.%s is a foreign key that leads no index', async (table, column) => {
    const fk = await db.query(
      `SELECT 1 FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       WHERE c.contype = 'f' AND c.conrelid = $1::regclass AND a.attname = $2 AND cardinality(c.conkey) = 1`,
      [table, column],
    );
    expect(fk.rows).toHaveLength(1);
    expect(await indexesLedBy(db, table, column)).toEqual([]);
  });

  test.each(INDEXED_FOREIGN_KEYS)('%s.%s is a foreign key with an index led by it', async (table, column) => {
    expect((await indexesLedBy(db, table, column)).length).toBeGreaterThan(0);
  });

  test.each(WRONGLY_ACCUSED)('%s keeps %s, which no other index makes redundant', async (table, index, column) => {
    expect(await indexesLedBy(db, table, column)).toEqual([index]);
  });

  test('is deterministic: a second build has the same indexes, rows and statistics', async () => {
    const second = await createDemoDatabase();
    try {
      expect(await activity(second)).toEqual(activityAfterBuild);
      expect(await indexList(second)).toEqual(await indexList(db));
      expect(await rowCounts(second)).toEqual(await rowCounts(db));
    } finally {
      await second.close();
    }
  });
});

/** The statistics-aware rules on the demo, audited the way `dbdoctor audit --demo` does. */
describe('demo audit: low-cardinality, over-indexed, composite order, partitioning', () => {
  const of = (rule: string): Finding[] => demoAudit.findings.filter((f) => f.rule === rule);

  test("the classifier types the seed's log tables as log, from their statistics", () => {
    const logs = demoAudit.tables
      .filter((t) => t.type === 'log')
      .map((t) => t.table)
      .sort();
    expect(logs).toEqual([...LOG_TABLES].sort());
  });

  test('over-indexed-table: one finding per log table; the time-range and foreign-key indexes stay', () => {
    const byTable = new Map(of('over-indexed-table').map((f) => [f.table, f]));
    expect([...byTable.keys()].sort()).toEqual([...LOG_TABLES].sort());
    const api = byTable.get('api_request_logs')!;
    expect(api.evidence['suggestedDrops']).toEqual([
      'ix_api_request_logs_endpoint',
      'ix_api_request_logs_method',
      'ix_api_request_logs_status_code',
    ]);
    expect(api.evidence['indexWritesPerInsert']).toBe(7);
    expect(api.fix?.up).toHaveLength(3);
    for (const f of byTable.values()) {
      const drops = f.evidence['suggestedDrops'] as string[];
      expect(drops.some((d) => d.endsWith('_created_at'))).toBe(false);
      expect((f.evidence['savings'] as { bytes: number }).bytes).toBeGreaterThan(0);
    }
    // The only index on api_key_id serves the foreign key to api_keys: kept although nothing scanned it.
    expect(api.evidence['indexes']).toContainEqual(
      expect.objectContaining({
        name: 'ix_api_request_logs_api_key_id',
        verdict: expect.stringMatching(/^keep: the only index serving foreign key/),
      }),
    );
  });

  test("low-cardinality-index: the seed's boolean and status indexes, never a unique or composite one", () => {
    const indexes = of('low-cardinality-index').map((f) => f.index);
    for (const name of [
      'ix_users_is_active',
      'ix_api_keys_is_active',
      'ix_webhook_configurations_is_active',
      'ix_experiments_status',
      'ix_email_logs_status',
      'ix_webhook_logs_status',
      'ix_training_runs_status',
    ]) {
      expect(indexes).toContain(name);
    }
    for (const f of of('low-cardinality-index')) expect(f.columns).toHaveLength(1);
    expect(indexes).not.toContain('ix_users_username');
    expect(indexes).not.toContain('ix_api_keys_key_hash');
    // Skewed and scanned: kept, with the partial index on the rare value suggested.
    const failedRuns = of('low-cardinality-index').find((f) => f.index === 'ix_training_runs_status')!;
    expect(failedRuns.severity).toBe('low');
    expect(failedRuns.fix).toBeUndefined();
    expect(failedRuns.evidence['suggestedPartialIndex']).toMatch(/WHERE status = 'failed'$/);
  });

  test("composite-column-order: the seed's composites all lead with user_id, the selective column", () => {
    expect(of('composite-column-order')).toEqual([]);
  });

  test('partition-candidate: api_request_logs, with its retention DELETEs; not at production thresholds', async () => {
    expect(of('partition-candidate').map((f) => f.table)).toEqual(['api_request_logs']);
    const atDefaults = await auditPostgres(db, { kind: 'demo', name: 'demo' }, { rules: [partitionCandidate] });
    expect(atDefaults.findings).toEqual([]);
  });

  test('the partitioning plan runs on the demo database: the table ends partitioned with every row', async () => {
    const plan = of('partition-candidate')[0]!.evidence['partitioning'] as { create: string[]; migrate: string[] };
    const count = async (): Promise<number> =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_request_logs')).rows[0]!.n;
    const before = await count();
    for (const statement of [...plan.create, ...plan.migrate]) await db.exec(statement);
    const kind = await db.query<{ relkind: string }>(`SELECT relkind FROM pg_class WHERE oid = 'api_request_logs'::regclass`);
    expect(kind.rows).toEqual([{ relkind: 'p' }]);
    expect(await count()).toBe(before);
  });
});
