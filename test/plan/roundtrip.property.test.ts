/**
 * The round-trip property on a real PostgreSQL server: for random schemas (random identifiers,
 * random index kinds, duplicates, redundant prefixes, duplicate constraints, unindexed foreign
 * keys, INVALID indexes, partitioned tables), audit, apply every fix's `up` through the journaled
 * engine, re-audit (the fixed findings are gone, nothing new is critical), roll back (`down`),
 * and the catalog — every index definition, constraint definition, index comment, tablespace and
 * partition attachment — is exactly as it was.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { diffFindings, findingKey } from '../../src/apply/diff.js';
import { applySteps, rollbackLatest } from '../../src/apply/engine.js';
import { quoteIdent } from '../../src/sql/quote.js';
import { planMigration, selectFindings } from '../../src/plan/steps.js';
import { createServerDatabase, type TestDatabase } from '../helpers/databases.js';
import { schemaSpec, renderSchema } from './schema-gen.js';
import { catalogSnapshot, invalidIndexes } from './support.js';

const RUNS = Number(process.env.DBDOCTOR_ROUNDTRIP_RUNS ?? 18);

let database: TestDatabase;
beforeAll(async () => {
  database = await createServerDatabase();
});
afterAll(async () => {
  await database?.close();
});

test(`round trip: audit, up, re-audit, down restores the catalog (${RUNS} random schemas)`, async () => {
  const db = database.db;
  const info = { kind: 'postgres' as const, name: 'roundtrip' };
  const engine = { log: () => undefined, policy: { lockTimeoutMs: 10_000, retries: 3, retryDelayMs: 50 } };
  let run = 0;
  let stepsApplied = 0;
  const rulesSeen = new Set<string>();
  await fc.assert(
    fc.asyncProperty(schemaSpec, async (spec) => {
      const { schema, statements } = renderSchema(spec, run++);
      try {
        for (const s of statements) {
          try {
            await db.query(s.sql);
          } catch (error) {
            if (!s.fails) throw new Error(`setup failed: ${s.sql}: ${(error as Error).message}`);
          }
        }
        const scope = [schema];
        const before = await catalogSnapshot(db, scope);
        const invalidBefore = await invalidIndexes(db, scope);

        const audit0 = await auditPostgres(db, info, { schemas: scope });
        const plan = await planMigration(selectFindings(audit0.findings), audit0.model, {
          target: { name: 'roundtrip', database: null, serverVersion: '' },
          schemas: scope,
        });
        for (const step of plan.steps) rulesSeen.add(step.finding.rule);

        await applySteps(db, plan.steps, { source: 'property test', target: 'roundtrip' }, engine);
        stepsApplied += plan.steps.length;
        const audit1 = await auditPostgres(db, info, { schemas: scope });
        const after = new Set(audit1.findings.map(findingKey));
        for (const step of plan.steps) expect(after.has(findingKey(step.finding)), `still reported after up: ${step.id}`).toBe(false);
        expect(diffFindings(audit0.findings, audit1.findings).appeared.filter((f) => f.severity === 'critical')).toEqual([]);
        expect(await invalidIndexes(db, scope)).toEqual(
          invalidBefore.filter((name) => !plan.steps.some((s) => `${s.finding.schema}.${s.finding.index}` === name)),
        );

        if (plan.steps.length > 0) await rollbackLatest(db, engine);
        expect(await catalogSnapshot(db, scope)).toEqual(before);
        // A rebuilt INVALID index comes back valid (its broken state cannot be recreated); nothing else turns INVALID.
        for (const name of await invalidIndexes(db, scope)) expect(invalidBefore).toContain(name);
      } finally {
        await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      }
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
  // The generator must actually exercise the fixes.
  expect(stepsApplied).toBeGreaterThan(RUNS);
  expect([...rulesSeen].sort()).toEqual(expect.arrayContaining(['duplicate-index', 'redundant-index']));
}, 120_000);
