import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../../src/audit/run.js';
import { buildStrategy, renderStrategyHtml, renderStrategyMarkdown } from '../../../src/report/docs/index.js';
import { runCli } from '../../../src/cli/program.js';
import { createPgliteDatabase, createServerDatabase, type TestDatabase } from '../../helpers/databases.js';

/** An application with a composite only its prefix is queried by and a lookup without an index. */
const SCHEMA = `
CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, plan text NOT NULL);
CREATE TABLE invoices (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id), state text NOT NULL, issued_at timestamptz NOT NULL, total numeric NOT NULL);
INSERT INTO accounts SELECT g, 'a' || g || '@example.com', CASE WHEN g % 10 = 0 THEN 'pro' ELSE 'free' END FROM generate_series(1, 2000) g;
INSERT INTO invoices SELECT g, 1 + g % 2000, CASE WHEN g % 50 = 0 THEN 'overdue' ELSE 'paid' END, TIMESTAMPTZ '2025-01-01' + g * INTERVAL '5 minutes', g % 300
FROM generate_series(1, 60000) g;
CREATE INDEX invoices_account_state ON invoices (account_id, state);
ANALYZE;
`;

const QUERIES = `
-- calls: 500
SELECT id, total FROM invoices WHERE account_id = 42;
-- calls: 80
SELECT id, account_id FROM invoices WHERE issued_at >= '2025-02-01' AND issued_at < '2025-02-02' ORDER BY issued_at;
-- calls: 30
SELECT id FROM accounts WHERE email = 'a7@example.com';
`;

describe('index strategy on the PostgreSQL server, workload from pg_stat_statements, hypopg installed', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createServerDatabase();
    await db.exec(SCHEMA);
    // The 60,000 inserts counted now, not whenever PostgreSQL next flushes this session's statistics.
    await db.db.query('SELECT pg_stat_force_next_flush()');
    await db.db.query('SELECT 1');
    await db.exec('CREATE EXTENSION IF NOT EXISTS pg_stat_statements; CREATE EXTENSION hypopg');
    // The application's traffic, as pg_stat_statements records it for this database.
    for (let i = 0; i < 25; i++) await db.db.query('SELECT id, total FROM invoices WHERE account_id = $1', [1 + i]);
    for (let i = 0; i < 5; i++) await db.db.query('SELECT id FROM accounts WHERE email = $1', [`a${i}@example.com`]);
    for (let i = 0; i < 5; i++) {
      await db.db.query('SELECT id, account_id FROM invoices WHERE issued_at >= $1 AND issued_at < $2 ORDER BY issued_at', [
        '2025-02-01',
        '2025-02-02',
      ]);
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  test('pg_stat_statements is preloaded on the test server (.ci/run configures it)', async () => {
    const { rows } = await db.db.query('SHOW shared_preload_libraries');
    expect(JSON.stringify(rows)).toMatch(/pg_stat_statements/);
  });

  test('the audit ties indexes to the logged queries, proposes verified indexes, and the document says so', async () => {
    const result = await auditPostgres(db.db, { kind: 'postgres', name: 'strategy-test' }, { workloadSources: { statStatements: true } });
    expect(result.workload?.queries.some((q) => /FROM invoices WHERE account_id = \$1/.test(q.text) && (q.calls ?? 0) >= 25)).toBe(true);
    // Rule 2: state is never used with account_id.
    const unjustified = result.findings.find((f) => f.rule === 'unjustified-composite-index');
    expect(unjustified).toMatchObject({ index: 'invoices_account_state', columns: ['account_id', 'state'] });
    expect(unjustified?.fix?.up[0]).toBe('CREATE INDEX CONCURRENTLY IF NOT EXISTS invoices_account_id_idx ON public.invoices (account_id)');
    // The time-range report reads 60,000 invoices in full: hypopg confirms (issued_at) helps.
    const missing = result.findings.filter((f) => f.rule === 'missing-index');
    const byTime = missing.find((f) => f.evidence.proposal === 'CREATE INDEX invoices_issued_at_idx ON public.invoices (issued_at)');
    expect(byTime).toMatchObject({ evidence: { verified: true, verification: 'hypopg' } });
    // 60,000 inserts and no update or delete: invoices is a log table (append-only), so the index
    // is proposed only because it clears the higher bar log tables get, and is a low-severity hint.
    expect(byTime).toMatchObject({ severity: 'low', evidence: { tableType: 'log' } });
    expect(byTime!.message).toMatch(/invoices is a log table .*the bar for log tables is/);
    const q = (byTime!.evidence.queries as { costBefore: number; costAfter: number }[])[0]!;
    expect(q.costAfter).toBeLessThan(q.costBefore * 0.7);
    // No hypothetical index outlives the audit.
    expect((await db.db.query('SELECT count(*)::int AS n FROM hypopg_list_indexes')).rows).toEqual([{ n: 0 }]);

    const doc = buildStrategy(result);
    const invoices = doc.tables.find((t) => t.table === 'invoices')!;
    const composite = invoices.indexes.find((i) => i.name === 'invoices_account_state')!;
    expect(composite.serves[0]).toMatchObject({ keysUsed: 1, plannerPicksIt: true });
    expect(composite.verdicts.map((v) => v.rule)).toContain('unjustified-composite-index');
    expect(invoices.queries.length).toBeGreaterThanOrEqual(2);
    expect(doc.add.map((r) => r.rule)).toContain('missing-index');
    const md = renderStrategyMarkdown(doc);
    for (const heading of [
      '## Expected query patterns',
      '## Recommended changes',
      '## Tables and their indexes',
      '## Maintenance schedule',
      '### REINDEX candidates',
      '### When to audit again',
    ]) {
      expect(md).toContain(heading);
    }
    expect(md).toContain('invoices_issued_at_idx');
  });

  test('the bloat estimate is near zero for a fresh index and high after most rows are deleted', async () => {
    await db.exec(
      'CREATE TABLE churn (id bigint PRIMARY KEY, k int NOT NULL); INSERT INTO churn SELECT g, g FROM generate_series(1, 50000) g; CREATE INDEX churn_k ON churn (k); ANALYZE churn;',
    );
    const fresh = buildStrategy(await auditPostgres(db.db, { kind: 'postgres', name: 't' }, { planner: false }));
    const before = fresh.tables.find((t) => t.table === 'churn')!.indexes.find((i) => i.name === 'churn_k')!.bloat;
    expect(before).toMatchObject({ status: 'estimated' });
    if (before.status === 'estimated') expect(before.bloatFraction).toBeLessThan(0.15);
    await db.exec('DELETE FROM churn WHERE id % 10 <> 0');
    await db.exec('VACUUM ANALYZE churn');
    const after = buildStrategy(await auditPostgres(db.db, { kind: 'postgres', name: 't' }, { planner: false }), {
      reindexMinWastedBytes: 0,
    });
    const estimate = after.tables.find((t) => t.table === 'churn')!.indexes.find((i) => i.name === 'churn_k')!.bloat;
    if (estimate.status === 'estimated') expect(estimate.bloatFraction).toBeGreaterThan(0.6);
    expect(after.reindex.map((r) => r.index)).toContain('churn_k');
  });
});

