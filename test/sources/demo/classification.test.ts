/**
 * The demo's tables get the types the seed's "Proper Index Strategy by Table Type" gives them,
 * from the demo's own statistics — and where the seed is wrong (saved_searches has one foreign key
 * and no composite key: not a junction table), dbdoctor is not.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { auditPostgres } from '../../../src/audit/run.js';
import type { AuditResult } from '../../../src/audit/types.js';
import { createDemoDatabase } from '../../../src/sources/demo/index.js';
import { DEMO_RULE_OPTIONS } from '../../../src/audit/demo.js';
import { reporters } from '../../../src/report/index.js';

let db: PGlite;
let result: AuditResult;
beforeAll(async () => {
  db = await createDemoDatabase();
  result = await auditPostgres(db, { kind: 'demo', name: 'demo' }, { ruleOptions: DEMO_RULE_OPTIONS });
});
afterAll(async () => {
  await db?.close();
});

test('log, junction and transaction tables, with evidence', () => {
  const types = Object.fromEntries(result.tables.map((t) => [t.table, t.type]));
  expect(types).toEqual({
    api_request_logs: 'log',
    email_logs: 'log',
    webhook_logs: 'log',
    training_runs: 'log',
    experiment_tags: 'junction',
    users: 'transaction',
    datasets: 'transaction',
    hpo_campaigns: 'transaction',
    experiments: 'transaction',
    api_keys: 'transaction',
    webhook_configurations: 'transaction',
    notification_preferences: 'transaction',
    saved_searches: 'transaction',
  });
  for (const t of result.tables) expect(t.evidence.length).toBeGreaterThan(0);
  // training_runs has no log-like name: its statistics alone make it a log.
  const runs = result.tables.find((t) => t.table === 'training_runs')!;
  expect(runs).toMatchObject({ source: 'statistics', confidence: 'high' });
  expect(runs.evidence.join(' ')).toMatch(/10,000 inserts/);
});

test('the JSON report carries the types and the statistics verdict', () => {
  const report = JSON.parse(reporters.json.render(result, { color: false })) as {
    tables: { table: string; type: string; confidence: string; evidence: string[] }[];
    summary: { statistics: { trustworthy: boolean; resetAt: string | null; notes: string[] } };
    suppressed: unknown[];
  };
  expect(report.tables).toHaveLength(13);
  expect(report.tables.find((t) => t.table === 'email_logs')).toMatchObject({ type: 'log', confidence: 'high' });
  // PGlite made the counters seconds ago; the demo dates them from the start of its synthetic history, as --stats-since would.
  expect(report.summary.statistics).toMatchObject({
    trustworthy: true,
    resetAt: null,
    since: { at: '2024-10-28T00:00:00.000Z', source: 'user' },
  });
  expect(report.summary.statistics.notes.join(' ')).toMatch(/as given with --stats-since/);
  expect(report.suppressed).toEqual([]);
});
