/** Turning findings into migration steps: order, filters, and the cases that must not be fixed. */
import { describe, expect, test } from 'vitest';
import { dropIndexFix } from '../../src/dialects/postgres/ddl.js';
import { planMigration, selectFindings, whyNotFixable } from '../../src/plan/steps.js';
import type { Index, SchemaModel } from '../../src/model/types.js';
import type { Finding } from '../../src/rules/types.js';
import { fakeIndex } from './support.js';

const model = (indexes: Index[]): SchemaModel => ({ indexes }) as unknown as SchemaModel;
const target = { name: 'test', database: null, serverVersion: '15' };

function dropFinding(index: Index, extra: Partial<Finding> = {}): Finding {
  return {
    rule: 'duplicate-index',
    severity: 'critical',
    schema: index.schema,
    table: index.table,
    index: index.name,
    message: 'dup',
    help: 'drop it',
    evidence: {},
    fix: dropIndexFix(index),
    ...extra,
  };
}

const a = fakeIndex({ name: 'a', definition: 'CREATE INDEX a ON public.t USING btree (x)' });
const b = fakeIndex({ name: 'b', definition: 'CREATE INDEX b ON public.t USING btree (x)' });
const fkFinding: Finding = {
  rule: 'unindexed-foreign-key',
  severity: 'low',
  schema: 'public',
  table: 'c',
  constraint: 'c_fk',
  columns: ['p'],
  message: 'no index',
  help: 'create one',
  evidence: {},
  fix: {
    up: ['CREATE INDEX CONCURRENTLY IF NOT EXISTS c_p_idx ON public.c (p)'],
    down: ['DROP INDEX CONCURRENTLY IF EXISTS public.c_p_idx'],
    transactional: false,
  },
};

