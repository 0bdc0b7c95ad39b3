/**
 * The round-trip property on a real PostgreSQL server: for random schemas (random identifiers,
 * random index kinds, duplicates, redundant prefixes, duplicate constraints, unindexed foreign
 * keys, INVALID indexes, partitioned tables), audit, plan every fix as a whole, apply the plan's
 * `up` through the journaled engine, re-audit, roll back (`down`), and check:
 * - no index is touched by two steps;
 * - no foreign key that had an index is left without one (it needs one; the plan may drop its
 *   other, redundant ones), and every unindexed one that got a step now has one;
 * - the fixed findings are gone and nothing new is critical;
 * - down restores the catalog exactly — every index definition, constraint definition, index
 *   comment, tablespace and partition attachment — except the INVALID indexes the plan dropped,
 *   which by design are not rebuilt.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { diffFindings, findingKey } from '../../src/apply/diff.js';
import { applySteps, rollbackLatest } from '../../src/apply/engine.js';
import { quoteIdent } from '../../src/sql/quote.js';
import { selectFindings } from '../../src/plan/types.js';
import { planFix } from '../../src/plan/planner.js';
import { postgresEmitter } from '../../src/dialects/postgres/ddl.js';
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
            if (!s.fails) throw new Error(`setup failed: ${s.sql}: ${(error as Error).message}`, { cause: error });
          }
        }
        const scope = [schema];
        const before = await catalogSnapshot(db, scope);
        const invalidBefore = await invalidIndexes(db, scope);

        const audit0 = await auditPostgres(db, info, { schemas: scope });
        const plan = planFix(selectFindings(audit0.findings), audit0.model, {
          target: { name: 'roundtrip', database: null, serverVersion: '', dialect: 'postgres' },
          emitter: postgresEmitter,
          schemas: scope,
        });
        for (const step of plan.steps) for (const f of step.findings) rulesSeen.add(f.rule);
        const touched = plan.steps.map((s) => `${s.action.index.schema}.${s.action.index.name}`);
        expect(new Set(touched).size, 'an index touched by two steps').toBe(touched.length);
        const droppedInvalid = plan.steps
          .filter((s) => s.action.kind === 'drop-index' && !s.action.index.valid)
          .map((s) => `${s.action.index.schema}.${s.action.index.name}`);

        await applySteps(db, plan.steps, { source: 'property test', target: 'roundtrip' }, engine);
        stepsApplied += plan.steps.length;
        const audit1 = await auditPostgres(db, info, { schemas: scope });
        const after = new Set(audit1.findings.map(findingKey));
        for (const step of plan.steps) expect(after.has(findingKey(step.finding)), `still reported after up: ${step.id}`).toBe(false);
        const appeared = diffFindings(audit0.findings, audit1.findings).appeared;
        expect(appeared.filter((f) => f.severity === 'critical')).toEqual([]);
        expect(
          appeared.filter((f) => f.rule === 'unindexed-foreign-key'),
          'a foreign key lost its last index',
        ).toEqual([]);
        expect(await invalidIndexes(db, scope)).toEqual(
          invalidBefore.filter((name) => !plan.steps.some((s) => `${s.finding.schema}.${s.finding.index}` === name)),
        );

        if (plan.steps.length > 0) await rollbackLatest(db, engine);
        const restorable = before.filter((line) => !droppedInvalid.some((name) => line.startsWith(`${name} |`)));
        expect(await catalogSnapshot(db, scope)).toEqual(restorable);
        expect(await invalidIndexes(db, scope)).toEqual(invalidBefore.filter((name) => !droppedInvalid.includes(name)));
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