describe('index strategy on PGlite from a query file', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createPgliteDatabase();
    await db.exec(SCHEMA);
    await db.exec(`CREATE TABLE "we<ird>&t" (id int PRIMARY KEY, "v<x>" int); CREATE INDEX "i<&>" ON "we<ird>&t" ("v<x>");`);
    dir = await mkdtemp(join(tmpdir(), 'dbdoctor-docs-'));
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('same analysis, verification skipped and said, HTML escaped', async () => {
    const file = join(dir, 'queries.sql');
    await (await import('node:fs/promises')).writeFile(file, QUERIES);
    const result = await auditPostgres(
      db.db,
      { kind: 'sql-file', name: 'pglite' },
      { workloadSources: { queryFiles: [file], statStatements: false } },
    );
    expect(result.workload?.queries).toHaveLength(3);
    expect(result.findings.find((f) => f.rule === 'unjustified-composite-index')?.index).toBe('invoices_account_state');
    const missing = result.findings.find((f) => f.rule === 'missing-index');
    expect(missing?.evidence).toMatchObject({ verified: false, verification: expect.stringMatching(/PGlite has no hypopg/) });
    const doc = buildStrategy(result);
    expect(doc.notes.join(' ')).toMatch(/not verified: PGlite has no hypopg/);
    const page = renderStrategyHtml(doc);
    expect(page).toContain('we&lt;ird&gt;&amp;t');
    expect(page).not.toContain('<ird>');
    expect(page).toMatch(/^<!DOCTYPE html>/);
  });
});

describe('dbdoctor docs', () => {
  test('--demo writes INDEX_STRATEGY.md with the unjustified composites and the missing indexes, and says verification was skipped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dbdoctor-docs-cli-'));
    try {
      const out: string[] = [];
      const err: string[] = [];
      const io = { stdout: { write: (s: string) => out.push(s) }, env: {}, cwd: dir };
      const output = join(dir, 'INDEX_STRATEGY.md');
      expect(await runCli(['docs', '--demo', '--output', output], io, { write: (s: string) => err.push(s) })).toBe(0);
      expect(err).toEqual([]);
      expect(out.join('')).toMatch(/^wrote .*INDEX_STRATEGY\.md: 13 tables/);
      const md = await readFile(output, 'utf8');
      expect(md).toMatch(/^# Index strategy: the demo application/);
      expect(md).toContain('ix_api_keys_user_active');
      expect(md).toContain('ix_webhook_config_user_provider_active');
      expect(md).toMatch(/\(unjustified-composite-index; low\)/);
      expect(md).toMatch(/\(missing-index; low\):.*not verified: PGlite has no hypopg/);
      // "to remove" counts indexes: each listed once, however many findings it has.
      const toRemove = Number(/; (\d+) to remove/.exec(out.join(''))?.[1]);
      const removeSection = md.slice(md.indexOf('### Remove'), md.indexOf('### Add'));
      const removed = [...removeSection.matchAll(/^- \*\*([^*]+)\*\*/gm)].map((m) => m[1]);
      expect(removed).toHaveLength(toRemove);
      expect(new Set(removed).size).toBe(toRemove);
      expect(await runCli(['docs', '--demo', '--format', 'pdf'], io, { write: (s: string) => err.push(s) })).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