describe('planMigration', () => {
  test('creates come before drops; each step keeps its finding, action and SQL', async () => {
    const plan = await planMigration([dropFinding(a, { coveredBy: 'b' }), fkFinding], model([a, b]), { target });
    expect(plan.steps.map((s) => s.summary)).toEqual(['create index public.c_p_idx on public.c (p)', 'drop index public.a']);
    expect(plan.steps[0]!.action).toEqual({
      kind: 'create-index',
      specs: [
        {
          schema: 'public',
          table: 'c',
          name: 'c_p_idx',
          unique: false,
          method: 'btree',
          columns: ['p'],
          only: false,
          concurrently: true,
          ifNotExists: true,
        },
      ],
    });
    expect(plan.steps[1]!.action).toEqual({ kind: 'drop-index', index: a, attached: [] });
    expect(plan.steps[1]!.up).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS public.a']);
    expect(plan.steps.every((s) => s.outsideTransaction)).toBe(true);
    expect(plan.settings).toEqual({ lockTimeoutMs: 5000, statementTimeoutMs: 0 });
  });

  test("a foreign key that another step's new index serves gets no index of its own; a name is created once", async () => {
    const missing: Finding = {
      ...fkFinding,
      rule: 'missing-index',
      constraint: undefined,
      index: 'c_p_q_idx',
      columns: ['p', 'q'],
      fix: {
        up: ['CREATE INDEX CONCURRENTLY IF NOT EXISTS c_p_q_idx ON public.c (p, q)'],
        down: ['DROP INDEX CONCURRENTLY IF EXISTS public.c_p_q_idx'],
        transactional: false,
      },
    };
    const partial: Finding = {
      ...missing,
      index: 'c_q_idx',
      columns: ['q'],
      fix: {
        up: ['CREATE INDEX CONCURRENTLY IF NOT EXISTS c_q_idx ON public.c (q) WHERE q > 0'],
        down: ['DROP INDEX CONCURRENTLY IF EXISTS public.c_q_idx'],
        transactional: false,
      },
    };
    const sameName: Finding = {
      ...partial,
      fix: { ...partial.fix!, up: ['CREATE INDEX CONCURRENTLY IF NOT EXISTS c_q_idx ON public.c (q)'] },
    };
    const secondKey: Finding = { ...fkFinding, constraint: 'c_other_fk' };
    const qKey: Finding = {
      ...fkFinding,
      constraint: 'c_q_fk',
      columns: ['q'],
      fix: {
        up: ['CREATE INDEX CONCURRENTLY IF NOT EXISTS c_q_idx1 ON public.c (q)'],
        down: ['DROP INDEX CONCURRENTLY IF EXISTS public.c_q_idx1'],
        transactional: false,
      },
    };
    const plan = await planMigration([fkFinding, qKey, missing, partial, sameName, secondKey], model([]), { target });
    expect(plan.steps.map((s) => s.id)).toEqual([
      'missing-index:public.c_p_q_idx',
      'missing-index:public.c_q_idx',
      'unindexed-foreign-key:public.c_q_idx1',
    ]);
    expect(plan.skipped.map((s) => [s.finding.constraint ?? s.finding.index, s.reason])).toEqual([
      [
        'c_q_idx',
        'step missing-index:public.c_q_idx creates another index named public.c_q_idx: apply the plan, then audit again for a new name',
      ],
      ['c_fk', 'the index public.c_p_q_idx that missing-index creates serves this foreign key too'],
      ['c_other_fk', 'the index public.c_p_q_idx that missing-index creates serves this foreign key too'],
    ]);
  });

  test('an index is dropped once, and never after the index that covers it', async () => {
    const plan = await planMigration(
      [dropFinding(a, { coveredBy: 'b' }), dropFinding(a, { rule: 'redundant-index' }), dropFinding(b, { coveredBy: 'a' })],
      model([a, b]),
      { target },
    );
    expect(plan.steps.map((s) => s.id)).toEqual(['duplicate-index:public.a']);
    expect(plan.skipped.map((s) => s.reason)).toEqual([
      'public.a is already dropped by step duplicate-index:public.a',
      'the index that covers it, public.a, is dropped by step duplicate-index:public.a',
    ]);
  });

  test('findings without a fix are listed as not fixed', async () => {
    const { fix: _fix, ...noFix } = dropFinding(a);
    const plan = await planMigration([noFix], model([a]), { target });
    expect(plan.steps).toEqual([]);
    expect(plan.skipped[0]!.reason).toMatch(/no automatic fix/);
  });

  test('unsafe drops are skipped with the reason', async () => {
    const referenced = fakeIndex({
      name: 'r',
      definition: 'CREATE UNIQUE INDEX r ON public.t USING btree (x)',
      unique: true,
      referencedByForeignKeys: [{ schema: 'public', name: 'child_fk' }],
    });
    const replica = fakeIndex({
      name: 'ri',
      definition: 'CREATE UNIQUE INDEX ri ON public.t USING btree (x)',
      unique: true,
      replicaIdentity: true,
    });
    const partitionedConstraint = fakeIndex({
      name: 'pk2',
      table: 'p',
      definition: 'CREATE UNIQUE INDEX pk2 ON ONLY public.p USING btree (x)',
      unique: true,
      partitioned: true,
      constraint: { name: 'pk2', type: 'unique', immediate: true, definition: 'UNIQUE (x)' },
    });
    expect(whyNotFixable(referenced)).toMatch(/foreign key child_fk references the table through it/);
    expect(whyNotFixable(replica)).toMatch(/REPLICA IDENTITY/);
    expect(whyNotFixable(partitionedConstraint)).toMatch(/partitioned table/);
    const plan = await planMigration(
      [dropFinding(referenced), dropFinding(replica), dropFinding(partitionedConstraint)],
      model([referenced, replica, partitionedConstraint]),
      { target },
    );
    expect(plan.steps).toEqual([]);
    expect(plan.skipped).toHaveLength(3);
  });

  test('a constraint-backed index is dropped through its constraint', async () => {
    const backed = fakeIndex({
      name: 'u2',
      definition: 'CREATE UNIQUE INDEX u2 ON public.t USING btree (x)',
      unique: true,
      constraint: { name: 'u2', type: 'unique', immediate: true, definition: 'UNIQUE (x)' },
    });
    const plan = await planMigration([dropFinding(backed)], model([backed]), { target });
    expect(plan.steps[0]!.action.kind).toBe('drop-constraint');
    expect(plan.steps[0]!.up).toEqual(['ALTER TABLE public.t DROP CONSTRAINT IF EXISTS u2']);
    expect(plan.steps[0]!.down).toEqual([
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS u2 ON public.t USING btree (x)',
      'ALTER TABLE public.t ADD CONSTRAINT u2 UNIQUE USING INDEX u2',
    ]);
  });
});

describe('selectFindings', () => {
  const findings = [
    dropFinding(a),
    { ...fkFinding },
    dropFinding(fakeIndex({ name: 'j', schema: 'dbdoctor', table: 'dbdoctor_journal', definition: 'x' })),
  ];
  test('filters by rule, severity and table (bare or schema-qualified); never the journal schema', () => {
    expect(selectFindings(findings)).toHaveLength(2);
    expect(selectFindings(findings, { rules: ['unindexed-foreign-key'] }).map((f) => f.rule)).toEqual(['unindexed-foreign-key']);
    expect(selectFindings(findings, { minSeverity: 'medium' }).map((f) => f.rule)).toEqual(['duplicate-index']);
    expect(selectFindings(findings, { tables: ['c'] }).map((f) => f.table)).toEqual(['c']);
    expect(selectFindings(findings, { tables: ['public.t'] }).map((f) => f.table)).toEqual(['t']);
  });
});
