import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../src/audit/run.js';
import { unjustifiedCompositeIndex } from '../../src/rules/unjustified-composite-index.js';
import { redundantIndex } from '../../src/rules/redundant-index.js';
import { unusedIndex } from '../../src/rules/unused-index.js';
import { ENGINES, type TestDatabase } from '../helpers/databases.js';
import { group, pattern, ref, use, workloadOf } from '../workload/plans/patterns.js';
import type { Workload } from '../../src/model/workload.js';

const SCHEMA = `
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL, region text);
CREATE INDEX orders_customer_status ON orders (customer_id, status);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX orders_status_created ON orders (status, created_at);
CREATE INDEX orders_region_created_status ON orders (region, created_at, status);
CREATE UNIQUE INDEX orders_customer_created_unique ON orders (customer_id, created_at);
CREATE TABLE owners (id int PRIMARY KEY);
CREATE TABLE carts (id int PRIMARY KEY, owner_id int NOT NULL REFERENCES owners (id), state text NOT NULL);
CREATE INDEX carts_owner ON carts (owner_id);
CREATE INDEX carts_owner_state ON carts (owner_id, state);
CREATE TABLE untouched (a int, b int);
CREATE INDEX untouched_a_b ON untouched (a, b);
`;

const orders = ref('orders');
const byCustomer = pattern(
  'SELECT * FROM orders WHERE customer_id = $1',
  [group(orders, [use(orders, 'customer_id', 'equality', { value: '$1' })])],
  { calls: 1200 },
);
const byStatusOrdered = pattern(
  'SELECT * FROM orders WHERE status = $1 ORDER BY created_at',
  [group(orders, [use(orders, 'status', 'equality', { value: '$1' })], [use(orders, 'created_at', 'order-by')])],
  { calls: 40 },
);
const byRegionRange = pattern(
  'SELECT * FROM orders WHERE region = $1 AND created_at > $2',
  [group(orders, [use(orders, 'region', 'equality', { value: '$1' }), use(orders, 'created_at', 'range', { value: '$2' })])],
  { calls: 7 },
);

async function audit(db: TestDatabase, workload: Workload | null) {
  const result = await auditPostgres(
    db.db,
    { kind: 'postgres', name: 'test' },
    { rules: [unjustifiedCompositeIndex], workload, planner: false },
  );
  return result.findings;
}

