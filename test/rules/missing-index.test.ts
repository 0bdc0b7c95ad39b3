import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { buildRuleContext } from '../../src/rules/context/build.js';
import { missingIndex } from '../../src/rules/missing-index.js';
import { ENGINES, type TestDatabase } from '../helpers/databases.js';
import { group, pattern, ref, use, workloadOf } from '../workload/plans/patterns.js';

const SCHEMA = `
CREATE TABLE jobs (id bigint PRIMARY KEY, owner_id bigint NOT NULL, status text NOT NULL, queued_at timestamptz NOT NULL, email text NOT NULL);
INSERT INTO jobs SELECT g, g % 2000, CASE WHEN g % 100 = 0 THEN 'pending' ELSE 'done' END, TIMESTAMPTZ '2025-01-01' + g * INTERVAL '1 minute', 'User' || g || '@Example.com'
FROM generate_series(1, 40000) AS g;
CREATE TABLE small (id int PRIMARY KEY, k int);
INSERT INTO small SELECT g, g FROM generate_series(1, 50) g;
CREATE INDEX jobs_queued_at ON jobs (queued_at);
ANALYZE;
`;

const jobs = ref('jobs');
const byOwner = pattern(
  'SELECT id, status FROM jobs WHERE owner_id = $1',
  [group(jobs, [use(jobs, 'owner_id', 'equality', { value: '$1' })])],
  { calls: 5000 },
);
const pending = pattern(
  "SELECT id FROM jobs WHERE status = 'pending' ORDER BY queued_at LIMIT 10",
  [group(jobs, [use(jobs, 'status', 'equality', { value: "'pending'" })], [use(jobs, 'queued_at', 'order-by')])],
  { calls: 300 },
);
const byEmail = pattern(
  'SELECT id FROM jobs WHERE lower(email) = $1',
  [group(jobs, [use(jobs, 'email', 'equality', { value: '$1', expression: 'lower(email)' })])],
  { calls: 90 },
);
const recent = pattern('SELECT id FROM jobs WHERE queued_at > $1', [group(jobs, [use(jobs, 'queued_at', 'range', { value: '$1' })])], {
  calls: 10,
});
const smallLookup = pattern(
  'SELECT id FROM small WHERE k = $1',
  [group(ref('small'), [use(ref('small'), 'k', 'equality', { value: '$1' })])],
  { calls: 10 },
);
const update = pattern('UPDATE jobs SET status = $1 WHERE owner_id = $2', [group(jobs, [use(jobs, 'owner_id', 'equality')])], {
  command: 'update',
  tablesWritten: [jobs],
});

for (const engine of ENGINES) {
  describe(`missing-index on ${engine.name}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await engine.create();
      await db.exec(SCHEMA);
      if (db.kind === 'server') await db.exec('CREATE EXTENSION hypopg');
    });
    afterAll(async () => {
      await db?.close();
    });

    test('proposes btree, partial and expression indexes for the queries that read the large table in full', async () => {
      const result = await auditPostgres(
        db.db,
        { kind: 'postgres', name: 'test' },
        { rules: [missingIndex], workload: workloadOf(byOwner, pending, byEmail, recent, smallLookup, update) },
      );
      const proposals = result.findings.map((f) => f.evidence.proposal).sort();
      expect(proposals).toEqual([
        'CREATE INDEX jobs_email_expr_idx ON public.jobs ((lower(email)))',
        'CREATE INDEX jobs_owner_id_idx ON public.jobs (owner_id)',
        "CREATE INDEX jobs_queued_at_idx ON public.jobs (queued_at) WHERE status = 'pending'",
      ]);
      const owner = result.findings.find((f) => f.index === 'jobs_owner_id_idx')!;
      expect(owner.fix?.up).toEqual(['CREATE INDEX CONCURRENTLY IF NOT EXISTS jobs_owner_id_idx ON public.jobs (owner_id)']);
      expect(owner.fix?.down).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS public.jobs_owner_id_idx']);
      const plans = result.plans!;
      expect(plans.plans.find((p) => p.fingerprint === update.fingerprint)).toMatchObject({ status: 'skipped' });
      if (db.kind === 'server') {
        // hypopg: cost before and after, the saving real.
        expect(plans.hypothetical.available).toBe(true);
        expect(owner).toMatchObject({ severity: 'medium', evidence: { verified: true, verification: 'hypopg' } });
        const q = (owner.evidence.queries as { costBefore: number; costAfter: number; saving: number }[])[0]!;
        expect(q.costAfter).toBeLessThan(q.costBefore);
        expect(q.saving).toBeGreaterThanOrEqual(0.3);
        expect(plans.plans.find((p) => p.fingerprint === byOwner.fingerprint)).toMatchObject({
          status: 'planned',
          method: 'prepared-generic',
        });
        // hypothetical indexes are gone after the audit.
        const { rows } = await db.db.query('SELECT count(*)::int AS n FROM hypopg_list_indexes');
        expect(rows).toEqual([{ n: 0 }]);
      } else {
        // PGlite has no hypopg: nothing is claimed verified, and the reason is said.
        expect(plans.hypothetical).toEqual({ available: false, reason: expect.stringMatching(/PGlite has no hypopg/) });
        expect(owner).toMatchObject({
          severity: 'low',
          evidence: { verified: false, verification: expect.stringMatching(/PGlite has no hypopg/) },
        });
        expect(owner.message).toMatch(/not verified: PGlite has no hypopg/);
        expect(plans.plans.find((p) => p.fingerprint === byOwner.fingerprint)).toMatchObject({ status: 'planned', method: 'generic-plan' });
      }
    });

    test('skips a proposal an existing index already has, and says nothing without a workload', async () => {
      const none = await auditPostgres(db.db, { kind: 'postgres', name: 'test' }, { rules: [missingIndex] });
      expect(none.findings).toEqual([]);
      expect(none.plans).toBeNull();
      const result = await auditPostgres(
        db.db,
        { kind: 'postgres', name: 'test' },
        { rules: [missingIndex], workload: workloadOf(recent) },
      );
      expect(result.findings).toEqual([]);
    });

    test('on a log table a verified index must clear the higher bar, and the finding says why', async () => {
      const result = await auditPostgres(
        db.db,
        { kind: 'postgres', name: 'test' },
        { rules: [missingIndex], workload: workloadOf(byOwner) },
      );
      const finding = result.findings[0]!;
      // The same candidate, judged as a log table (the rule reads table types from the context).
      const asLog = missingIndex.check(
        buildRuleContext({
          model: result.model,
          tableTypes: [{ schema: 'public', table: 'jobs', type: 'log' }],
          workload: workloadOf(byOwner),
          plans: result.plans!,
        }),
      );
      const saving = (finding.evidence.queries as { saving: number | null }[])[0]!.saving;
      if (db.kind === 'server' && saving !== null && saving < result.plans!.settings.minSavingLogTable) {
        expect(asLog).toEqual([]);
      } else {
        expect(asLog).toHaveLength(1);
        expect(asLog[0]!.severity).toBe('low');
        expect(asLog[0]!.message).toMatch(/jobs is a log table/);
      }
    });
  });
}
