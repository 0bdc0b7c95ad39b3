import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_RULE_OPTIONS, DEMO_WORKLOAD_SOURCES } from '../../../src/audit/demo.js';
import { auditPostgres } from '../../../src/audit/run.js';
import type { AuditResult } from '../../../src/audit/types.js';
import { createDemoDatabase } from '../../../src/sources/demo/index.js';
import { openDemoSnapshot, writeDemoSnapshot } from '../../../src/sources/demo/snapshot.js';
import type { Queryable } from '../../../src/dialects/types.js';

const demoAudit = (db: Queryable): Promise<AuditResult> =>
  auditPostgres(db, { kind: 'demo', name: 'demo' }, { ruleOptions: DEMO_RULE_OPTIONS, workloadSources: DEMO_WORKLOAD_SOURCES });

let dir: string;
let replayed: AuditResult;
let restored: AuditResult;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbdoctor-demo-snapshot-'));
  await writeDemoSnapshot(dir);
  const snapshot = await openDemoSnapshot(dir);
  if (snapshot === null) throw new Error('the snapshot just written could not be opened');
  try {
    restored = await demoAudit(snapshot.db);
  } finally {
    await snapshot.close();
  }
  const lite = await createDemoDatabase();
  try {
    replayed = await demoAudit(lite);
  } finally {
    await lite.close();
  }
}, 600_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('the demo started from its build-time snapshot', () => {
  test('has the usage counters the workload produced (PGlite drops them from a dumped data directory)', () => {
    // The counters; timestamps (last scan, last analyze) are those of each build's own clock.
    const counters = (usage: object | null | undefined): unknown =>
      usage ? Object.fromEntries(Object.entries(usage).filter(([, v]) => typeof v === 'number')) : usage;
    const usage = (r: AuditResult): unknown[] => r.model.indexes.map((i) => [i.schema, i.name, counters(i.usage)]);
    const tables = (r: AuditResult): unknown[] => r.model.tables.map((t) => [t.schema, t.name, counters(t.usage)]);
    expect(usage(restored)).toEqual(usage(replayed));
    expect(tables(restored)).toEqual(tables(replayed));
    // Not a database of zeros: the workload wrote tens of thousands of log rows and scanned indexes.
    expect(restored.model.tables.reduce((n, t) => n + (t.usage?.inserts ?? 0), 0)).toBeGreaterThan(10_000);
    expect(restored.model.indexes.some((i) => (i.usage?.scans ?? 0) > 0)).toBe(true);
  });

  test('gives the same findings, planner evidence included', () => {
    const of = (r: AuditResult): string[] => r.findings.map((f) => `${f.fingerprint} ${f.message}`);
    expect(of(restored)).toEqual(of(replayed));
    expect(restored.findings.some((f) => f.rule === 'missing-index')).toBe(true);
  });

  test('no snapshot: null, so the caller replays the workload', async () => {
    expect(await openDemoSnapshot(join(dir, 'missing'))).toBeNull();
  });
});