for (const engine of ENGINES) {
  describe(`unjustified-composite-index on ${engine.name}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await engine.create();
      await db.exec(SCHEMA);
    });
    afterAll(async () => {
      await db?.close();
    });

    test('reports composites whose later keys no query uses with the leading ones, and nothing else', async () => {
      const findings = await audit(db, workloadOf(byCustomer, byStatusOrdered, byRegionRange));
      const byIndex = new Map(findings.map((f) => [f.index, f]));
      // (customer_id, status): only customer_id is used, and orders_customer already serves it: drop.
      const customerStatus = byIndex.get('orders_customer_status');
      expect(customerStatus).toMatchObject({ severity: 'low', coveredBy: 'orders_customer', columns: ['customer_id', 'status'] });
      expect(customerStatus?.evidence.unusedKeys).toEqual(['status']);
      expect(customerStatus?.evidence.queriesUsingOnlyThePrefix).toEqual([
        expect.objectContaining({ query: byCustomer.text, calls: 1200, keysUsed: 1 }),
      ]);
      expect(customerStatus?.fix?.up).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS public.orders_customer_status']);
      // (region, created_at, status): region = and created_at > use two keys; status never: replace with (region, created_at).
      const regional = byIndex.get('orders_region_created_status');
      expect(regional?.coveredBy).toBeUndefined();
      expect(regional?.fix?.up).toEqual([
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_region_created_at_idx ON public.orders (region, created_at)',
        'DROP INDEX CONCURRENTLY IF EXISTS public.orders_region_created_status',
      ]);
      expect(regional?.message).toMatch(/no query of the workload uses status together with region, created_at/);
      // (status, created_at) is used in full (equality then ORDER BY); the unique index enforces something; untouched has no queries.
      expect([...byIndex.keys()].sort()).toEqual(['orders_customer_status', 'orders_region_created_status']);
    });

    test('says nothing without a workload, or when the workload never touches the table', async () => {
      expect(await audit(db, null)).toEqual([]);
      const other = ref('untouched');
      expect(
        await audit(
          db,
          workloadOf(
            pattern('SELECT 1 FROM somewhere_else WHERE x = $1', [
              group(ref('somewhere_else'), [use(ref('somewhere_else'), 'x', 'equality')]),
            ]),
          ),
        ),
      ).toEqual([]);
      // A query that uses both keys justifies the composite.
      expect(
        await audit(
          db,
          workloadOf(
            pattern('SELECT * FROM untouched WHERE a = $1 AND b = $2', [
              group(other, [use(other, 'a', 'equality'), use(other, 'b', 'equality')]),
            ]),
          ),
        ),
      ).toEqual([]);
    });

    test('redundant-index keeps the narrow index the workload uses instead of proposing to drop both', async () => {
      const run = async (workload: Workload | null) =>
        (
          await auditPostgres(
            db.db,
            { kind: 'postgres', name: 'test' },
            { rules: [redundantIndex, unjustifiedCompositeIndex], workload, planner: false },
          )
        ).findings
          .map((f) => `${f.rule} ${f.index}`)
          .sort();
      const carts = ref('carts');
      const byOwner = pattern('SELECT * FROM carts WHERE owner_id = $1', [group(carts, [use(carts, 'owner_id', 'equality')])]);
      // Without a workload the single-column index is the redundant one (a left prefix of the composite)…
      expect(await run(null)).toContain('redundant-index carts_owner');
      // …with one that never uses state, the composite goes and the single-column index stays.
      const withWorkload = await run(workloadOf(byOwner));
      expect(withWorkload).toContain('unjustified-composite-index carts_owner_state');
      expect(withWorkload).not.toContain('redundant-index carts_owner');
    });

    test('applying every fix never leaves the foreign key without an index (unused-index keeps the narrow one)', async () => {
      const carts = ref('carts');
      const byOwner = pattern('SELECT * FROM carts WHERE owner_id = $1', [group(carts, [use(carts, 'owner_id', 'equality')])]);
      const result = await auditPostgres(
        db.db,
        { kind: 'postgres', name: 'test' },
        {
          rules: [redundantIndex, unusedIndex, unjustifiedCompositeIndex],
          workload: workloadOf(byOwner),
          planner: false,
          ruleOptions: { minStatsActivity: 0, minStatsAgeDays: 0 },
        },
      );
      const drops = result.findings.flatMap((f) =>
        (f.fix?.up ?? []).filter((s) => /^DROP INDEX/.test(s)).map((s) => `${s.split('.').pop()} (${f.rule})`),
      );
      expect(drops).toContain('carts_owner_state (unjustified-composite-index)');
      expect(drops.filter((d) => d.startsWith('carts_owner '))).toEqual([]);
    });

    test('the replacement fix round-trips', async () => {
      const [finding] = (await audit(db, workloadOf(byRegionRange))).filter((f) => f.index === 'orders_region_created_status');
      for (const sql of finding!.fix!.up) await db.exec(sql);
      expect((await audit(db, workloadOf(byRegionRange))).map((f) => f.index)).not.toContain('orders_region_created_status');
      for (const sql of finding!.fix!.down) await db.exec(sql);
      const { rows } = await db.db.query("SELECT indexname FROM pg_indexes WHERE tablename = 'orders' ORDER BY 1");
      expect(rows.map((r) => (r as { indexname: string }).indexname)).toContain('orders_region_created_status');
      expect(rows.map((r) => (r as { indexname: string }).indexname)).not.toContain('orders_region_created_at_idx');
    });
  });
}
