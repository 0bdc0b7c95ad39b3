import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditPostgres } from '../../../src/audit/run.js';
import type { AuditResult } from '../../../src/audit/types.js';
import { decidePlan } from '../../../src/plan/planner.js';
import { buildStrategy, renderStrategyMarkdown } from '../../../src/report/docs/index.js';
import { createPgliteDatabase, type TestDatabase } from '../../helpers/databases.js';

let db: TestDatabase;
let result: AuditResult;
beforeAll(async () => {
  db = await createPgliteDatabase();
  // orders_customer and orders_customer_again are duplicates, and both are led by orders_customer_created:
  // each is the subject of more than one finding, and each is removed once.
  await db.exec(`
    CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, created_at timestamptz NOT NULL);
    CREATE INDEX orders_customer ON orders (customer_id);
    CREATE INDEX orders_customer_again ON orders (customer_id);
    CREATE INDEX orders_customer_created ON orders (customer_id, created_at);
  `);
  result = await auditPostgres(db.db, { kind: 'postgres', name: 'remove-count' }, { planner: false });
}, 120_000);
afterAll(async () => db?.close());

describe('docs: "to remove" counts objects, not findings', () => {
  test('each index the plan drops is listed once, with every reason', () => {
    const doc = buildStrategy(result);
    const dropped = decidePlan(result.findings, result.model).accepted.flatMap(({ action }) =>
      action.kind === 'drop-index' ? [action.index.name] : [],
    );
    const findingsAboutDropped = result.findings.filter((f) => f.index !== undefined && dropped.includes(f.index));
    // The premise: more findings than indexes.
    expect(findingsAboutDropped.length).toBeGreaterThan(new Set(dropped).size);
    expect(doc.remove.map((r) => r.index).sort()).toEqual([...new Set(dropped)].sort());
    for (const r of doc.remove) {
      const about = findingsAboutDropped.filter((f) => f.index === r.index);
      expect(r.reasons).toHaveLength(new Set(about).size);
      expect(new Set(r.rules)).toEqual(new Set(about.map((f) => f.rule)));
    }
    expect(renderStrategyMarkdown(doc)).toContain(`### Remove (${new Set(dropped).size})`);
  });
});
